"""Compare two JSON reports: components lost, licences that became less open, grades that dropped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opencheck.errors import UsageError
from opencheck.report import GateResult, Report
from opencheck.untrusted_json import loads_untrusted

MAX_REPORT_BYTES = 50_000_000

# Openness tiers of component licence classes, most open first (osi > free > open-data > unclear > closed).
LICENCE_TIER: dict[str | None, int] = {
    "osi": 0, "free": 1, "open-data": 2,
    "unknown": 3, "ambiguous": 3, None: 3,
    "restricted": 4, "non-commercial": 4, "no-derivatives": 4, "proprietary": 4,
}
TIER_NAMES = ("OSI-approved", "free", "open-data", "unknown or ambiguous", "closed")


class InvalidReport(UsageError):
    """A report file that cannot be read or is not an opencheck JSON report."""


@dataclass(frozen=True)
class Change:
    """One difference between two reports."""

    kind: str  # component-lost | component-gained | licence-less-open | licence-more-open | grade-dropped | ...
    subject: str  # component or pack name
    old: str | None
    new: str | None
    regression: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"kind": self.kind, "subject": self.subject, "old": self.old, "new": self.new,
                "regression": self.regression, "message": self.message}


@dataclass
class ReportDiff:
    """All changes from an old report to a new one."""

    old_target: str
    new_target: str
    changes: list[Change] = field(default_factory=list)

    @property
    def regressions(self) -> list[Change]:
        """The changes that make the model less open."""
        return [c for c in self.changes if c.regression]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (deterministic)."""
        return {
            "old": {"target": self.old_target},
            "new": {"target": self.new_target},
            "regression": bool(self.regressions),
            "counts": {"changes": len(self.changes), "regressions": len(self.regressions)},
            "changes": [c.to_dict() for c in self.changes],
        }


