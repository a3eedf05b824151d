"""JUnit XML: one test suite per pack, one test case per rule, so CI dashboards show trends."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from opencheck.report import Report
from opencheck.results import PackResult, RuleResult, RuleStatus

SKIPPED = (RuleStatus.INCONCLUSIVE, RuleStatus.NOT_APPLICABLE)
# ElementTree escapes markup but writes control characters as they are, and XML 1.0 forbids them: one in a file
# name or card value made the whole report unparseable. Markup itself never contains them, so replace them all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _details(result: RuleResult) -> str:
    lines = [result.message]
    from opencheck.formats.text import evidence_label

    lines += ["".join(evidence_label(ev)) for ev in result.evidence]
    if result.status != RuleStatus.PASS:
        lines.append(f"fix: {result.remediation}")
    return "\n".join(lines)


def _outcome(result: RuleResult) -> str:
    """pass | failure | error | skipped, as JUnit knows them."""
    if result.suppression is not None and result.status != RuleStatus.PASS:
        return "skipped"
    if result.status == RuleStatus.FAIL:
        return "failure"
    if result.status == RuleStatus.ERROR:
        return "error"
    if result.status in SKIPPED:
        return "skipped"
    return "pass"  # pass and warn (a pass with a caveat, kept in system-out)


def _suite(pack: PackResult, timestamp: str) -> tuple[ET.Element, dict[str, int]]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.Element("testsuite")
    for r in sorted(pack.results, key=lambda r: r.rule_id):
        counts["tests"] += 1
        case = ET.SubElement(suite, "testcase", {"classname": pack.name, "name": f"{r.rule_id}: {r.title}",
                                                  "time": "0"})
        outcome = _outcome(r)
        if outcome == "failure":
            counts["failures"] += 1
            el = ET.SubElement(case, "failure", {"message": _one_line(r.message), "type": r.severity.value})
            el.text = _details(r)
        elif outcome == "error":
            counts["errors"] += 1
            el = ET.SubElement(case, "error", {"message": _one_line(r.message), "type": "error"})
            el.text = _details(r)
        elif outcome == "skipped":
            counts["skipped"] += 1
            if r.suppression is not None:
                s = r.suppression
                why = f"suppressed ({s.reason}{': ' + s.note if s.note else ''}): {r.message}"
            else:
                why = f"{r.status.value.replace('_', ' ')}: {r.message}"
            ET.SubElement(case, "skipped", {"message": _one_line(why)})
        elif r.status == RuleStatus.WARN:
            out = ET.SubElement(case, "system-out")
            out.text = "warning: " + _details(r)
    suite.attrib.update({"name": pack.name, "tests": str(counts["tests"]), "failures": str(counts["failures"]),
                         "errors": str(counts["errors"]), "skipped": str(counts["skipped"]), "time": "0",
                         "timestamp": timestamp.rstrip("Z")})
    props = ET.Element("properties")
    for name, value in (("grade", pack.grade.value), ("label", pack.grade.label), ("pack-version", pack.version)):
        ET.SubElement(props, "property", {"name": name, "value": value})
    suite.insert(0, props)
    return suite, counts


def format_junit(report: Report) -> str:
    """Render the report as JUnit XML (suites per pack, sorted)."""
    root = ET.Element("testsuites", {"name": "opencheck"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for pack in sorted(report.packs, key=lambda p: p.name):
        suite, counts = _suite(pack, report.generated_at)
        root.append(suite)
        for k, v in counts.items():
            totals[k] += v
    root.attrib.update({k: str(v) for k, v in totals.items()})
    root.attrib["time"] = "0"
    if headline := report.lookups_headline():
        # Each suite's properties carry it: JUnit readers show suite properties, not the root's.
        for suite in root:
            ET.SubElement(suite[0], "property", {"name": "lookups-failed", "value": headline})
    ET.indent(root)
    body = _NOT_XML.sub("\ufffd", ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
