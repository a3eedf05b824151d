"""Problems sort in a total order whatever fields their locations set (a None never meets a str)."""

from __future__ import annotations

from opencheck.check import CheckOptions, build_report
from opencheck.evidence import Evidence, Problem, Provenance, Target, TargetKind
from opencheck.formats.registry import ReportFormat, render
from opencheck.rulepacks import load_pack


def test_problems_with_mixed_locations_render_in_every_format() -> None:
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="o/m", resolved_sha="a" * 40))
    evidence.problems = [
        Problem("github-unavailable", "GitHub licence of o/x: cannot connect", Provenance(note="GitHub licence")),
        Problem("dataset-not-found", "dataset d: not found", Provenance(key="datasets", url="https://hub/d")),
        Problem("github-unavailable", "GitHub licence of o/y: rate limited", Provenance(url="https://github.com/o/y")),
        Problem("front-matter-invalid", "bad YAML", Provenance(file="README.md", line=3)),
        Problem("front-matter-invalid", "bad YAML", Provenance(file="README.md")),
    ]
    report = build_report(evidence, CheckOptions(packs=[load_pack("mof")]), "2026-01-01T00:00:00Z")
    codes = [p["location"] for p in report.to_dict()["problems"]]
    # Unset fields first, then by value: note-only, url-only, key+url, file, file+line.
    assert codes == [{"note": "GitHub licence"}, {"url": "https://github.com/o/y"},
                     {"key": "datasets", "url": "https://hub/d"}, {"file": "README.md"},
                     {"file": "README.md", "line": 3}]
    for fmt in ReportFormat:
        assert render(report, fmt)


def test_provenance_order_is_total() -> None:
    items = [Provenance(line=2), Provenance(file="a"), Provenance(), Provenance(file="a", line=1), Provenance(note="n")]
    ordered = sorted(items)
    assert ordered[0] == Provenance() and ordered[-1] == Provenance(file="a", line=1)
    assert sorted(reversed(items)) == ordered
