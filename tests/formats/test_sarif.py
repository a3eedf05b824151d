"""SARIF 2.1.0: valid against the official schema, every rule listed, results at the evidence's file and line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from opencheck.formats.sarif import FINGERPRINT_KEY, format_sarif, to_sarif
from opencheck.report import Report
from opencheck.results import RuleStatus

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def _validate(log: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("which", ["report", "mot_report"])
def test_valid_against_schema(which: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(which)
    log = json.loads(format_sarif(report))
    _validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")


def test_every_rule_listed_with_help(report: Report) -> None:
    run = to_sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert set(ids) == {r.rule_id for p in report.packs for r in p.results}
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        props = rule["properties"]
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert props["problem.severity"] in ("error", "warning", "recommendation")
        assert 0 < len(props["tags"]) <= 20
        assert "security-severity" not in props  # openness findings are not security alerts
    doc = report.rule_doc("mof", "OC-MOF-TRAINING-CODE")
    assert doc is not None
    rule = next(r for r in rules if r["id"] == "OC-MOF-TRAINING-CODE")
    assert rule["fullDescription"]["text"] == doc.rationale
    assert doc.remediation in rule["help"]["text"]


def test_rule_list_is_the_same_whatever_passes(report: Report, mot_report: Report) -> None:
    """A rule missing from a later run would make GitHub close its alerts as 'not analysed'."""
    a = [r["id"] for r in to_sarif(report)["runs"][0]["tool"]["driver"]["rules"]]
    b = [r["id"] for r in to_sarif(mot_report)["runs"][0]["tool"]["driver"]["rules"]]
    assert a == b


def test_results_located_at_evidence(report: Report) -> None:
    run = to_sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["region"]["startLine"] >= 1
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
    # The licence-consistency finding points at the card's `license:` front-matter line.
    lic = by_rule["OC-MOF-LICENCE-CONSISTENT"]["locations"][0]["physicalLocation"]
    assert lic["artifactLocation"]["uri"] == "README.md"
    assert lic["region"]["startLine"] == 2
    # A finding with no file (no weight files at all) goes to README.md line 1.
    weights = by_rule["OC-MOF-WEIGHTS-FINAL"]["locations"][0]["physicalLocation"]
    assert (weights["artifactLocation"]["uri"], weights["region"]["startLine"]) == ("README.md", 1)
    # Passing rules produce no result.
    passed = {r.rule_id for p in report.packs for r in p.results if r.status == RuleStatus.PASS}
    assert not passed & set(by_rule)


def test_levels_follow_severity(report: Report) -> None:
    run = to_sarif(report)["runs"][0]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    for pack in report.packs:
        for r in pack.results:
            if r.status == RuleStatus.FAIL and r.rule_id in levels:
                assert levels[r.rule_id] == {"error": "error", "warning": "warning", "info": "note"}[r.severity.value]
            if r.status in (RuleStatus.WARN, RuleStatus.INCONCLUSIVE):
                assert levels[r.rule_id] == "note"


def test_suppressions_are_external_with_justification(report: Report) -> None:
    run = to_sarif(report)["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    sup = suppressed[0]["suppressions"][0]
    assert sup["kind"] == "external"
    assert "not-applicable" in sup["justification"] and "tested on purpose" in sup["justification"]


def test_fingerprints_and_output_stable(report: Report) -> None:
    later = dataclasses.replace(report, generated_at="2030-06-01T12:00:00Z")
    a, b = to_sarif(report), to_sarif(later)
    fa = [(r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]) for r in a["runs"][0]["results"]]
    fb = [(r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]) for r in b["runs"][0]["results"]]
    assert fa == fb
    assert len({f for _, f in fa}) == len(fa)
    assert format_sarif(report) == format_sarif(report)


def test_manifest_paths_are_relative_and_encoded(mot_report: Report) -> None:
    run = to_sarif(mot_report)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris
    for uri in uris:
        assert not uri.startswith("/")
        assert "%25" in uri or "%" not in uri  # the MOT file names contain '%', which a URI must escape
