"""Markdown step summary: headline per pack, tables, details, size limit."""

from __future__ import annotations

from opencheck.formats.markdown import format_markdown
from opencheck.report import Report


def test_structure(mot_report: Report) -> None:
    md = format_markdown(mot_report)
    headlines = [line for line in md.splitlines() if line.startswith("## ")]
    assert len(headlines) == len(mot_report.packs)
    assert "Class II - Open Tooling Model" in md
    assert md.count("<details>") == md.count("</details>") == len(mot_report.packs) + 1
    assert "| Status | Rule | Finding | Evidence | Fix |" in md
    assert "| III - Open Model |" in md


def test_table_cells_escaped(report: Report) -> None:
    md = format_markdown(report)
    for line in md.splitlines():
        if line.startswith("| ") and "`" not in line:
            assert "\n" not in line
    assert "<script" not in md


def test_truncates_with_note(mot_report: Report) -> None:
    full = format_markdown(mot_report)
    small = format_markdown(mot_report, max_bytes=4000)
    assert len(small.encode("utf-8")) <= 4000 < len(full.encode("utf-8"))
    assert "truncated" in small
    assert small.count("<details>") <= small.count("</details>")


def test_under_one_mib_and_stable(report: Report) -> None:
    md = format_markdown(report)
    assert len(md.encode("utf-8")) < 1024 * 1024
    assert md == format_markdown(report)
