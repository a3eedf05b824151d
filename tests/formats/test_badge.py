"""shields.io endpoint badge."""

from __future__ import annotations

import dataclasses
import json

from opencheck.formats.badge import badge_colour, format_badge, to_badge
from opencheck.report import Report
from opencheck.results import Grade

MOF = ("Unclassified", "III", "II", "I")


def _grade(value: str, order: tuple[str, ...] = MOF) -> Grade:
    return Grade(scheme="mof", value=value, label=value, rank=order.index(value), order=order)


def test_fields(report: Report, mot_report: Report) -> None:
    data = json.loads(format_badge(mot_report))
    assert data["schemaVersion"] == 1
    assert data["label"] == "openness"
    assert data["message"] == "MOF Class II"
    assert data["color"]
    assert to_badge(report)["message"] == "MOF Unclassified"
    assert to_badge(report, "osaid")["message"] in ("OSAID pass", "OSAID fail", "OSAID inconclusive")


def test_colours_by_grade() -> None:
    assert badge_colour(_grade("I")) == "brightgreen"
    assert badge_colour(_grade("Unclassified")) == "red"
    assert badge_colour(_grade("II")) != badge_colour(_grade("III"))
    pf = ("fail", "inconclusive", "pass")
    assert badge_colour(_grade("pass", pf)) == "brightgreen"
    assert badge_colour(_grade("fail", pf)) == "red"
    assert badge_colour(_grade("inconclusive", pf)) == "lightgrey"


def test_no_pack(report: Report) -> None:
    empty = dataclasses.replace(report, packs=[])
    data = to_badge(empty)
    assert data["message"] and data["isError"] is True
