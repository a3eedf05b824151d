"""Plain rows of the references table, shared by the text, Markdown and HTML reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opencheck.references.section import class_text, headline


def headlines(section: Mapping[str, Any] | None) -> list[str]:
    """One line per curated record, shown under the report's headline."""
    return [headline(r) for r in (section or {}).get("records") or []]


def _side(value: Mapping[str, Any] | None) -> str:
    if not value:
        return "-"
    return value.get("licence") or value.get("status") or "-"


def table(record: Mapping[str, Any]) -> tuple[str, list[str], list[list[str]]]:
    """A caption, column heads and rows for one record: the per-component comparison (MOT, this model), the
    curated classification (MOT, another model), or the index's dimensions."""
    caption = f"{record['title']} ({record.get('date') or 'undated'}, commit {record.get('commit') or '?'}): " \
              f"{record['name']} [{record['id']}], {record['about']}"
    if record.get("components") is not None:
        rows = [[r["component"], r["result"], _side(r["curated"]), _side(r["live"])] for r in record["components"]]
        return caption, ["Component", "Comparison", "Curated licence", "Live licence"], rows
    verdict = record.get("verdict") or {}
    if record.get("source") == "mot":
        progress = verdict.get("progress") or {}
        rows = [[f"Class {k}", f"{progress.get(k, 0.0):.1f}%"] for k in ("III", "II", "I")]
        return caption + f": {class_text(verdict.get('class', 0))}", ["MOF class", "Curated progress"], rows
    rows = [[d["title"], d["class"] or "not applicable", d.get("link") or ""] for d in verdict.get("dimensions") or []]
    return caption, ["Dimension", "Class", "Evidence"], rows
