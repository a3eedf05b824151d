"""Walking a local folder safely and fast: every regular file's path, size and kind, in path order.

Safety rules: the walk is iterative (any nesting depth), symlinks are never followed out of the folder, special
files (FIFOs, devices, sockets) are never opened, and a folder reached twice (a bind mount loop) is walked once.
Speed: a tree of 100,000 files costs one `scandir` per folder, one classification by name and one record per
file. A regular file is not even `stat`-ed: the listing's file type (d_type) says it is one, and its size is read
(one `lstat`) only if something asks for it, which only the readers of a few kinds do (cards, configs, weights,
possible LFS pointers). A folder's plain files (regular, ASCII names) are classified and recorded in one batch;
folders, symlinks, special files and odd names are looked at one by one and `stat`-ed as before. Every entry is of
one class made for the walk (`LocalFileEntry.under`): it holds the root, so an entry sets two attributes.
(benchmarks/local_scan.py compares the check with `find`; docs/performance.md says where the time goes.)
"""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from opencheck.evidence import FileEntry, FileKind, Problem, Provenance
from opencheck.sources.file_kinds import classify_name, classify_names, classify_path, folder_parts

# Version-control internals, caches and virtual environments: never evidence about the model.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", ".mypy_cache", ".pytest_cache",
                          ".ruff_cache", ".tox", ".nox", ".ipynb_checkpoints", "node_modules", ".cache", ".idea",
                          ".vscode"})


class _SizeWhenAsked:
    """A LocalFileEntry's `size`: one `stat` when first read, then the entry's own value (it is in its __dict__).

    A non-data descriptor, not `__getattr__`: a class with `__getattr__` makes every attribute read slower, and the
    passes over 100,000 entries read `path` and `kind` of each.
    """

    def __get__(self, entry: FileEntry | None, owner: type | None = None) -> Any:
        if entry is None:
            return self
        try:
            size = os.stat(os.path.join(entry._root, entry.path), follow_symlinks=False).st_size  # type: ignore[attr-defined]
        except OSError:
            size = 0  # removed or replaced since the walk listed it; the reader that opens it says so
        object.__setattr__(entry, "size", size)  # into the entry's own attributes: read once
        return size


class LocalFileEntry(FileEntry):
    """A FileEntry of the walk whose size is read by one `stat` when first asked for, not for every listed file."""

    size = _SizeWhenAsked()  # type: ignore[assignment]

    def __init__(self, path: str, size: int | None = None, kind: FileKind = FileKind.OTHER,
                 sha256: str | None = None, root: str = "") -> None:
        # FileEntry is frozen: its fields are set the way its own __init__ sets them. (Not through self.__dict__,
        # which would make each entry carry a dict object: 20 MB more at 300,000 files.)
        setattr_ = object.__setattr__
        setattr_(self, "path", path)
        setattr_(self, "kind", kind)
        setattr_(self, "sha256", sha256)
        if size is None:
            setattr_(self, "_root", root)  # it is root/path: the walk stats links and odd names itself
        else:
            setattr_(self, "size", size)

    def __eq__(self, other: object) -> bool:
        # Equal to a FileEntry with the same fields, as one made by the Hub source or a test would be.
        if not isinstance(other, FileEntry):
            return NotImplemented
        return (self.path, self.size, self.kind, self.sha256) == (other.path, other.size, other.kind, other.sha256)

    __hash__ = FileEntry.__hash__

    @classmethod
    def under(cls, root: str) -> Callable[[str, FileKind], LocalFileEntry]:
        """A maker of entries of files under `root` that are sized when asked: the walk's one call per file."""
        # The root is the maker's class attribute, and sha256 is FileEntry's default (None), so each entry sets
        # two attributes instead of four: at 100,000 files this is a fifth of the walk's own Python.
        def init(entry: LocalFileEntry, path: str, kind: FileKind = FileKind.OTHER, size: int | None = None,
                 sha256: str | None = None) -> None:
            setattr_(entry, "path", path)
            setattr_(entry, "kind", kind)
            if size is not None:  # dataclasses.replace names every field (the LFS pointers' entries)
                setattr_(entry, "size", size)
            if sha256 is not None:
                setattr_(entry, "sha256", sha256)

        setattr_ = object.__setattr__
        return type(cls.__name__, (cls,), {"_root": root, "__init__": init, "__slots__": (),
                                          "__module__": cls.__module__, "__qualname__": cls.__qualname__})

    def __reduce__(self) -> tuple[type[FileEntry], tuple[str, int, FileKind, str | None]]:
        # Pickled and copied as the plain FileEntry it stands for.
        return FileEntry, (self.path, self.size, self.kind, self.sha256)


