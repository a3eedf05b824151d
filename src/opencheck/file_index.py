"""Indexes of a file list that the passes over every file share (Evidence.from_files keeps them per list)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, pairwise
from operator import le, ne
from typing import Any, Protocol, TypeVar


class _Entry(Protocol):
    """What an index reads of a file entry (evidence.FileEntry, which imports this module)."""

    @property
    def path(self) -> str: ...

    @property
    def kind(self) -> Hashable: ...


FileEntry = TypeVar("FileEntry", bound=_Entry)
_T = TypeVar("_T")
FileKind = Hashable


class FilesCache:
    """Values computed from one file list, dropped once the list is another one or its length changed (lists of
    files are replaced, not edited item by item: FileEntry is frozen, a changed kind is a new entry in a new list)."""

    def __init__(self) -> None:
        self._files: object = None
        self._length = -1
        self._values: dict[Any, Any] = {}

    def get(self, files: Sequence[_Entry], function: Callable[[Any], _T]) -> _T:
        """`function(files)`, computed once for this list."""
        values = self._for(files)
        if function not in values:
            values[function] = function(files)
        return values[function]  # type: ignore[no-any-return]

    def put(self, files: Sequence[_Entry], function: Callable[[Any], _T], value: _T) -> None:
        """Record `value` as `function(files)`."""
        self._for(files)[function] = value

    def _for(self, files: Sequence[_Entry]) -> dict[Any, Any]:
        if self._files is not files or self._length != len(files):
            self._files, self._length, self._values = files, len(files), {}
        return self._values


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


@dataclass(frozen=True)
class FileNames:
    """A file list's paths looked at once: runs of files in one folder, and every path and every file name in
    one lower-case text each.

    The passes over every file (checkpoint marking, LFS probing, the code and documentation detectors) judge a
    folder once per run and search a text once for the few names their pattern can match (`candidates`,
    `matching`), instead of splitting, lower-casing and matching 100,000 paths each.
    """

    paths: list[str]
    runs: list[tuple[str, int, int]]  # (folder, first, end): files[first:end] lie directly in folder ("" the root)
    text: str  # "\n" + the lower-case paths joined by "\n" ("" when a path holds a newline: no text to search)
    names_text: str  # "\n" + each file's name (after the last slash) in lower case, joined by "\n" ("" as text)
    ordered: bool  # the paths are in sorted order (a local walk's and a Hub listing's are)

    def candidates(self, pattern: re.Pattern[str]) -> list[int]:
        """Indices of the files whose line of `text` `pattern` matches in (all of them when there is no text).

        The caller tests each candidate exactly: this only rules out the rest. `pattern` must find a match in the
        line of every file its exact test accepts and must not match across a newline; a path that is not ASCII is
        always a candidate (lower-casing it may change its length).
        """
        if not self.text:
            return list(range(len(self.paths)))
        return self._lines(pattern, self.text)

    def matching(self, lower_pattern: re.Pattern[str]) -> list[int]:
        """Indices of the files whose lower-case name `lower_pattern` matches (as `lower_pattern.match(name)`
        would), and of every name not ASCII: the caller tests those with its case-blind pattern, since lower-casing
        is the same test for ASCII names only. The pattern must not match a newline nor use \\A or \\Z."""
        if not self.names_text:
            return list(range(len(self.paths)))
        return self._lines(_at_line_start(lower_pattern), self.names_text)

    def _lines(self, pattern: re.Pattern[str], text: str) -> list[int]:
        """The indices of the lines of `text` (each after a newline) in which `pattern` finds a match."""
        found: list[int] = []
        line, at = -1, 0
        for match in pattern.finditer(text):
            line += text.count("\n", at, match.start() + 1)  # the newline before the match's line
            at = match.start() + 1
            if not found or found[-1] != line:
                found.append(line)
        return self._with_non_ascii(found)

    def _with_non_ascii(self, found: list[int]) -> list[int]:
        if self.text.isascii():
            return found
        return sorted({*found, *(i for i, path in enumerate(self.paths) if not path.isascii())})


def file_names(files: Sequence[_Entry]) -> FileNames:
    """The FileNames of a file list (Evidence.from_files keeps it per list)."""
    paths = [entry.path for entry in files]
    ordered = all(map(le, paths, paths[1:]))
    joined = "\n".join(paths)
    text = "" if joined.count("\n") != max(len(paths) - 1, 0) else "\n" + joined.lower()
    runs = _runs_in_order(paths) if ordered else _runs(paths)
    return FileNames(paths, runs, text, _names_text(paths, runs, text), ordered)


@lru_cache(maxsize=16)
def _at_line_start(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` as a search of a text of lines: a match of it right after a newline (where `^` also matches)."""
    if pattern.flags & re.DOTALL or "\\A" in pattern.pattern or "\\Z" in pattern.pattern:
        raise ValueError(f"a pattern for names must not cross lines: {pattern.pattern}")
    # The literal newline first lets the search jump from line to line instead of trying every position.
    from opencheck.compiled_forms import program_regex

    # Callers pass their own module's constant patterns, so the program is kept between runs like theirs.
    return program_regex(f"\n(?:{pattern.pattern})", pattern.flags | re.MULTILINE)


def _names_text(paths: list[str], runs: list[tuple[str, int, int]], text: str) -> str:
    """The lower-case names as one text: cut from the paths' text a run at a time (in C) when it is ASCII."""
    if not text or not text.isascii():  # lower-casing may change a length: each path on its own
        return "\n" + "\n".join(path[path.rfind("/") + 1:].lower() for path in paths) if text else ""
    parts: list[str] = []
    at = 0  # where the run's first line starts in the text (at its newline)
    for folder, first, end in runs:
        stop = at + sum(map(len, paths[first:end])) + end - first
        parts.append(text[at:stop].replace(f"\n{folder.lower()}/", "\n") if folder else text[at:stop])
        at = stop
    return "".join(parts)


def _runs(paths: list[str]) -> list[tuple[str, int, int]]:
    """The runs of consecutive paths in one folder, whatever their order: each path split."""
    folders = [path[: path.rfind("/") + 1] for path in paths]  # with the slash: "" at the root
    starts = [0, *compress(count(1), map(ne, folders[1:], folders))] if paths else []
    return [(folders[first][:-1], first, end) for first, end in zip(starts, [*starts[1:], len(paths)], strict=True)]


def _runs_in_order(paths: list[str]) -> list[tuple[str, int, int]]:
    """The runs of sorted paths, a folder's at a time: the paths under a folder are one slice of a sorted list,
    and when none of them is in a subfolder (the usual folder of many files) that slice is the run, tested in C."""
    runs: list[tuple[str, int, int]] = []
    mixed: set[str] = set()  # folders whose files lie between their subfolders' (tested once, then path by path)
    first, total = 0, len(paths)
    while first < total:
        path = paths[first]
        cut = path.rfind("/") + 1
        prefix, depth = path[:cut], path.count("/")
        # "0" follows "/": every path under the folder sorts before prefix-without-slash + "0"
        under = bisect_left(paths, prefix[:-1] + "0", first) if prefix else total
        end = first + 1
        if prefix not in mixed and "".join(paths[first:under]).count("/") == depth * (under - first):
            end = under
        else:
            mixed.add(prefix)
            while end < under and paths[end].count("/") == depth:
                end += 1
        runs.append((prefix[:-1], first, end))
        first = end
    return runs
