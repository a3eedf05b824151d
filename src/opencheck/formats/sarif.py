"""SARIF 2.1.0 for GitHub code scanning: every rule of every pack on every run, results at the evidence's line."""

from __future__ import annotations

import hashlib
import json
import posixpath
from typing import Any
from urllib.parse import quote

from opencheck.evidence import TargetKind
from opencheck.report import Report, RuleDoc
from opencheck.results import RuleResult, RuleStatus
from opencheck.url_parts import split_url

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/opencheck/opencheck"
RULES_DOC_URI = "https://github.com/opencheck/opencheck/blob/main/docs/rules.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "opencheck/v1"
MAX_DESCRIPTION = 1024  # GitHub truncates fullDescription beyond this
MAX_TAGS = 20  # GitHub's limit per rule

LEVEL_BY_SEVERITY = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
# Only findings a maintainer could act on become results; passes and not-applicable rules stay silent.
REPORTED = (RuleStatus.FAIL, RuleStatus.ERROR, RuleStatus.WARN, RuleStatus.INCONCLUSIVE)


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pascal(rule_id: str) -> str:
    parts = [p for p in rule_id.replace("_", "-").split("-") if p]
    if len(parts) > 1 and parts[0].upper() == "OC":
        parts = parts[1:]  # every id starts with OC-; the name needs no prefix
    return "".join(p[:1].upper() + p[1:].lower() for p in parts) or rule_id


def sarif_rule_ids(report: Report) -> dict[tuple[str, str], str]:
    """Map (pack, rule id) to the SARIF rule id: the rule id, qualified by pack only where two packs share it."""
    keys = {(d.pack, d.id) for d in report.rules}
    keys.update((r.pack, r.rule_id) for p in report.packs for r in p.results)
    owners: dict[str, set[str]] = {}
    for pack, rid in keys:
        owners.setdefault(rid, set()).add(pack)
    return {(pack, rid): rid if len(owners[rid]) == 1 else f"{rid}/{pack}" for pack, rid in keys}


def _doc_for(report: Report, result: RuleResult) -> RuleDoc:
    doc = report.rule_doc(result.pack, result.rule_id)
    if doc is not None:
        return doc
    # A report built without rule docs still lists the rule, described from its result.
    return RuleDoc(id=result.rule_id, pack=result.pack, title=result.title, severity=result.severity.value,
                   rationale=result.title, remediation=result.remediation, reference=result.reference,
                   component=result.component, topic=result.topic)


def _rule_descriptor(doc: RuleDoc, sarif_id: str) -> dict[str, Any]:
    # A custom pack's reference is untrusted: only an http(s) URL urllib can split, with no space or control in it,
    # is a SARIF `uri`; anything else would make the upload invalid, so the rule's own page stands in.
    parts = split_url(doc.reference) if doc.reference else None
    usable = parts is not None and parts.scheme in ("http", "https") and parts.netloc \
        and not any(c.isspace() or ord(c) < 32 for c in doc.reference or "")
    help_uri = doc.reference if usable and doc.reference else f"{RULES_DOC_URI}#{doc.id.lower()}"
    text = f"{doc.rationale}\n\nRemediation: {doc.remediation}"
    markdown = f"{doc.rationale}\n\n**Remediation:** {doc.remediation}"
    if doc.component:
        text += f"\n\nMOF component: {doc.component}"
        markdown += f"\n\n**MOF component:** {doc.component}"
    markdown += f"\n\n[Reference]({help_uri})"
    tags = ["openness", doc.pack]
    for extra in (doc.topic, *doc.tags):
        if extra and extra not in tags:
            tags.append(extra)
    return {
        "id": sarif_id,
        "name": _pascal(doc.id),
        "shortDescription": {"text": _clip(doc.title)},
        "fullDescription": {"text": _clip(doc.rationale or doc.title)},
        "help": {"text": text, "markdown": markdown},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": LEVEL_BY_SEVERITY.get(doc.severity, "warning")},
        "properties": {
            "tags": tags[:MAX_TAGS],
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY.get(doc.severity, "warning"),
            "pack": doc.pack,
        },
    }


