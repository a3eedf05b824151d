"""Run the reference step of a check: find the records that cover the target and build the report section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opencheck.evidence import Evidence


def reference_step(evidence: Evidence, env: Mapping[str, str], *, trust: bool) -> dict[str, Any] | None:
    """The `references` section for the evidence as found live (None when no record covers the target); with
    `trust`, a curated MOT record of the model itself is then added to the evidence as declared facts."""
    from opencheck.references.section import SELF, build_section, could_match, find_matches

    if not could_match(evidence):
        return None  # a plain folder with no manifest and no base model: the index is not even read
    from opencheck.references.store import load_index

    index = load_index(env)
    matches = find_matches(evidence, index)
    if not matches:
        return None
    for m in matches:
        m.record = index.load(m.entry)
    section = build_section(evidence, index, matches, trusted=trust)
    if trust:
        from opencheck.references.trust import apply_reference

        own = next((m for m in matches if m.about == SELF and m.entry.source == "mot"), None)
        if own is not None:
            section["trusted_record"] = own.entry.id
            section["trusted_components"] = apply_reference(evidence, own.record, own.entry.file)
    return section
