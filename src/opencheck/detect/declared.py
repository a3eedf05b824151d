"""What an openness manifest (MOT's model YAML) declares: components with their licences as MOT resolves them
(explicit, or inherited by content type), the training data and checkpoints it lists, its distribution licence.
"""

from __future__ import annotations

from typing import Any

from opencheck.evidence import ComponentEvidence, ComponentStatus, Evidence, LicenceStatement, Provenance


def _declared_licence(entry: dict[str, Any], index: int, content_type: str, release: dict[str, Any],
                      display: str, line_of: Any) -> LicenceStatement | None:
    from opencheck.mot import MISSING, UNLICENSED, resolve_licence

    explicit = entry.get("license") is not None
    resolved, origin = resolve_licence(entry.get("license", MISSING), content_type, release.get("license") or {})
    if resolved == UNLICENSED:
        return None
    line = line_of(("release", "components", index, "license")) if explicit else line_of(tuple(origin.split(".")))
    key = f"release.components[{index}].license" if explicit else f"{origin} (inherited)"
    return LicenceStatement(raw=resolved, provenance=Provenance(file=display, line=line, key=key),
                            scope=entry["name"], origin="declared")


def declared_components(manifest: dict[str, Any], display: str, line_of: Any) -> dict[str, ComponentEvidence]:
    """Declared components with their licence as MOT would resolve it (explicit, or inherited by type)."""
    from opencheck.mot import MOT_COMPONENTS

    types = {c.name: c.content_type for c in MOT_COMPONENTS}
    release = manifest.get("release") or {}
    out: dict[str, ComponentEvidence] = {}
    for i, entry in enumerate(release.get("components") or []):
        name = entry.get("name")
        if name not in types:
            continue
        prov = Provenance(file=display, line=line_of(("release", "components", i)), key=f"release.components[{i}]",
                          url=entry.get("component_path") or None, note=entry.get("description") or None)
        statement = _declared_licence(entry, i, types[name], release, display, line_of)
        out[name] = ComponentEvidence(name=name, status=ComponentStatus.PRESENT, licence=statement,
                                      evidence=[prov], origin="declared")
    return out


def detect_declared(evidence: Evidence) -> None:
    """Fill `evidence.declared` from the manifest read, and add the data, checkpoints and licence it declares."""
    manifest, display = evidence.manifest, evidence.manifest_path
    if manifest is None or display is None:
        return
    line_of = evidence.manifest_line_of or (lambda _path: None)
    evidence.declared = declared_components(manifest, display, line_of)
    release = manifest.get("release") or {}
    for name, comp in evidence.declared.items():
        if name == "Datasets" and comp.evidence:
            evidence.datasets.append((comp.evidence[0].note or "declared training data", comp.evidence[0]))
        if name == "Model parameters (Intermediate)" and comp.evidence:
            evidence.checkpoints.append(("declared intermediate checkpoints", comp.evidence[0]))
    dist = ((release.get("license") or {}).get("distribution") or {}).get("name")
    if dist:
        evidence.licences.append(LicenceStatement(
            raw=dist, provenance=Provenance(file=display, line=line_of(("release", "license", "distribution")),
                                            key="release.license.distribution.name"),
            scope="declared-distribution", origin="declared"))