def _level(result: RuleResult) -> str:
    if result.status == RuleStatus.FAIL:
        return LEVEL_BY_SEVERITY[result.severity.value]
    if result.status == RuleStatus.ERROR:
        return "warning"  # the rule could not be evaluated: worth a look, not a verdict
    return "note"  # warn (passes with a caveat) and inconclusive


def _base_dir(report: Report) -> str:
    """Folder of the target relative to the repository root, so URIs resolve against %SRCROOT%."""
    target = report.evidence.target
    if target.kind == TargetKind.HUB or not target.path:
        return ""
    base = target.path.replace("\\", "/")
    if target.kind == TargetKind.MANIFEST:
        base = posixpath.dirname(base)
    if base.startswith("/") or (len(base) > 1 and base[1] == ":"):
        return ""  # an absolute path cannot be expressed relative to the checkout
    base = posixpath.normpath(base)
    return "" if base in (".", "") else base


def _location(report: Report, result: RuleResult) -> tuple[str, int]:
    loc = result.location()
    if loc is not None and loc.file:
        path, line = loc.file, loc.line or 1
    else:
        path, line = "README.md", 1  # no file applies: point at the card, where a section would be added
    base = _base_dir(report)
    return (posixpath.join(base, path) if base else path), max(1, line)


def _fingerprint(report: Report, result: RuleResult, path: str) -> str:
    loc = result.location()
    # Lines move when a card is edited; the key or file a finding is about does not.
    key = (loc.key or loc.url or "") if loc else ""
    seed = "\0".join((result.pack, result.rule_id, report.evidence.target.id, path, key))
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _message(result: RuleResult) -> str:
    text = result.message
    loc = result.location()
    if loc is not None:
        text += f" (evidence: {loc.describe()})"
    if result.status != RuleStatus.PASS:
        text += f". Fix: {result.remediation}"
    return text


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as a mapping (one run)."""
    ids = sarif_rule_ids(report)
    docs: dict[str, RuleDoc] = {}
    for doc in report.rules:
        docs.setdefault(ids[(doc.pack, doc.id)], doc)
    for pack in report.packs:
        for r in pack.results:
            docs.setdefault(ids[(r.pack, r.rule_id)], _doc_for(report, r))
    order = sorted(docs)
    index = {sid: i for i, sid in enumerate(order)}
    rules = [_rule_descriptor(docs[sid], sid) for sid in order]

    results = [_result(report, r, ids[(r.pack, r.rule_id)], index) for pack in report.packs for r in pack.results
               if r.status in REPORTED]
    results.sort(key=lambda x: (x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                                x["locations"][0]["physicalLocation"]["region"]["startLine"]))

    target = report.evidence.target
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "opencheck",
            "version": report.tool_version,
            "semanticVersion": report.tool_version,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        "automationDetails": {"id": f"opencheck/{target.id}/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "target": {"kind": target.kind.value, "id": target.id},
            "grades": {p.name: p.grade.value for p in report.packs},
            "gradeLabels": {p.name: p.grade.label for p in report.packs},
            "generatedAt": report.generated_at,
            "lookups": report.lookups_dict(),
        },
    }
    if headline := report.lookups_headline():
        # A run that completed on partial facts: SARIF's place for that is a tool notification.
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [
            {"level": "warning", "message": {"text": headline}, "descriptor": {"id": "lookups-failed"}}]}]
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _result(report: Report, r: RuleResult, sid: str, index: dict[str, int]) -> dict[str, Any]:
    """One SARIF result for a reported rule result."""
    path, line = _location(report, r)
    item: dict[str, Any] = {
        "ruleId": sid,
        "ruleIndex": index[sid],
        "level": _level(r),
        "kind": "fail" if r.status in (RuleStatus.FAIL, RuleStatus.ERROR) else "review",
        "message": {"text": _message(r)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT},
            "region": {"startLine": line},
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(report, r, path)},
        "properties": {"pack": r.pack, "status": r.status.value, "severity": r.severity.value},
    }
    if r.component:
        item["properties"]["component"] = r.component
    if r.suppression is not None:
        s = r.suppression
        justification = s.reason + (f": {s.note}" if s.note else "")
        if s.expires:
            justification += f" (expires {s.expires})"
        item["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return item


def format_sarif(report: Report) -> str:
    """Render the report as SARIF 2.1.0 JSON."""
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
