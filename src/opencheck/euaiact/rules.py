"""The `eu_ai_act` predicate and the `eu-verdicts` grading scheme the eu-gpai pack is built from."""

from __future__ import annotations

from typing import Any

from opencheck.engine.context import Context
from opencheck.euaiact.verdict_model import (
    DISCLAIMER,
    GRADE_ORDER,
    LIKELY,
    NOT_LIKELY,
    SOURCES,
    UNDETERMINED,
    Assessment,
)
from opencheck.euaiact.verdicts import assess
from opencheck.evidence import Provenance
from opencheck.results import Grade, Outcome, RuleResult, RuleStatus

_S = RuleStatus
# Status of each verdict rule: pass is the outcome that favours an open release, the message says the verdict.
_VERDICT_STATUS = {
    "gpai": {LIKELY: _S.WARN, NOT_LIKELY: _S.PASS, UNDETERMINED: _S.INCONCLUSIVE},
    "systemic_risk": {LIKELY: _S.FAIL, NOT_LIKELY: _S.PASS, UNDETERMINED: _S.INCONCLUSIVE},
    "exemption": {LIKELY: _S.PASS, NOT_LIKELY: _S.FAIL, UNDETERMINED: _S.INCONCLUSIVE},
    "still_owed": {LIKELY: _S.WARN, NOT_LIKELY: _S.PASS, UNDETERMINED: _S.INCONCLUSIVE},
}
_CONDITION_STATUS = {"met": _S.PASS, "assumed": _S.PASS, "not met": _S.FAIL, "not shown": _S.INCONCLUSIVE}
VERDICTS = tuple(_VERDICT_STATUS)
CONDITIONS = ("licence", "weights", "architecture", "usage", "not_monetised", "not_systemic_risk")
DUTIES = ("copyright_policy", "training_summary")


def assessment(ctx: Context) -> Assessment:
    """The assessment of the context's evidence, computed once per evaluation."""
    cached = ctx.__dict__.get("_eu_assessment")
    if cached is None:
        cached = assess(ctx.evidence, ctx)
        ctx.__dict__["_eu_assessment"] = cached
    return cached


def _declared(flag: bool) -> str:
    return " [declared]" if flag else ""


def eu_ai_act(ctx: Context, args: dict[str, Any]) -> Outcome:
    """One verdict (`verdict`), exemption condition (`condition`) or owed document (`duty`) of the EU AI Act view."""
    a = assessment(ctx)
    if "verdict" in args:
        v = a.verdicts()[args["verdict"]]
        return Outcome(_VERDICT_STATUS[v.key][v.verdict],
                       f"{v.verdict} (decided by: {v.deciding}): {v.message}{_declared(v.declared)}", v.evidence)
    if "condition" in args:
        c = next(c for c in a.conditions if c.key == args["condition"])
        return Outcome(_CONDITION_STATUS[c.state], f"{c.state}: {c.message}{_declared(c.declared)}", c.evidence)
    if args.get("check") == "summary":
        return _summary_outcome(a)
    d = next(d for d in a.duties if d.key == args["duty"])
    if d.found:
        return Outcome(_S.PASS, f"found: {d.where}{_declared(d.declared)}", d.evidence)
    return Outcome(_S.FAIL, f"not found: {d.where}", d.evidence)


def _summary_outcome(a: Assessment) -> Outcome:
    """The published summary against the template's sections and the repository's metadata."""
    duty = next(d for d in a.duties if d.key == "training_summary")
    check = a.summary_check
    if not duty.found:
        return Outcome(_S.NOT_APPLICABLE, "no training-content summary found to check")
    if check is None:
        return Outcome(_S.INCONCLUSIVE, f"summary found but not read: {a.summary_note}", duty.evidence)
    where = (Provenance(file=check.path),)
    sections = f"template sections present: {', '.join(check.sections_found) or 'none'}"
    if check.sections_missing:
        sections += f"; missing: {', '.join(check.sections_missing)}"
    if check.disagreements:
        return Outcome(_S.FAIL, f"{check.path} disagrees with the repository: " + "; ".join(check.disagreements)
                       + f" ({sections})", where)
    if check.sections_missing:
        return Outcome(_S.WARN, f"{check.path} agrees with the metadata; {sections}", where)
    return Outcome(_S.PASS, f"{check.path} has every template section and agrees with the metadata", where)


def grade_eu(ctx: Context, grading: dict[str, Any], results: list[RuleResult]) -> Grade:
    """The four verdicts as the pack's grade; the value is the open-source exemption verdict."""
    a = assessment(ctx)
    value = f"exemption {a.exemption.verdict}"
    steps = [f"{DISCLAIMER} Sources: " + "; ".join(f"{t} ({d})" for t, d, _ in SOURCES)]
    steps.extend(a.notes)
    for r in results:
        if r.status in (_S.FAIL, _S.INCONCLUSIVE) and r.suppression is None:
            steps.append(f"{r.rule_id}: {r.remediation}")
    return Grade(scheme="eu-verdicts", value=value, label=a.headline(), rank=GRADE_ORDER.index(value),
                 order=GRADE_ORDER, score=None, details=a.to_dict(), next_steps=steps)
