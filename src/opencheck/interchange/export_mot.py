"""`opencheck export mot`: a manifest the Model Openness Tool accepts for submission.

The manifest is the one opencheck's `mof` pack scores (`mot.from_evidence.mot_manifest`): declared entries verbatim,
detected components it does not list added with their licence normalised to an SPDX id. So the export
classifies exactly as the original target does. Declared licence strings are kept as given (MOT matches them
literally) but each one that is not a valid SPDX id is reported with its suggestion.
"""

from __future__ import annotations

from typing import Any

import yaml

from opencheck.evidence import Evidence, TargetKind

HEADER = "# Model Openness Tool manifest (MOF 1.0), exported by opencheck.\n"


def _licence_warning(where: str, raw: Any) -> str | None:
    from opencheck.licenses import normalise

    if not isinstance(raw, str) or raw in ("", "unlicensed"):
        return None
    result = normalise(raw)
    if result.exact:
        return None
    hint = f"; did you mean {result.suggestion!r}?" if result.suggestion else ""
    return f"{where}: {raw!r} is not a valid SPDX id (MOT matches licence ids literally){hint}"


def licence_warnings(manifest: dict[str, Any]) -> list[str]:
    """One line per declared licence string that is not a valid SPDX id or expression."""
    release = manifest.get("release") or {}
    warnings: list[str] = []
    for key, block in sorted((release.get("license") or {}).items()):
        if isinstance(block, dict):
            warning = _licence_warning(f"release.license.{key}.name", block.get("name"))
            if warning:
                warnings.append(warning)
    for i, entry in enumerate(release.get("components") or []):
        if isinstance(entry, dict):
            warning = _licence_warning(f"release.components[{i}].license ({entry.get('name')})",
                                       entry.get("license"))
            if warning:
                warnings.append(warning)
    return warnings


def export_manifest(evidence: Evidence) -> tuple[dict[str, Any], list[str]]:
    """(MOT manifest, warnings about declared licences that are not SPDX ids)."""
    from opencheck.mot.from_evidence import mot_manifest

    warnings = licence_warnings(evidence.manifest) if evidence.manifest else []
    manifest = mot_manifest(evidence)
    release = manifest["release"]
    if not isinstance(release.get("license"), dict):
        release["license"] = {}
    if not isinstance(release.get("producer"), str):
        # MOT's schema requires `producer`; the Hub namespace is the publisher, otherwise it is unknown.
        hub = evidence.target.kind == TargetKind.HUB and "/" in evidence.target.id
        release["producer"] = evidence.target.id.split("/")[0] if hub else ""
        if not release["producer"]:
            warnings.append("release.producer is unknown: fill it in before submitting to MOT")
    if evidence.target.kind == TargetKind.HUB and evidence.hub.get("url") and "huggingface" not in release:
        release["huggingface"] = evidence.hub["url"]
    return manifest, warnings


def _plain(value: Any) -> Any:
    """Dates as strings: MOT's schema types `date` fields as strings (format date), not YAML timestamps."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def export_text(manifest: dict[str, Any]) -> str:
    """The manifest as YAML, in a stable order."""
    body = yaml.safe_dump(_plain(manifest), sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return HEADER + body
