"""Openness manifests (MOT's model YAML): load, validate, and turn into declared evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opencheck.evidence import (
    ComponentEvidence,
    ComponentStatus,
    Evidence,
    LicenceStatement,
    Provenance,
    Target,
    TargetKind,
)

MANIFEST_SCHEMA = "manifest.schema.json"
MANIFEST_NAMES = ("opencheck.yaml", "opencheck.yml", ".opencheck/manifest.yaml", ".opencheck/manifest.yml")
MAX_MANIFEST_BYTES = 1_000_000


def find_manifest(root: Path) -> Path | None:
    """The manifest inside a folder, if there is one (never through a symlink leaving the folder)."""
    from opencheck.target_files import leaves_folder

    for name in MANIFEST_NAMES:
        candidate = root / name
        try:
            if candidate.is_file() and not leaves_folder(candidate, root):
                return candidate
        except OSError:
            continue
    return None


def load_manifest(path: Path, display: str | None = None, folder: Path | None = None) -> tuple[dict[str, Any], Any]:
    """Read and validate a manifest (inside `folder` when given); invalid input raises ConfigError as
    `file:line: $.path: message`."""
    from opencheck.schema_validation import load_validated_yaml

    doc, _ = load_validated_yaml(path, display or str(path), MANIFEST_SCHEMA, max_bytes=MAX_MANIFEST_BYTES,
                                 what="manifest", folder=folder)
    return doc.data, doc


def declared_components(manifest: dict[str, Any], display: str, line_of: Any) -> dict[str, ComponentEvidence]:
    """Declared components with their licence as MOT would resolve it (explicit, or inherited by type)."""
    from opencheck.mot import MISSING, MOT_COMPONENTS, UNLICENSED, resolve_licence

    types = {c.name: c.content_type for c in MOT_COMPONENTS}
    release = manifest.get("release") or {}
    out: dict[str, ComponentEvidence] = {}
    for i, entry in enumerate(release.get("components") or []):
        name = entry.get("name")
        if name not in types:
            continue
        line = line_of(("release", "components", i))
        prov = Provenance(file=display, line=line, key=f"release.components[{i}]",
                          url=entry.get("component_path") or None, note=entry.get("description") or None)
        licence_key = "license" if entry.get("license") is not None else None
        resolved, origin = resolve_licence(entry.get("license", MISSING), types[name],
                                           release.get("license") or {})
        statement = None
        if resolved != UNLICENSED:
            lic_line = line_of(("release", "components", i, "license")) if licence_key else line_of(
                tuple(origin.split(".")))
            statement = LicenceStatement(
                raw=resolved,
                provenance=Provenance(file=display, line=lic_line,
                                      key=f"release.components[{i}].license" if licence_key
                                      else f"{origin} (inherited)"),
                scope=name, origin="declared")
        out[name] = ComponentEvidence(name=name, status=ComponentStatus.PRESENT, licence=statement,
                                      evidence=[prov], origin="declared")
    return out


def attach_manifest(evidence: Evidence, path: Path, display: str, folder: Path | None = None) -> None:
    """Load a manifest (found inside `folder`, when given) into an existing evidence record (as declared facts)."""
    manifest, doc = load_manifest(path, display, folder)
    evidence.manifest = manifest
    evidence.manifest_path = display
    evidence.declared = declared_components(manifest, display, doc.line_of)
    release = manifest.get("release") or {}
    for name, comp in evidence.declared.items():
        if name == "Datasets" and comp.evidence:
            evidence.datasets.append((comp.evidence[0].note or "declared training data", comp.evidence[0]))
        if name == "Model parameters (Intermediate)" and comp.evidence:
            evidence.checkpoints.append(("declared intermediate checkpoints", comp.evidence[0]))
    dist = ((release.get("license") or {}).get("distribution") or {}).get("name")
    if dist:
        evidence.licences.append(LicenceStatement(
            raw=dist, provenance=Provenance(file=display, line=doc.line_of(("release", "license", "distribution")),
                                            key="release.license.distribution.name"),
            scope="declared-distribution", origin="declared"))


def collect_manifest(path: Path) -> Evidence:
    """Evidence from a manifest file checked on its own."""
    display = path.name  # evidence points into the manifest, relative to the folder it sits in
    evidence = Evidence(target=Target(kind=TargetKind.MANIFEST, id=path.name, path=str(path)))
    attach_manifest(evidence, path, display)
    release = (evidence.manifest or {}).get("release") or {}
    if release.get("name"):
        evidence.target.id = str(release["name"])
    return evidence
