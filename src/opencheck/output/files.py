"""The one writer behind every file opencheck writes (reports, BOMs, manifests, exports, rule docs).

Rules (docs/hardening.md, "Writing files"):
- A new or regular file is written to a temporary file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, random
  name) in the destination's folder, then renamed over the destination; on any failure the temporary file is
  removed, so a failed run never leaves a half-written or stray file. Its mode is 0666 less the umask.
- An existing destination that is not a regular file (character or block device, FIFO) is written as a stream:
  opened without O_CREAT or O_TRUNC and never renamed over, so `-o /dev/null` or `-o pipe` keep their node.
- A destination under /dev or /proc (`/dev/stdout`, `/dev/fd/3`) is always a stream: nothing is created there.
- A stream whose reader has left raises BrokenPipeError, which ends the command quietly (closed_pipe).
- A symbolic link as the final component is never written through (a link planted in a checked repository must not
  redirect a write out of it): it is refused, naming the link, unless it leads to a device or FIFO (a stream).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

from opencheck.errors import SourceError, UsageError

T = TypeVar("T")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_SYSTEM_ROOTS = ("/dev/", "/proc/")
_FILE_SYSTEMS_UNDER_DEV = ("/dev/shm/",)  # a tmpfs where programs do create ordinary files
_TEMP_ATTEMPTS = 20


def _system_path(path: Path) -> bool:
    """Whether `path` names a node of /dev or /proc, where opencheck must never create or replace files."""
    normal = os.path.normpath(str(path))
    if any(normal.startswith(root) for root in _FILE_SYSTEMS_UNDER_DEV):
        return False
    return any(normal.startswith(root) for root in _SYSTEM_ROOTS)


def _plan(path: Path, shown: str) -> tuple[str, bool]:
    """How to write `path`: ("new" | "replace" | "stream", append?). Bad destinations raise UsageError."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if _system_path(path):
            raise UsageError(f"{shown}: no such device; opencheck does not create files under /dev or /proc") from None
        return "new", False
    except OSError as exc:  # e.g. a path through a regular file, or a folder we may not search
        raise SourceError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except OSError:
            if _system_path(path):  # `/dev/stdout` while stdout is closed (`>&-`)
                raise UsageError(f"{shown}: not open (no such stream)") from None
            raise UsageError(f"{shown}: is a symbolic link to nothing; opencheck does not write through symbolic "
                             "links: give the real path") from None
        if stat.S_ISREG(info.st_mode) and not _system_path(path):
            raise UsageError(f"{shown}: is a symbolic link (to {os.path.realpath(path)}); opencheck does not write "
                             "through symbolic links: give the real path") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{shown}: is a folder; give a file name")
    if stat.S_ISREG(info.st_mode):
        # `/dev/stdout` redirected to a file: append where the shell's redirection put the file offset.
        return ("stream", True) if _system_path(path) else ("replace", False)
    if stat.S_ISSOCK(info.st_mode):
        raise UsageError(f"{shown}: is a socket; opencheck writes files, devices and FIFOs")
    return "stream", False


def _ensure_folder(folder: Path, shown: str) -> None:
    # A folder named by --output-dir is checked up front (a usage error); here a path is simply unwritable.
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise SourceError(f"{shown}: cannot write: {folder} is not a folder") from None
    except OSError as exc:
        raise SourceError(f"{shown}: cannot create folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise SourceError(f"{shown}: cannot write: {folder} is not a folder")


def check_output_dir(folder: Path, shown: str) -> None:
    """`--output-dir` must be a folder or not exist yet (then it is created); a file there is a usage error."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise UsageError(f"--output-dir {shown}: not a folder")


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new file next to the destination, created exclusively under a random name (never through a symlink)."""
    stem = name.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore")  # keeps the name < NAME_MAX
    for _ in range(_TEMP_ATTEMPTS):
        tmp = folder / f".{stem}.{os.urandom(8).hex()}.tmp"  # what secrets.token_hex does, without its imports
        try:
            # 0o666: the umask decides the final mode, as for any file a program creates.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise OSError(errno.EEXIST, "could not create a unique temporary file", str(folder))


def _display(path: Path, shown: str | None) -> str:
    return shown if shown is not None else str(path)


@contextmanager
def open_output(path: Path, *, binary: bool = False, shown: str | None = None) -> Iterator[IO[Any]]:
    """A handle to write `path` by the rules above; the file appears (complete) only if the block succeeds."""
    label = _display(path, shown)
    how, append = _plan(path, label)
    if how == "stream":
        flags = os.O_WRONLY | _NOCTTY | _CLOEXEC | _BINARY | (os.O_APPEND if append else 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise SourceError(f"{label}: cannot write: {exc.strerror or exc}") from None
        try:
            with _fdopen(fd, binary) as handle:
                yield handle
        except BrokenPipeError:
            raise  # the reader of a pipe left (`-o /dev/stdout | head`): the caller ends quietly
        except OSError as exc:
            raise SourceError(f"{label}: cannot write: {exc.strerror or exc}") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    _ensure_folder(folder, label)
    try:
        fd, tmp = _create_temp(folder, path.name)
    except OSError as exc:
        raise SourceError(f"{label}: cannot write: {exc.strerror or exc}") from None
    try:
        with _fdopen(fd, binary) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError):
            raise SourceError(f"{label}: cannot write: {exc.strerror or exc}") from None
        raise


def _fdopen(fd: int, binary: bool) -> IO[Any]:
    try:
        if binary:
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    except BaseException:
        os.close(fd)
        raise


def _remove(tmp: Path) -> None:
    with suppress(OSError):  # already gone: nothing else to clean
        tmp.unlink()


def write_atomic(path: Path, text: str, *, shown: str | None = None) -> None:
    """Write `text` (UTF-8) to `path` by the rules above: a new file appears complete or not at all."""
    with open_output(path, shown=shown) as handle:
        handle.write(text)


def write_with(path: Path, writer: Callable[[IO[Any]], T], *, binary: bool = False, shown: str | None = None) -> T:
    """Let `writer` stream into `path` (by the rules above) and return what it returns."""
    with open_output(path, binary=binary, shown=shown) as handle:
        return writer(handle)


def same_file_key(path: Path) -> tuple[Any, ...]:
    """What identifies a destination: device and inode when it exists, else its real path (any spelling)."""
    try:
        info = os.stat(path)
        return ("inode", info.st_dev, info.st_ino)
    except OSError:
        return ("path", os.path.realpath(path))


def refuse_same_files(destinations: list[tuple[str, Path]]) -> None:
    """Refuse two outputs (as spelled, absolute path) that are one file, however spelled; streams may repeat."""
    seen: dict[tuple[Any, ...], str] = {}
    for spelled, path in destinations:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue  # two reports into /dev/null or one FIFO overwrite nothing
        except OSError:
            pass
        key = same_file_key(path)
        if key in seen:
            first = seen[key]
            detail = f"{first}" if first == spelled else f"{first} and {spelled} are one file"
            raise UsageError(f"two outputs would be written to the same file ({detail}); give each its own file")
        seen[key] = spelled


def refuse_inputs(outputs: list[tuple[str, Path]], inputs: list[tuple[str, Path | None]]) -> None:
    """Refuse an output (as spelled, absolute path) that is one of the command's input files (what, path)."""
    keys = {}
    for what, path in inputs:
        if path is None:
            continue
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
        except OSError:
            continue
        keys[same_file_key(path)] = what
    for spelled, path in outputs:
        what = keys.get(same_file_key(path))
        if what is not None:
            raise UsageError(f"-o {spelled}: is {what}; writing there would replace it: give another file")