@dataclass
class Walk:
    """What the walk found: file entries plus where to read each one (its real path inside the root)."""

    root: str = ""
    entries: list[FileEntry] = field(default_factory=list)
    # Real paths that are not root/path: symlinks' targets and names shown with replacement characters. The
    # other 100,000 files need no entry: their real path is computed when one is read.
    elsewhere: dict[str, str] = field(default_factory=dict)
    by_kind: dict[FileKind, list[FileEntry]] = field(default_factory=dict)  # filled once the kinds are final
    problems: list[Problem] = field(default_factory=list)

    def real_path(self, shown: str) -> str:
        """Where to read the listed file `shown` (a path relative to the root, as the entries show it)."""
        return self.elsewhere.get(shown) or os.path.join(self.root, shown)


def display(rel: str) -> str:
    """A printable POSIX path: undecodable bytes of the name become U+FFFD."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def problem(walk: Walk, code: str, message: str, rel: str, severity: str = "warning") -> None:
    walk.problems.append(Problem(code, message, Provenance(file=display(rel)), severity))


def _follow_link(walk: Walk, entry: os.DirEntry[str], rel: str, root_real: str) -> tuple[os.stat_result, str] | None:
    """A symlink's target (its stat and real path) when it stays inside the root and is not a folder, else None."""
    target = os.path.realpath(entry.path)
    if not _inside(target, root_real):
        problem(walk, "symlink-outside", "symbolic link points outside the checked folder; not followed", rel)
        return None
    try:
        info = os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problem(walk, "symlink-loop", "symbolic link loop; not followed", rel)
        else:
            problem(walk, "symlink-dangling", "symbolic link target does not exist", rel, "info")
        return None
    if stat.S_ISDIR(info.st_mode):
        return None  # the target folder is inside the root and gets walked anyway; following would repeat it
    return info, target


def _listing(walk: Walk, folder: str, rel_folder: str, lazy: bool) -> tuple[list[os.DirEntry[str]],
                                                                            list[os.DirEntry[str]]]:
    """(plain files, the other entries by name, last first): plain files are the regular files the listing's type
    says are (no stat) with ASCII names; only the other entries, a folder's few, are sorted and looked at one by one.
    """
    plain: list[os.DirEntry[str]] = []
    others: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as iterator:
            for entry in iterator:
                try:
                    regular = lazy and entry.is_file(follow_symlinks=False)
                except OSError:
                    regular = False  # _stat_entry stats it and reports why it cannot
                if regular and entry.name.isascii() and entry.name != ".git":
                    plain.append(entry)
                else:
                    others.append(entry)
    except OSError as exc:
        problem(walk, "unreadable", f"folder cannot be listed: {exc.strerror or exc}", rel_folder or ".")
        return [], []
    others.sort(key=attrgetter("name"), reverse=True)
    return plain, others


def walk_folder(root_real: str, max_files: int) -> Walk:
    """Walk the folder iteratively, classifying regular files by name."""
    # The walk makes one record per file and no reference cycles: the cyclic collector, run every few hundred new
    # objects, would only rescan the growing list (two full collections at 100,000 files), so it waits. The records
    # then go straight to the oldest generation (freeze, then unfreeze: no scan), as two young-generation
    # collections would move them after scanning each of them twice.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _walk(root_real, max_files)
    finally:
        gc.freeze()
        gc.unfreeze()
        if paused:
            gc.enable()