def load_report_file(path: Path) -> dict[str, Any]:
    """Read and sanity-check a JSON report; unreadable or foreign input raises InvalidReport (exit 2)."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise InvalidReport(f"{path}: report is larger than {MAX_REPORT_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidReport(f"{path}: cannot read report: {exc.strerror or exc}") from None
    try:
        data = loads_untrusted(raw.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON, a 101-digit number, nesting past the interpreter's limit
        raise InvalidReport(f"{path}: not a JSON report: {exc}") from None
    check_report_dict(data, str(path))
    return data


def check_report_dict(data: Any, source: str) -> None:
    """Raise InvalidReport unless `data` has the shape of an opencheck 1.x report (the parts diff reads)."""
    def bad(why: str) -> InvalidReport:
        return InvalidReport(f"{source}: not an opencheck JSON report: {why}")

    if not isinstance(data, dict):
        raise bad("the top level is not an object")
    version = data.get("schema_version")
    if not isinstance(version, str) or not version.startswith("1."):
        raise bad(f"unsupported schema_version {version!r} (expected 1.x)")
    packs, comps = data.get("packs"), data.get("components")
    if not isinstance(packs, list) or not isinstance(comps, list):
        raise bad("`packs` and `components` must be lists")
    for i, p in enumerate(packs):
        if not (isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("grade"), dict)
                and isinstance(p["grade"].get("value"), str)):
            raise bad(f"$.packs[{i}] lacks name or grade.value")
    for i, c in enumerate(comps):
        if not (isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("status"), str)):
            raise bad(f"$.components[{i}] lacks name or status")


def _target(data: dict[str, Any]) -> str:
    t = data.get("target")
    return str(t.get("id") or t.get("path") or "?") if isinstance(t, dict) else "?"


def _licence(c: dict[str, Any]) -> str:
    return str(c.get("normalised") or c.get("licence") or "no licence")


def _components(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    before = {c["name"]: c for c in old["components"]}
    after = {c["name"]: c for c in new["components"]}
    for name in sorted(set(before) | set(after)):
        o, n = before.get(name), after.get(name)
        o_present = bool(o and o["status"] == "present")
        n_present = bool(n and n["status"] == "present")
        if o_present and not n_present:
            status = n["status"] if n else "missing"
            changes.append(Change("component-lost", name, "present", status, True,
                                  f"{name}: was present, now {status}"))
            continue
        if n_present and not o_present:
            changes.append(Change("component-gained", name, o["status"] if o else "missing", "present", False,
                                  f"{name}: now present"))
            continue
        if not (o_present and n_present and o and n):
            continue
        o_tier = LICENCE_TIER.get(o.get("licence_class"), 3)
        n_tier = LICENCE_TIER.get(n.get("licence_class"), 3)
        if n_tier > o_tier:
            changes.append(Change("licence-less-open", name, _licence(o), _licence(n), True,
                                  f"{name}: licence {_licence(o)} ({TIER_NAMES[o_tier]}) became "
                                  f"{_licence(n)} ({TIER_NAMES[n_tier]})"))
        elif n_tier < o_tier:
            changes.append(Change("licence-more-open", name, _licence(o), _licence(n), False,
                                  f"{name}: licence {_licence(o)} ({TIER_NAMES[o_tier]}) became "
                                  f"{_licence(n)} ({TIER_NAMES[n_tier]})"))
        elif _licence(o) != _licence(n):
            changes.append(Change("licence-changed", name, _licence(o), _licence(n), False,
                                  f"{name}: licence {_licence(o)} became {_licence(n)} "
                                  f"(equally open: {TIER_NAMES[n_tier]})"))
    return changes


def _grade_position(grade: dict[str, Any]) -> float | None:
    order = grade.get("order") or []
    value = grade.get("value")
    if order and value in order:
        return float(order.index(value))
    rank = grade.get("rank")
    return float(rank) if isinstance(rank, (int, float)) else None


def _grades(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    before = {p["name"]: p["grade"] for p in old["packs"]}
    after = {p["name"]: p["grade"] for p in new["packs"]}
    for name in sorted(set(before) | set(after)):
        o, n = before.get(name), after.get(name)
        if o is None or n is None:
            which = "only in the old report" if n is None else "only in the new report"
            changes.append(Change("pack-not-compared", name, o and o["value"], n and n["value"], False,
                                  f"pack {name}: {which}; not compared"))
            continue
        if (o.get("order") or []) != (n.get("order") or []) and o.get("order") and n.get("order"):
            changes.append(Change("pack-not-compared", name, o["value"], n["value"], False,
                                  f"pack {name}: grading scale changed; not compared"))
            continue
        po, pn = _grade_position(o), _grade_position(n)
        if po is None or pn is None or po == pn:
            continue
        kind, regression = ("grade-dropped", True) if pn < po else ("grade-rose", False)
        changes.append(Change(kind, name, o["value"], n["value"], regression,
                              f"pack {name}: grade {o['value']} -> {n['value']}"))
    return changes


def _rules(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Rules that newly fail: shown for context; the grade and components decide regressions."""
    def failing(data: dict[str, Any]) -> set[tuple[str, str]]:
        return {(p["name"], r.get("rule_id", "?")) for p in data["packs"] for r in p.get("results") or []
                if isinstance(r, dict) and r.get("status") in ("fail", "error") and not r.get("suppression")}
    return [Change("rule-newly-failing", f"{pack}/{rid}", "not failing", "fail", False,
                   f"{pack}: rule {rid} now fails")
            for pack, rid in sorted(failing(new) - failing(old))]


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    """Compare two report dicts (as `Report.to_dict()` writes them)."""
    changes = _grades(old, new) + _components(old, new) + _rules(old, new)
    changes.sort(key=lambda c: (not c.regression, c.kind, c.subject))
    return ReportDiff(old_target=_target(old), new_target=_target(new), changes=changes)


def baseline_gate(baseline: dict[str, Any], report: Report, source: str) -> GateResult:
    """The `--baseline` gate: passes unless the new report regressed against the baseline."""
    result = diff_reports(baseline, report.to_dict())
    bad = result.regressions
    if not bad:
        return GateResult("baseline", True, f"no regression against {source}")
    shown = "; ".join(c.message for c in bad[:5]) + (f" (and {len(bad) - 5} more)" if len(bad) > 5 else "")
    return GateResult("baseline", False, f"{len(bad)} regression(s) against {source}: {shown}")


def format_diff_text(result: ReportDiff) -> str:
    """Human-readable diff."""
    lines = [f"opencheck diff: {result.old_target} -> {result.new_target}"]
    if not result.changes:
        lines.append("no changes")
    for c in result.changes:
        mark = "REGRESSION" if c.regression else "change"
        lines.append(f"  {mark:<10}  {c.kind:<20} {c.message}")
    n = len(result.regressions)
    lines.append(f"{n} regression(s)" if n else "no regressions")
    return "\n".join(lines) + "\n"


def format_diff_json(result: ReportDiff) -> str:
    """Machine-readable diff."""
    return json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
