"""Key facts of one revision and the changes from one revision to the next, each with its evidence at both."""

from __future__ import annotations

from typing import Any

from opencheck.evidence import Evidence
from opencheck.history.model import Change, RevisionResult
from opencheck.report.diff import diff_reports

WEIGHTS_COMPONENT = "Model parameters (Final)"
MAX_EVIDENCE = 5  # evidence lines shown per side of a change


def key_facts(evidence: Evidence, report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The weights licence, datasets and gating of a revision, and where each was read."""
    row = next((c for c in report["components"] if c["name"] == WEIGHTS_COMPONENT), {})
    datasets: dict[str, str] = {}
    for name, where in evidence.datasets:
        datasets.setdefault(name, where.describe())
    gated = evidence.hub.get("gated") if evidence.hub else None
    gated = gated if isinstance(gated, str) and gated else bool(evidence.weights.gated or gated)
    facts = {
        "weights_licence": row.get("normalised") or row.get("licence"),
        "weights_licence_class": row.get("licence_class"),
        "datasets": sorted(datasets),
        "gated": gated,
    }
    where = {
        "weights_licence": [row["licence_source"]] if row.get("licence_source") else [],
        "gated": [evidence.weights.gate.describe()] if evidence.weights.gate else [],
        **{f"dataset:{name}": [shown] for name, shown in datasets.items()},
    }
    return facts, where


def _results(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["name"], r.get("rule_id", "?")): r for p in report["packs"] for r in p.get("results") or []
            if isinstance(r, dict)}


def _rule_evidence(result: dict[str, Any] | None) -> list[str]:
    if result is None:
        return []
    lines = [f"{result.get('status')}: {result.get('message')}"]
    for ev in (result.get("evidence") or [])[:MAX_EVIDENCE]:
        if isinstance(ev, dict):
            lines.append(_where(ev))
    return lines


def _where(ev: dict[str, Any]) -> str:
    parts = [f"{ev['file']}:{ev['line']}" if ev.get("line") and ev.get("file") else ev.get("file"),
             f"[{ev['key']}]" if ev.get("key") else None, ev.get("url")]
    text = " ".join(p for p in parts if p)
    note = ev.get("note")
    return f"{text}: {note}" if text and note else (text or note or "(no location)")


def _component_evidence(report: dict[str, Any], name: str) -> list[str]:
    row = next((c for c in report["components"] if c["name"] == name), None)
    if row is None:
        return []
    lines = [f"{row['status']}" + (f", licence {row['normalised'] or row['licence']}" if row.get("licence") else "")]
    if row.get("licence_source"):
        lines.append(f"licence from {row['licence_source']}")
    return lines + list(row.get("evidence") or [])[:MAX_EVIDENCE]


def changes_between(old: RevisionResult, new: RevisionResult) -> list[Change]:
    """What changed from `old` to `new`: grades, component licences, key facts and each rule whose outcome moved."""
    changes: list[Change] = []
    old_rules, new_rules = _results(old.report), _results(new.report)
    for c in diff_reports(old.report, new.report).changes:
        if c.kind == "rule-newly-failing":
            continue  # every rule whose outcome moved is listed below, with its evidence
        if c.kind.startswith(("component-", "licence-")):
            before, after = _component_evidence(old.report, c.subject), _component_evidence(new.report, c.subject)
        elif c.kind.startswith(("grade-", "pack-")):
            moved = sorted(k for k in set(old_rules) | set(new_rules) if k[0] == c.subject
                           and (old_rules.get(k) or {}).get("status") != (new_rules.get(k) or {}).get("status"))
            before = [f"{k[1]}: {(old_rules.get(k) or {}).get('status', 'absent')}" for k in moved]
            after = [f"{k[1]}: {(new_rules.get(k) or {}).get('status', 'absent')}" for k in moved]
        else:
            before, after = [], []
        changes.append(Change(c.kind, c.subject, c.old, c.new, c.regression, c.message, before, after))
    # The weights licence already shows as a component licence change when its openness tier moved.
    reported = any(c.subject == WEIGHTS_COMPONENT and c.kind.startswith("licence-") for c in changes)
    changes.extend(_fact_changes(old, new, reported))
    for key in sorted(set(old_rules) | set(new_rules)):
        before_r, after_r = old_rules.get(key), new_rules.get(key)
        was = before_r.get("status") if before_r else None
        now = after_r.get("status") if after_r else None
        if was == now:
            continue
        pack, rule = key
        title = (after_r or before_r or {}).get("title") or rule
        worse = now in ("fail", "error") and was not in ("fail", "error")
        changes.append(Change("rule-changed", f"{pack}/{rule}", was, now, False,
                              f"{pack}: rule {rule} ({title}): {was or 'absent'} -> {now or 'absent'}"
                              + (" (newly failing)" if worse else ""),
                              _rule_evidence(before_r), _rule_evidence(after_r)))
    return changes


def _fact_changes(old: RevisionResult, new: RevisionResult, reported_weights: bool) -> list[Change]:
    changes: list[Change] = []
    before, after = set(old.facts.get("datasets") or []), set(new.facts.get("datasets") or [])
    for name in sorted(before - after):
        changes.append(Change("dataset-removed", name, name, None, False,
                              f"dataset {name} is no longer named", old.fact_evidence.get(f"dataset:{name}", []), []))
    for name in sorted(after - before):
        changes.append(Change("dataset-added", name, None, name, False, f"dataset {name} is now named",
                              [], new.fact_evidence.get(f"dataset:{name}", [])))
    if old.facts.get("gated") != new.facts.get("gated"):
        was, now = str(old.facts.get("gated")).lower(), str(new.facts.get("gated")).lower()
        changes.append(Change("gating-changed", "gated", was, now, now not in ("false", "none"),
                              f"gating: {was} -> {now}", old.fact_evidence.get("gated", []),
                              new.fact_evidence.get("gated", [])))
    if old.facts.get("weights_licence") != new.facts.get("weights_licence") and not reported_weights:
        was, now = old.facts.get("weights_licence"), new.facts.get("weights_licence")
        changes.append(Change("weights-licence-changed", WEIGHTS_COMPONENT, was, now, False,
                              f"weights licence: {was or 'none'} -> {now or 'none'}",
                              old.fact_evidence.get("weights_licence", []),
                              new.fact_evidence.get("weights_licence", [])))
    return changes
