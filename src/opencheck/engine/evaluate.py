"""Run a pack's rules over an evidence record and grade the results."""

from __future__ import annotations

from opencheck.engine.context import Context
from opencheck.engine.grading import bounded_grade
from opencheck.engine.packs import Pack
from opencheck.engine.predicates import evaluate_condition
from opencheck.evidence import Evidence, with_lfs_note
from opencheck.results import Outcome, PackResult, RuleResult, RuleStatus, Suppression


def evaluate_pack(pack: Pack, evidence: Evidence, *,
                  suppressions: dict[str, Suppression] | None = None) -> PackResult:
    """Evaluate every active rule of `pack`, apply suppressions, and grade."""
    ctx = Context(evidence=evidence, pack=pack)
    results: list[RuleResult] = []
    for rule in pack.active_rules():
        try:
            outcome = evaluate_condition(ctx, rule.condition)
        except (KeyError, TypeError, ValueError) as exc:
            # A predicate tripping over odd evidence must not sink the whole report.
            outcome = Outcome(RuleStatus.ERROR, f"could not evaluate: {type(exc).__name__}: {exc}")
        results.append(RuleResult(
            rule_id=rule.id,
            pack=pack.name,
            title=rule.title,
            severity=rule.severity,
            status=outcome.status,
            message=outcome.message,
            remediation=outcome.fix or rule.remediation,
            # A file that is only an LFS pointer is named as such wherever a finding cites it.
            evidence=tuple(dict.fromkeys(with_lfs_note(p, evidence.lfs_pointers) for p in outcome.evidence)),
            component=rule.component,
            topic=rule.topic,
            reference=rule.reference,
            weight=rule.weight,
            unknown=outcome.unknown if outcome.status == RuleStatus.INCONCLUSIVE else (),
            floor=outcome.floor if outcome.status == RuleStatus.INCONCLUSIVE else None,
            suppression=(suppressions or {}).get(rule.id) if outcome.status in (
                RuleStatus.FAIL, RuleStatus.WARN, RuleStatus.ERROR, RuleStatus.INCONCLUSIVE) else None,
        ))
    return PackResult(name=pack.name, version=pack.version, title=pack.title, sha256=pack.sha256,
                      grade=bounded_grade(ctx, pack.grading, results), results=results)
