"""shields.io endpoint badge JSON: one pack's grade, coloured from worst (red) to best (brightgreen)."""

from __future__ import annotations

import json
from typing import Any

from opencheck.report import Report
from opencheck.results import Grade, PackResult

COLOURS = ("red", "orange", "yellow", "yellowgreen", "green", "brightgreen")
PACK_LABELS = {"mof": "MOF", "osaid": "OSAID"}


def _fraction(grade: Grade) -> float:
    """Where the grade sits between worst (0) and best (1)."""
    if grade.order and len(grade.order) > 1:
        return grade.rank / (len(grade.order) - 1)
    if grade.score is not None:
        return max(0.0, min(1.0, grade.score / 100.0))
    return 0.0


def badge_colour(grade: Grade) -> str:
    """A shields.io colour name for the grade."""
    if grade.value.lower() in ("inconclusive", "undetermined"):  # no colour claims a verdict the facts lack
        return "lightgrey"
    frac = _fraction(grade)
    if frac >= 1.0:
        return COLOURS[-1]
    if frac <= 0.0:
        return COLOURS[0]
    return COLOURS[1 + min(len(COLOURS) - 3, int(frac * (len(COLOURS) - 2)))]


def badge_message(pack: PackResult) -> str:
    """E.g. `MOF Class I`, `OSAID pass`, `release B`."""
    label = PACK_LABELS.get(pack.name, pack.name)
    grade = pack.grade
    if grade.scheme == "mof" and grade.value != "Unclassified":
        return f"{label} Class {grade.value}"
    return f"{label} {grade.value}"


def badge_pack(report: Report, pack: str | None = None) -> PackResult | None:
    """The pack the badge shows: the one asked for, else MOF when it ran, else the first."""
    if pack is not None:
        return next((p for p in report.packs if p.name == pack), None)
    return next((p for p in report.packs if p.name == "mof"), report.packs[0] if report.packs else None)


def to_badge(report: Report, pack: str | None = None) -> dict[str, Any]:
    """The endpoint JSON as a mapping."""
    chosen = badge_pack(report, pack)
    if chosen is None:
        return {"schemaVersion": 1, "label": "openness", "message": "not checked", "color": "lightgrey",
                "isError": True}
    return {"schemaVersion": 1, "label": "openness", "message": badge_message(chosen),
            "color": badge_colour(chosen.grade)}


def format_badge(report: Report, pack: str | None = None) -> str:
    """Render the shields.io endpoint JSON."""
    return json.dumps(to_badge(report, pack), indent=2, sort_keys=True) + "\n"
