"""Indexes of a file list that the passes over every file share (Evidence.from_files keeps them per list)."""

from __future__ import annotations

from collections.abc import Hashable
from itertools import pairwise
from typing import Protocol, TypeVar


class _Entry(Protocol):
    """What an index reads of a file entry (evidence.FileEntry, which imports this module)."""

    @property
    def path(self) -> str: ...

    @property
    def kind(self) -> Hashable: ...


FileEntry = TypeVar("FileEntry", bound=_Entry)
FileKind = Hashable


def index_by_kind(files: list[FileEntry]) -> dict[FileKind, list[FileEntry]]:
    """The files of each kind present, in list order (one pass; Evidence.files_by_kind keeps it)."""
    by_kind: dict[FileKind, list[FileEntry]] = {}
    for entry in files:
        by_kind.setdefault(entry.kind, []).append(entry)
    return by_kind


def in_path_order(by_kind: dict[FileKind, list[FileEntry]], kinds: tuple[FileKind, ...],
                  files: list[FileEntry]) -> list[FileEntry]:
    """The files of `kinds` from the index, sorted by path as a filter of `files` then sorted would give them."""
    chosen = [entry for kind in dict.fromkeys(kinds) for entry in by_kind.get(kind, ())]
    chosen.sort(key=_path)
    if len(kinds) > 1 and any(a.path == b.path for a, b in pairwise(chosen)):
        # One path under two kinds (a hand-built list): equal paths keep the list's order, as the filter gives it.
        wanted = set(kinds)
        return sorted((f for f in files if f.kind in wanted), key=_path)
    return chosen


def _path(entry: FileEntry) -> str:
    return entry.path
