"""`opencheck references update`: refresh the curated references from checkouts, without a new release."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from opencheck.errors import OpencheckError, UsageError
from opencheck.references.build import MOT_FOLDER, OSAI_FOLDER, _files, build_index, index_text, read_mot, read_osai
from opencheck.references.store import active_root, packaged_root, user_root

_SETS = {
    "mot": (MOT_FOLDER, (".yml", ".yaml"), read_mot, "MOT manifests (models/*.yml)"),
    "osai": (OSAI_FOLDER, (".yaml", ".yml"), read_osai, "index assessments (projects/*.yaml)"),
}


def _records_folder(given: Path, source: str) -> Path:
    """The folder of records inside a checkout (`models/`, `projects/`), or the given folder itself."""
    if not given.is_dir():
        raise UsageError(f"{given}: not a folder")
    inner = given / _SETS[source][0][-1]
    return inner if inner.is_dir() else given


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _provenance(given: Path, today: str) -> dict[str, Any]:
    """The commit and date of a checkout (git), else `unknown` and the day of the refresh."""
    commit = _git(given, "rev-parse", "--short=7", "HEAD")
    date = _git(given, "log", "-1", "--format=%cs") if commit else None
    return {"commit": commit or "unknown", "date": date or today}


def update_references(env: Mapping[str, str], sets: Mapping[str, Path], today: str) -> tuple[Path, dict[str, Any]]:
    """Validate every record of the given checkouts, then replace the refreshed reference folder in one step
    (sets not given are carried over from the active folder); returns the folder and its new index."""
    if not sets:
        raise UsageError("references update needs --mot DIR, --osai DIR or both")
    found: dict[str, list[Path]] = {}
    for source, given in sets.items():
        folder = _records_folder(given, source)
        parts, suffixes, reader, what = _SETS[source]
        files = _files(folder, suffixes)
        if not files:
            raise UsageError(f"{given}: no {what} found")
        for path in files:
            reader(path, str(path))  # every file validated before anything is replaced: one error line, exit 2
        found[source] = files
    current = active_root(env)
    sources = json.loads((current / "sources.json").read_text(encoding="utf-8"))
    target = user_root(env)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".references-", dir=target.parent))
    except OSError as exc:
        raise OpencheckError(f"{target}: cannot write the refreshed references: {exc.strerror or exc}") from None
    try:
        for source, (parts, _suffixes, _reader, _what) in _SETS.items():
            dest = staging.joinpath(*parts)
            dest.mkdir(parents=True)
            if source in found:
                given = sets[source]
                for path in found[source]:
                    shutil.copyfile(path, dest / path.name)
                licence = next((p for p in (given / "LICENSE", given.parent / "LICENSE") if p.is_file()), None)
                if licence is None:
                    licence = packaged_root() / parts[0] / "LICENSE"
                shutil.copyfile(licence, staging / parts[0] / "LICENSE")
                sources[source] = {**sources.get(source, {}), **_provenance(given, today)}
            else:
                shutil.copytree(current.joinpath(*parts), dest, dirs_exist_ok=True)
                if (current / parts[0] / "LICENSE").is_file():
                    shutil.copyfile(current / parts[0] / "LICENSE", staging / parts[0] / "LICENSE")
        if (current / "NOTICE.md").is_file():
            shutil.copyfile(current / "NOTICE.md", staging / "NOTICE.md")
        (staging / "sources.json").write_text(json.dumps(sources, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        index = build_index(staging)
        (staging / "index.json").write_text(index_text(index), encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(target.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OpencheckError(f"{target}: cannot write the refreshed references: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, index


def reset_references(env: Mapping[str, str]) -> Path | None:
    """Remove the refreshed references, so the shipped ones are used again; the folder removed, if any."""
    target = user_root(env)
    if not (target / "index.json").is_file():
        return None
    shutil.rmtree(target)
    return target
