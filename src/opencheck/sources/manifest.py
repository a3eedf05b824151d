"""Openness manifests (MOT's model YAML): find, load and validate them (detect/declared.py reads what they declare)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opencheck.evidence import Evidence, Target, TargetKind

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


def attach_manifest(evidence: Evidence, path: Path, display: str, folder: Path | None = None) -> None:
    """Load a manifest (found inside `folder`, when given) into an evidence record, raw: detect/declared.py reads it."""
    manifest, doc = load_manifest(path, display, folder)
    evidence.manifest = manifest
    evidence.manifest_path = display
    evidence.manifest_line_of = doc.line_of


def read_manifest(path: Path) -> Evidence:
    """Raw evidence from a manifest file checked on its own (`opencheck.collect` runs the declared detector)."""
    display = path.name  # evidence points into the manifest, relative to the folder it sits in
    evidence = Evidence(target=Target(kind=TargetKind.MANIFEST, id=path.name, path=str(path)))
    attach_manifest(evidence, path, display)
    release = (evidence.manifest or {}).get("release") or {}
    if release.get("name"):
        evidence.target.id = str(release["name"])
    return evidence
