"""`opencheck init --from-reference`: an opencheck.yaml that starts from a curated MOT record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opencheck.references.store import Entry


def _where(meta: Mapping[str, Any], entry: Entry) -> str:
    return f"{meta.get('title', entry.source)} {meta.get('commit')} ({meta.get('date')}), {entry.file}"


def reference_manifest_text(entry: Entry, record: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    """The manifest text: the curated record's facts, each commented with the key of the record it came from."""
    from opencheck.interchange.init_manifest import scalar

    where = _where(meta, entry)
    out = [
        "# Openness manifest in MOT format (Model Openness Framework 1.0), written by `opencheck init "
        "--from-reference`.\n",
        f"# It starts from the curated record {entry.id}: {where}\n",
        f"# ({meta.get('repository')}, {meta.get('licence')} licence). Every fact is the curators'; check each "
        "against\n# the release as it is now, fix what changed, and `opencheck check .` reads this file.\n",
    ]
    framework = record.get("framework") if isinstance(record.get("framework"), Mapping) else {}
    out.append("framework:\n")
    for key in ("name", "version", "date"):
        if framework.get(key) is not None:
            out.append(f"  {key}: {scalar(framework[key])}  # curated: framework.{key}\n")
    release = record.get("release") or {}
    out.append("release:\n")
    for key, value in release.items():
        if key in ("license", "components") or isinstance(value, (Mapping, list)):
            continue
        out.append(f"  {key}: {scalar('' if value is None else value)}  # curated: release.{key}\n")
    licence = release.get("license") if isinstance(release.get("license"), Mapping) else {}
    out.append("  license:" + (" {}\n" if not licence else "\n"))
    for kind, value in licence.items():
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k}: {scalar('' if v is None else v)}" for k, v in value.items()
                              if not isinstance(v, (Mapping, list)))
            out.append(f"    {kind}: {{{inner}}}  # curated: release.license.{kind}\n")
    components = [c for c in release.get("components") or [] if isinstance(c, Mapping)]
    out.append("  components:" + (" []\n" if not components else "\n"))
    for i, comp in enumerate(components):
        out.append(f"    # curated: release.components[{i}] ({where})\n")
        first = True
        for key, value in comp.items():
            if isinstance(value, (Mapping, list)):
                continue
            if key == "license" and value is None:
                continue  # MOT reads a null licence as inherited, like an absent one
            out.append(f"    {'- ' if first else '  '}{key}: {scalar('' if value is None else value)}\n")
            first = False
    return "".join(out)


def curated_manifest(env: Mapping[str, str], target: str, folder: Any, reference: str | None) -> str:
    """The manifest text for `init --from-reference`: the record named by `reference`, else the MOT record whose
    Hub id is TARGET (a folder names its record with --reference, or by the name and producer of the manifest
    it already has)."""
    from pathlib import Path

    from opencheck.errors import UsageError
    from opencheck.references.store import load_index

    index = load_index(env)
    if reference:
        entries = [e for e in index.find(reference) if e.source == "mot"]
    elif Path(folder).is_dir():
        entries = _by_existing_manifest(index, Path(folder))
    else:
        from opencheck.sources.hub_target import parse_hub_target

        entries = [e for e in index.by_hub(parse_hub_target(target).repo_id) if e.source == "mot"]
    if not entries:
        raise UsageError(f"{reference or target}: no curated MOT record; name one with --reference ID "
                         "(`opencheck references list --source mot`)")
    entry = entries[0]
    return reference_manifest_text(entry, index.load(entry), index.sources.get(entry.source, {}))


def _by_existing_manifest(index: Any, folder: Any) -> list[Entry]:
    from opencheck.references.keys import hub_id
    from opencheck.sources.manifest import find_manifest, load_manifest

    path = find_manifest(folder)
    if path is None:
        return []
    release = (load_manifest(path, path.name, folder)[0].get("release") or {})
    hub = hub_id(release.get("huggingface"))
    found = index.by_hub(hub) if hub else []
    found = found or index.by_name(release.get("name"), release.get("producer"))
    return [e for e in found if e.source == "mot"]
