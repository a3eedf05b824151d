"""The finished report and what is decided from it: the report model (model.py), comparing two reports (diff.py),
CI gates (gates.py) and suppressions with reasons (suppressions.py). Formats render a `Report`."""

from __future__ import annotations

from opencheck.report.model import (
    ComponentRow,
    GateResult,
    Report,
    RuleDoc,
    component_rows,
    data_versions,
    lookups_headline,
    rule_docs,
)

__all__ = [
    "ComponentRow",
    "GateResult",
    "Report",
    "RuleDoc",
    "component_rows",
    "data_versions",
    "lookups_headline",
    "rule_docs",
]
