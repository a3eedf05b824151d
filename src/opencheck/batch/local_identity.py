"""What identifies a local batch target's content, so an edited folder is re-checked without --refresh.

A Hub target is keyed by its commit sha; a folder has none that covers uncommitted edits. Its identity is a
digest of what the rules read: every file's path, size and modification time (contents are not read, so a
folder of large weights costs one directory walk), plus the git HEAD and refs, which give commit and
checkpoint-branch facts. An edit, a new file, a deletion, a commit or a new branch changes the identity.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

_GIT_SKIP = frozenset({"objects", "logs", "index", "hooks", "info", "lfs"})  # churn that no rule reads


def local_identity(target: str) -> str:
    """`local-<hex>`: a digest of the folder's (or manifest file's) listing and git refs."""
    digest = hashlib.sha256()
    root = Path(target)
    if root.is_file():
        _add_file(digest, root, root.name)
        return f"local-{digest.hexdigest()[:24]}"
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = Path(folder).relative_to(root)
        if rel.parts[:1] == (".git",):
            dirs[:] = [d for d in dirs if not (len(rel.parts) == 1 and d in _GIT_SKIP)]
        for name in sorted(files):
            path = Path(folder) / name
            relpath = (rel / name).as_posix()
            if rel.parts[:1] == (".git",):
                if len(rel.parts) == 1 and name not in ("HEAD", "packed-refs"):
                    continue
                _add_content(digest, path, relpath)  # refs are tiny: their content is the commit they name
            else:
                _add_file(digest, path, relpath)
    return f"local-{digest.hexdigest()[:24]}"


def _add_file(digest: Any, path: Path, relpath: str) -> None:
    try:
        st = path.lstat()
    except OSError:
        return
    digest.update(f"{relpath}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))


def _add_content(digest: Any, path: Path, relpath: str) -> None:
    try:
        data = path.read_bytes()[:65536]
    except OSError:
        return
    digest.update(relpath.encode("utf-8", "surrogateescape") + b"\0" + data + b"\n")
