"""Where the curated references live (shipped, or refreshed by `opencheck references update`) and how to find one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from opencheck.errors import ConfigError
from opencheck.references.keys import hub_id, name_key

USER_DIR_VARIABLE = "OPENCHECK_REFERENCES_DIR"


def packaged_root() -> Path:
    """The references shipped inside opencheck."""
    from opencheck._resources import rules_dir

    return rules_dir() / "references"


def user_root(env: Mapping[str, str]) -> Path:
    """Where `references update` writes: $OPENCHECK_REFERENCES_DIR, else the XDG data folder."""
    if env.get(USER_DIR_VARIABLE):
        return Path(env[USER_DIR_VARIABLE]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base).expanduser() / "opencheck" / "references"


def location_env(env: Mapping[str, str]) -> dict[str, str]:
    """Only the variables that locate the references: what check options carry (and pickle), never a token."""
    return {k: env[k] for k in (USER_DIR_VARIABLE, "XDG_DATA_HOME", "HOME") if env.get(k)}


def active_root(env: Mapping[str, str]) -> Path:
    """The refreshed references when `references update` has written some, else the shipped ones."""
    user = user_root(env)
    return user if (user / "index.json").is_file() else packaged_root()


@dataclass(frozen=True)
class Entry:
    """One curated record in the index."""

    source: str  # mot | osai
    file: str  # path inside the reference folder
    name: str
    producer: str
    hub: tuple[str, ...]  # the Hub ids of the model the record is about
    base_hub: tuple[str, ...]  # Hub ids of the base model of the assessed system (index `llmweights`)
    key: str | None

    @property
    def id(self) -> str:
        """`source:file-stem`, e.g. `mot:Amber`, the name `references show` accepts."""
        return f"{self.source}:{Path(self.file).stem}"


class ReferenceIndex:
    """The loaded index of one reference folder, with its look-up tables."""

    def __init__(self, root: Path, data: dict[str, Any]) -> None:
        self.root = root
        self.sources: dict[str, dict[str, Any]] = data.get("sources") or {}
        self.entries = [Entry(source=r["source"], file=r["file"], name=r["name"], producer=r.get("producer") or "",
                              hub=tuple(r.get("hub") or ()), base_hub=tuple(r.get("base_hub") or ()),
                              key=r.get("key")) for r in data.get("records") or []]
        self._by_hub: dict[str, list[Entry]] = {}
        self._by_base_hub: dict[str, list[Entry]] = {}
        self._by_key: dict[str, list[Entry]] = {}
        for e in self.entries:
            for h in e.hub:
                self._by_hub.setdefault(h, []).append(e)
            for h in e.base_hub:
                self._by_base_hub.setdefault(h, []).append(e)
            if e.key:
                self._by_key.setdefault(e.key, []).append(e)

    def by_hub(self, repo_id: str) -> list[Entry]:
        """Records about the Hub model `repo_id` (case-insensitive), one per source at most, MOT first."""
        return _one_per_source(self._by_hub.get(repo_id.lower(), []))

    def built_on(self, repo_id: str) -> list[Entry]:
        """Index records of systems built on the Hub model `repo_id` (it is their base model)."""
        return _one_per_source(self._by_base_hub.get(repo_id.lower(), []))

    def by_name(self, name: Any, producer: Any) -> list[Entry]:
        """Records whose name and producer match (letters and digits only, any case)."""
        key = name_key(name, producer)
        return _one_per_source(self._by_key.get(key, [])) if key else []

    def find(self, query: str) -> list[Entry]:
        """Records `references show` means by QUERY: an id (`mot:Amber`), a Hub id or URL, or a model name."""
        q = query.strip()
        exact = [e for e in self.entries if e.id.lower() == q.lower()]
        if exact:
            return exact
        hub = hub_id(q)
        if hub and self._by_hub.get(hub):
            return list(self._by_hub[hub])
        squashed = "".join(ch for ch in q.lower() if ch.isalnum())
        return [e for e in self.entries if "".join(ch for ch in e.name.lower() if ch.isalnum()) == squashed]

    def load(self, entry: Entry) -> dict[str, Any]:
        """The curated record itself (validated again: a refreshed folder may have been edited by hand)."""
        from opencheck.references.build import read_mot, read_osai

        reader = read_mot if entry.source == "mot" else read_osai
        return reader(self.root / entry.file, entry.file)


def _one_per_source(entries: list[Entry]) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for e in entries:
        seen.setdefault(e.source, e)
    return [seen[s] for s in ("mot", "osai") if s in seen]


@cache
def _load(root: Path) -> ReferenceIndex:
    path = root / "index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the reference index: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("records"), list):
        raise ConfigError(f"{path}: not an opencheck reference index (format 1)")
    return ReferenceIndex(root, data)


def load_index(env: Mapping[str, str]) -> ReferenceIndex:
    """The active reference index (read once per process and folder)."""
    return _load(_resolved(active_root(env)))


@lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    # A batch asks for the index once per model: resolving the folder (a system call per path part) each time
    # cost as much as the look-up itself. Which folder is active is still decided at every call.
    return root.resolve()
