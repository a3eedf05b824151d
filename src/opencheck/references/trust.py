"""`--trust-references`: grade with a curated MOT record's components as declared evidence, marked `reference`."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from opencheck.evidence import Evidence

ORIGIN = "reference"


def apply_reference(evidence: Evidence, record: dict[str, Any], file: str) -> list[str]:
    """Add the curated record's components the target does not declare itself; returns their names.

    A maintainer's own manifest wins for every component it lists; the curated record fills the rest.
    """
    from opencheck.detect.declared import declared_components

    shown = f"reference:{file}"
    curated = declared_components(record, shown, lambda _path: None)
    added = sorted(n for n in curated if n not in evidence.declared)
    if not added:
        return []
    for name in added:
        comp = curated[name]
        comp.origin = ORIGIN
        if comp.licence is not None:
            comp.licence = replace(comp.licence, origin=ORIGIN)
        evidence.declared[name] = comp
    if evidence.manifest is None:
        evidence.manifest = copy.deepcopy(record)
    else:
        # MOT's evaluator reads the manifest: the curated entries join the maintainer's, whose licences stay theirs.
        manifest = copy.deepcopy(evidence.manifest)
        release = manifest.setdefault("release", {})
        entries = release.setdefault("components", [])
        for entry in (record.get("release") or {}).get("components") or []:
            if isinstance(entry, dict) and entry.get("name") in added:
                entry = dict(entry)
                if entry.get("license") is None:
                    # An inherited licence is spelled out: the maintainer's release licence must not lend its own.
                    entry["license"] = curated[entry["name"]].licence.raw if curated[entry["name"]].licence \
                        else "unlicensed"
                entries.append(entry)
        evidence.manifest = manifest
    return added

