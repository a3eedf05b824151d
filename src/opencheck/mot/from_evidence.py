"""Turn an evidence record into the MOT manifest that MOT's evaluator scores."""

from __future__ import annotations

import copy
from typing import Any

from opencheck.evidence import ComponentStatus, Evidence

FRAMEWORK = {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"}


def _spdx(raw: str) -> str:
    from opencheck.licenses import normalise

    return normalise(raw).expression or raw


def mot_manifest(evidence: Evidence) -> dict[str, Any]:
    """A MOT manifest: the declared one verbatim, plus detected components it does not list.

    Declared licences stay exactly as written (MOT matches ids literally); detected ones are normalised to
    SPDX ids first, since a Hub id such as `apache-2.0` is a statement about an SPDX licence, not a typo.
    """
    if evidence.manifest:
        manifest = copy.deepcopy(evidence.manifest)
        release = manifest.setdefault("release", {})
    else:
        release = {"name": evidence.target.id, "license": {}, "components": []}
        manifest = {"framework": dict(FRAMEWORK), "release": release}
    components = release.get("components")
    if not isinstance(components, list):
        components = release["components"] = []
    listed = {c.get("name") for c in components if isinstance(c, dict)}
    for name in sorted(evidence.components):
        comp = evidence.components[name]
        if name in listed or comp.status != ComponentStatus.PRESENT:
            continue
        entry: dict[str, Any] = {"name": name, "description": "detected by opencheck"}
        entry["license"] = _spdx(comp.licence.raw) if comp.licence else "unlicensed"
        components.append(entry)
    return manifest
