"""Grading schemes a pack can declare: MOF classes, pass/fail, weighted letter score, index score, count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from opencheck.engine.context import Context
from opencheck.results import Grade, RuleResult, RuleStatus, Severity
from opencheck.wording import count

MOF_ORDER = ("Unclassified", "III", "II", "I")
MOF_VALUE = {0: "Unclassified", 3: "III", 2: "II", 1: "I"}
PASS_FAIL_ORDER = ("fail", "inconclusive", "pass")
SCORE_CREDIT = {RuleStatus.PASS: 1.0, RuleStatus.WARN: 0.75, RuleStatus.FAIL: 0.0, RuleStatus.ERROR: 0.0,
                RuleStatus.INCONCLUSIVE: 0.0}
INDEX_CREDIT = {RuleStatus.PASS: 1.0, RuleStatus.WARN: 0.5, RuleStatus.FAIL: 0.0, RuleStatus.ERROR: 0.0}

Grader = Callable[[Context, dict[str, Any], list[RuleResult]], Grade]


def grade(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    """Apply the pack's grading scheme to its rule results."""
    return GRADERS[grading["scheme"]](ctx, grading, results)


UNDETERMINED = "undetermined"


def bounded_grade(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    """The pack's grade, saying what failed look-ups left unknown.

    Rule: grade twice, once reading every unknown fact unfavourably (its rules fail, its components are not
    openly licensed) and once favourably (its rules pass, its components are openly licensed). Equal grades:
    that grade, labelled "(N facts unknown)". Different: "undetermined", with both bounds; the rank is the
    unfavourable one, so --fail-under never passes on facts that were not fetched.
    """
    unknown_set = {u for r in results if r.undetermined for u in r.unknown}
    if grading["scheme"] == "mof":
        unknown_set |= set(ctx.unknown_names())  # MOT scores every component, whichever rules the pack has
    unknown = sorted(unknown_set)
    if not unknown:
        return grade(ctx, grading, results)
    low = grade(ctx, grading, _settle(results, None))
    favourable = Context(evidence=ctx.evidence, pack=ctx.pack, assume_open=frozenset(ctx.unknown_names()))
    high = grade(favourable, grading, _settle(results, RuleStatus.PASS))
    count = f"{len(unknown)} fact{'s' * (len(unknown) != 1)} unknown"
    if low.value == high.value:
        return replace(low, label=f"{low.label} ({count})", unknown_facts=tuple(unknown),
                       bounds=(low.value, high.value))
    return replace(low, value=UNDETERMINED,
                   label=f"undetermined ({count}: {high.value} if favourable, {low.value} if not)",
                   unknown_facts=tuple(unknown), bounds=(low.value, high.value))


def _settle(results: list[RuleResult], status: RuleStatus | None) -> list[RuleResult]:
    """The results with every rule a failed look-up left inconclusive decided as `status` (None: its worst)."""
    return [replace(r, status=status or r.floor or RuleStatus.FAIL) if r.undetermined else r for r in results]


def _fixes(results: list[RuleResult], limit: int = 10) -> list[str]:
    """Failing rules, most important first, as 'rule: remediation' lines."""
    failing = [r for r in results if r.failed or (r.status == RuleStatus.WARN and r.suppression is None)]
    failing.sort(key=lambda r: (-r.severity.rank, r.status != RuleStatus.FAIL, -r.weight, r.rule_id))
    return [f"{r.rule_id}: {r.remediation}" for r in failing[:limit]]


def _grade_mof(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    mot = ctx.mot()
    value = MOF_VALUE[mot.mof_class]
    labels = grading.get("labels") or {}
    next_class = {0: 3, 3: 2, 2: 1}.get(mot.mof_class)
    steps: list[str] = []
    if next_class:
        by_component = {r.component: r for r in results if r.component}
        for name in mot.blockers.get(next_class, []):
            r = by_component.get(name)
            fix = r.remediation if r else "publish it under an open licence"
            steps.append(f"Class {MOF_VALUE[next_class]} needs {name}: {fix}")
    warnings = sorted(n for n, v in mot.components.items() if v.status == "included" and not v.type_appropriate)
    return Grade(
        scheme="mof",
        value=value,
        label=labels.get(value, mot.label),
        rank=MOF_ORDER.index(value),
        order=MOF_ORDER,
        score=mot.total_progress,
        details={
            "class": mot.mof_class,
            "progress": {str(c): round(mot.progress[c], 4) for c in (1, 2, 3)},
            "total_progress": round(mot.total_progress, 4),
            "next_class": MOF_VALUE[next_class] if next_class else None,
            "not_type_appropriate": warnings,
        },
        next_steps=steps,
    )


def _grade_pass_fail(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    gating = [r for r in results if r.severity == Severity.ERROR]
    failed = [r for r in gating if r.failed]
    undecided = [r for r in gating if r.status == RuleStatus.INCONCLUSIVE and r.suppression is None]
    value = "fail" if failed else ("inconclusive" if undecided else "pass")
    label = {"pass": "pass", "fail": f"fail ({len(failed)} of {count(len(gating), 'requirement')} not met)",
             "inconclusive": f"inconclusive ({count(len(undecided), 'requirement')} not determinable)"}[value]
    met = sum(1 for r in gating if r.status in (RuleStatus.PASS, RuleStatus.WARN) or r.suppression)
    return Grade(scheme="pass-fail", value=value, label=label, rank=PASS_FAIL_ORDER.index(value),
                 order=PASS_FAIL_ORDER, score=100.0 * met / len(gating) if gating else 100.0,
                 details={"requirements": len(gating), "met": met,
                          "failed": sorted(r.rule_id for r in failed),
                          "inconclusive": sorted(r.rule_id for r in undecided)},
                 next_steps=_fixes(results))


def _weighted(results: list[RuleResult], credit: dict[RuleStatus, float]) -> tuple[float, float]:
    got = total = 0.0
    for r in results:
        if r.suppression or r.status not in credit:
            continue
        total += r.weight
        got += r.weight * credit[r.status]
    return got, total


def _grade_score(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    got, total = _weighted(results, SCORE_CREDIT)
    score = 100.0 * got / total if total else 0.0
    bands = sorted(grading["bands"], key=lambda b: -b["min"])
    value = next((b["grade"] for b in bands if score >= b["min"] - 1e-9), bands[-1]["grade"])
    order = tuple(b["grade"] for b in reversed(bands))
    topics: dict[str, list[RuleResult]] = {}
    for r in results:
        topics.setdefault(r.topic or "general", []).append(r)
    topic_scores = {}
    for topic, rs in sorted(topics.items()):
        g, t = _weighted(rs, SCORE_CREDIT)
        topic_scores[topic] = round(100.0 * g / t, 2) if t else None
    weakest = sorted((s, t) for t, s in topic_scores.items() if s is not None)
    steps = []
    if weakest and weakest[0][0] < 100:
        steps.append(f"weakest area: {weakest[0][1]} ({weakest[0][0]:.0f}%)")
        weak_topic = weakest[0][1]
        results = sorted(results, key=lambda r: (r.topic or "general") != weak_topic)
    steps.extend(_fixes(results))
    return Grade(scheme="score", value=value, label=f"{value} ({score:.0f}/100)", rank=order.index(value),
                 order=order, score=score,
                 details={"topics": topic_scores, "weakest": weakest[0][1] if weakest else None,
                          "bands": {b["grade"]: b["min"] for b in bands}},
                 next_steps=steps)


def _grade_index(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    dims: dict[str, str] = {}
    got = total = 0.0
    for r in results:
        name = r.topic or r.rule_id
        if r.status not in INDEX_CREDIT:
            dims[name] = "not determinable"
            continue
        dims[name] = {1.0: "open", 0.5: "partial", 0.0: "closed"}[INDEX_CREDIT[r.status]]
        total += 1
        got += INDEX_CREDIT[r.status]
    score = got / total if total else 0.0
    return Grade(scheme="index", value=f"{score:.3f}", label=f"{score:.3f} ({int(total)} of "
                 f"{count(len(results), 'dimension')} determinable)", rank=round(score * 1000), order=(),
                 score=100.0 * score,
                 details={"dimensions": dict(sorted(dims.items())), "determinable": int(total)},
                 next_steps=_fixes(results))


def _grade_count(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    checkable = [r for r in results if r.status not in (RuleStatus.NOT_APPLICABLE, RuleStatus.INCONCLUSIVE)]
    met = sum(1 for r in checkable if r.status in (RuleStatus.PASS, RuleStatus.WARN))
    return Grade(scheme="count", value=f"{met}/{len(checkable)}",
                 label=f"{met} of {count(len(checkable), 'checkable indicator')}", rank=met, order=(),
                 score=100.0 * met / len(checkable) if checkable else 0.0,
                 details={"met": met, "checkable": len(checkable), "rules": len(results)},
                 next_steps=_fixes(results))


def _grade_eu(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    from opencheck.euaiact.rules import grade_eu

    return grade_eu(ctx, grading, results)


GRADERS: dict[str, Grader] = {
    "mof": _grade_mof,
    "pass-fail": _grade_pass_fail,
    "score": _grade_score,
    "index": _grade_index,
    "count": _grade_count,
    "eu-verdicts": _grade_eu,
}