def _walk(root_real: str, max_files: int) -> Walk:
    walk = Walk(root=root_real)
    root_stat = os.stat(root_real)
    visited: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[tuple[str, str]] = [(root_real, "")]  # (absolute folder, POSIX path relative to the root)
    reported_names = 0
    entries, elsewhere = walk.entries, walk.elsewhere  # locals: this loop runs once per file
    sized_when_asked = LocalFileEntry.under(root_real)
    while stack:
        folder, rel_folder = stack.pop()
        prefix = f"{rel_folder}/" if rel_folder else ""
        dirs = folder_parts(rel_folder)  # the folder's part of every classification, split once
        # A folder that can be listed but not searched (r without x) fails every stat: stat its files now, so that
        # each is reported as before, rather than listed with a size that cannot be read.
        plain, others = _listing(walk, folder, rel_folder, os.access(folder, os.X_OK))
        if len(entries) + len(plain) + len(others) >= max_files:  # near the limit: one by one, in name order
            plain, others = [], sorted(plain + others, key=attrgetter("name"), reverse=True)
        if plain:  # the bulk of a big tree: one record each, sized only when a reader asks (LocalFileEntry)
            # In name order, so that the records lie in memory in the order of the sorted list: every later pass
            # over 100,000 files reads them in that order (scandir order scatters them and costs each pass twice).
            names = sorted([entry.name for entry in plain])
            entries.extend(map(sized_when_asked, [prefix + name for name in names] if prefix else names,
                               classify_names(names, dirs)))
        for entry in others:
            name = entry.name
            if name == ".git":
                continue  # a repository folder, or the `gitdir:` file of a worktree/submodule
            rel = prefix + name
            shown = rel if rel.isascii() else display(rel)  # ASCII is valid UTF-8: no encoding round trip
            if shown != rel and reported_names < 100:
                reported_names += 1
                problem(walk, "name-not-utf8", "file name is not valid UTF-8; shown with replacement characters",
                        rel, "info")
            if (found := _stat_entry(walk, entry, rel, root_real, visited, stack)) is None:
                continue  # a folder (queued), a special file, a link not followed or an unreadable entry
            size, real = found
            if len(entries) >= max_files:
                problem(walk, "too-many-files", f"more than {max_files} files; the rest were not listed", rel,
                        "error")
                stack.clear()  # stop the walk; what was listed is still sorted below
                break
            kind = classify_name(name, dirs) if shown is rel else classify_path(shown)  # odd names: as shown
            entries.append(sized_when_asked(shown, kind, size))  # one class for all: bulk checks see one type
            if real is not None or shown is not rel:
                elsewhere[shown] = real or entry.path
    entries.sort(key=attrgetter("path"))  # folders were walked depth first; nearly sorted, so this is cheap
    return walk


def _stat_entry(walk: Walk, entry: os.DirEntry[str], rel: str, root_real: str, visited: set[tuple[int, int]],
                stack: list[tuple[str, str]]) -> tuple[int, str | None] | None:
    """(size, real path or None) of a regular file reached by `entry`; None after queueing a folder or skipping."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        problem(walk, "unreadable", f"cannot stat: {exc.strerror or exc}", rel)
        return None
    real = None
    if stat.S_ISLNK(info.st_mode):
        if (followed := _follow_link(walk, entry, rel, root_real)) is None:
            return None
        info, real = followed
    if stat.S_ISDIR(info.st_mode):
        if not _skipped(entry):
            _enter(walk, visited, stack, info, entry.path, rel)
        return None
    if not stat.S_ISREG(info.st_mode):
        # FIFOs, sockets and devices are never opened: opening a FIFO blocks, a device may never end.
        problem(walk, "special-file", "not a regular file (FIFO, socket or device); skipped", rel)
        return None
    return info.st_size, real


def _skipped(entry: os.DirEntry[str]) -> bool:
    """Folders never walked: version control, caches and virtual environments."""
    return entry.name in SKIPPED_DIRS or (
        entry.name == "venv" and os.path.exists(os.path.join(entry.path, "pyvenv.cfg")))


def _enter(walk: Walk, visited: set[tuple[int, int]], stack: list[tuple[str, str]], info: os.stat_result,
           path: str, rel: str) -> None:
    """Queue a folder to walk, unless it was reached before (a bind mount or link loop)."""
    key = (info.st_dev, info.st_ino)
    if key in visited:
        problem(walk, "symlink-loop", "folder already visited (bind mount loop?); skipped", rel)
        return
    visited.add(key)
    stack.append((path, rel))
