"""Where a folder's git data is, checked before anything reads it: `.git` files, `commondir`, alternates, sizes.

Every indirection is followed only when it resolves inside the checked folder, and only regular files of bounded
size pass; otherwise `Skip` says why (naming the file, never its contents) and no git facts are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from opencheck.sources.safetensors_header import read_capped

# gitpython opens these with a plain blocking open() and reads them whole: a FIFO there hangs the check, a
# device or a sparse multi-GB file fills memory. Caps are far above what real repositories hold.
_GIT_FILE_CAPS = {"HEAD": 64 * 1024, "commondir": 64 * 1024, "gitdir": 64 * 1024, "ORIG_HEAD": 64 * 1024,
                  "FETCH_HEAD": 16_000_000, "index": 1_000_000_000}
COMMON_FILE_CAPS = {"config": 1_000_000, "packed-refs": 256_000_000, "objects/info/alternates": 64 * 1024}
_POINTER_CAP = 4096  # a `.git` file's `gitdir:` line and a `commondir` line
MAX_GIT_ENTRIES = 200_000  # refs and loose objects inspected before giving up on git facts


class Skip(Exception):
    """Git facts must not be read; the message names the file and the kind of problem, never its contents."""


def _inside(path: Path, root_real: str) -> bool:
    real = os.path.realpath(path)
    return os.path.commonpath([real, root_real]) == root_real


def _pointer(path: Path, name: str) -> str:
    """The one-line value of a small indirection file (`.git` file, `commondir`), read without blocking."""
    try:
        data, size = read_capped(path, _POINTER_CAP)
    except OSError as exc:
        raise Skip(f"{name}: {exc.strerror or 'unreadable'}") from None
    if size > _POINTER_CAP:
        raise Skip(f"{name} is {size} bytes, over the {_POINTER_CAP}-byte limit")
    return os.fsdecode(data).strip()


def locate(root: Path) -> tuple[Path, Path]:
    """The git folder and its common folder, each only if it resolves inside the checked folder."""
    root_real = os.path.realpath(root)
    dot_git = root / ".git"
    mode = os.lstat(dot_git).st_mode
    if stat.S_ISLNK(mode):
        raise Skip(".git is a symbolic link, which is not followed")
    if stat.S_ISDIR(mode):
        git_dir = dot_git
    elif stat.S_ISREG(mode):
        value = _pointer(dot_git, ".git")
        if not value.startswith("gitdir:"):
            raise Skip(".git is a file without a gitdir line")
        git_dir = root / value[len("gitdir:"):].strip()
        if not _inside(git_dir, root_real):
            raise Skip(".git points to a git folder outside the checked folder, which is not followed")
        if not git_dir.is_dir():
            raise Skip(".git points to a git folder that does not exist")
    else:
        raise Skip(".git is not a regular file or folder")
    common_dir = git_dir
    try:
        commondir_mode = os.lstat(git_dir / "commondir").st_mode
    except FileNotFoundError:
        commondir_mode = None
    if commondir_mode is not None:
        if not stat.S_ISREG(commondir_mode):
            raise Skip("commondir is not a regular file")
        common_dir = git_dir / _pointer(git_dir / "commondir", "commondir")
        if not _inside(common_dir, root_real):
            raise Skip("commondir points outside the checked folder, which is not followed")
        if not common_dir.is_dir():
            raise Skip("commondir points to a folder that does not exist")
    return git_dir, common_dir


def _check_file(folder: Path, name: str, cap: int) -> None:
    try:
        info = os.lstat(folder / name)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Skip(f"{name}: {exc.strerror or 'unreadable'}") from None
    if not stat.S_ISREG(info.st_mode):
        raise Skip(f"{name} is not a regular file")
    if info.st_size > cap:
        raise Skip(f"{name} is {info.st_size} bytes, over the {cap}-byte limit")


def _alternates(objects: Path, root_real: str) -> list[Path]:
    """Object folders `objects/info/alternates` lists, transitively, as git follows them.

    Any that resolves outside the checked folder stops git facts: `git cat-file` would read it.
    """
    folders: list[Path] = []
    seen = {os.path.realpath(objects)}
    stack = [objects]
    while stack:
        current = stack.pop()
        path = current / "info" / "alternates"
        if not os.path.lexists(path):
            continue
        try:
            data, size = read_capped(path, COMMON_FILE_CAPS["objects/info/alternates"])
        except OSError:
            raise Skip("objects/info/alternates is not a readable regular file") from None
        if size > COMMON_FILE_CAPS["objects/info/alternates"]:
            raise Skip("objects/info/alternates is over the 65536-byte limit")
        for line in os.fsdecode(data).splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            folder = current / line
            if not _inside(folder, root_real):
                raise Skip("objects/info/alternates points outside the checked folder, which is not followed")
            if os.path.realpath(folder) not in seen:  # alternates may point at each other
                seen.add(os.path.realpath(folder))
                folders.append(folder)
                stack.append(folder)
    return folders


def git_hazard(git_dir: Path, common_dir: Path, root_real: str) -> None:
    """Raise Skip when the git folder must not be handed to gitpython (or git)."""
    for name, cap in _GIT_FILE_CAPS.items():
        _check_file(git_dir, name, cap)
    for name, cap in COMMON_FILE_CAPS.items():
        _check_file(common_dir, name, cap)
    seen = 0
    # Refs are opened by gitpython and loose objects by `git cat-file`: a FIFO among them would block forever.
    objects = common_dir / "objects"
    stack = [git_dir / "refs", common_dir / "refs", objects, *_alternates(objects, root_real)]
    while stack:
        folder = stack.pop()
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise Skip(f"{folder.name} is not a folder")
            with os.scandir(folder) as iterator:
                entries = list(iterator)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise Skip(f"{folder.name}: {exc.strerror or 'unreadable'}") from None
        for entry in entries:
            seen += 1
            if seen > MAX_GIT_ENTRIES:
                raise Skip(f"more than {MAX_GIT_ENTRIES} refs and loose objects")
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                stack.append(Path(entry.path))
            elif not stat.S_ISREG(mode):
                raise Skip(f"{os.path.relpath(entry.path, common_dir)} is not a regular file")
