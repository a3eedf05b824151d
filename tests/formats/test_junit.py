"""JUnit XML: one suite per pack, one case per rule, parsed back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from opencheck.formats.junit import format_junit
from opencheck.report import Report
from opencheck.results import RuleStatus


def test_parses_back_with_consistent_counts(report: Report) -> None:
    root = ET.fromstring(format_junit(report))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(p.name for p in report.packs)
    total = 0
    for suite in suites:
        cases = suite.findall("testcase")
        pack = next(p for p in report.packs if p.name == suite.get("name"))
        assert len(cases) == len(pack.results) == int(suite.get("tests"))
        names = [c.get("name").split(": ")[0] for c in cases]
        assert names == sorted(names)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
        assert all(c.get("classname") == pack.name for c in cases)
        total += len(cases)
    assert int(root.get("tests")) == total


def test_outcome_mapping(report: Report) -> None:
    root = ET.fromstring(format_junit(report))
    cases = {c.get("name").split(":")[0]: c for c in root.iter("testcase")}
    for pack in report.packs:
        for r in pack.results:
            case = cases[r.rule_id]
            if r.suppression is not None:
                skipped = case.find("skipped")
                assert skipped is not None and "suppressed" in skipped.get("message")
            elif r.status == RuleStatus.FAIL:
                failure = case.find("failure")
                assert failure is not None and failure.get("type") == r.severity.value
                assert "\n" not in failure.get("message")
            elif r.status == RuleStatus.ERROR:
                assert case.find("error") is not None
            elif r.status in (RuleStatus.INCONCLUSIVE, RuleStatus.NOT_APPLICABLE):
                assert case.find("skipped") is not None
            else:
                assert case.find("failure") is None and case.find("skipped") is None


def test_deterministic(report: Report) -> None:
    assert format_junit(report) == format_junit(report)
