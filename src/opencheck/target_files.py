"""The one rule for reading a file that a checked folder supplies (configuration, manifest, packs it names).

Such a file is read only if its real path (every symlink resolved) stays inside the folder, only if it is a
regular file (a FIFO would block, a device may never end), and only up to a size cap. It is opened by its real
path without following a final symlink and without blocking, so a swap between the check and the open is
refused too. A path the user gives on the command line (`--config FILE`) is the user's choice: it may lead
anywhere, but it is still read as a capped regular file.
"""

from __future__ import annotations

import os
from pathlib import Path

from opencheck.errors import ConfigError


def is_inside(path: str, root: str) -> bool:
    """Whether the real path `path` is `root` or below it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def leaves_folder(path: Path, folder: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies outside `folder` (a path that names no file, one holding a
    NUL, is never inside it)."""
    try:
        return not is_inside(os.path.realpath(path), os.path.realpath(folder))
    except ValueError:  # "embedded null byte": the path comes from the folder's own configuration
        return True


def read_confined(path: Path, display: str, *, max_bytes: int, what: str, folder: Path | None = None) -> bytes:
    """Bytes of a regular file of at most `max_bytes`, inside `folder` when given; ConfigError otherwise."""
    from opencheck.sources.safetensors_header import NotRegularFile, open_regular

    try:
        real = os.path.realpath(path)
    except ValueError:  # a NUL in a name the checked folder's configuration gave
        raise ConfigError(f"{display}: {what} not found (not a file)") from None
    if folder is not None and not is_inside(real, os.path.realpath(folder)):
        raise ConfigError(f"{display}: {what} is a symbolic link out of {folder}; not read (opencheck reads only "
                          "files inside the checked folder; name it with --config to use it)")
    try:
        fd, info = open_regular(real)
    except NotRegularFile:
        raise ConfigError(f"{display}: {what} not found (not a file)") from None
    except FileNotFoundError:
        raise ConfigError(f"{display}: {what} not found (not a file)") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read {what}: {exc.strerror or exc}") from None
    try:
        if info.st_size > max_bytes:
            raise ConfigError(f"{display}:1: $: {what} is {info.st_size} bytes; the limit is {max_bytes}")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:  # the size may grow after fstat: the cap holds on what is read
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise ConfigError(f"{display}:1: $: {what} is over {max_bytes} bytes; the limit is {max_bytes}")
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
