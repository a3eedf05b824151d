"""Facts from a git work tree: HEAD commit, dirty flag, remotes (credentials stripped), tags and branches.

Refs, config and the index are read by gitpython in Python; objects come from `git cat-file --batch`, which
applies no filters. Porcelain commands (`status`, `diff`, hence `repo.is_dirty()`) are never run on the checked
repository, because a hostile `.git/config` can make them execute commands (`core.fsmonitor`, filter
drivers, external diff), so the dirty flag is computed here from the index's stat data and blob hashes.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from opencheck.evidence import GitInfo, Problem, Provenance
from opencheck.sources.checkpoints import is_checkpoint_branch
from opencheck.sources.safetensors_header import read_capped

# A file whose stat data changed but whose size did not is hashed to decide; beyond this size, assume changed.
MAX_HASH_BYTES = 64 * 1024 * 1024
_SECRET_QUERY = re.compile(r"(token|key|secret|password|passwd|sig|signature|auth|credential)", re.IGNORECASE)


def strip_credentials(url: str) -> str:
    """Remove `user:token@` and secret-looking query parameters from a URL; scp-style URLs stay as is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url  # `git@github.com:org/repo.git` or a local path: a user name is not a secret
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parts.query
    if query:
        query = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _SECRET_QUERY.search(k)])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _remotes(repo: Any) -> dict[str, str]:
    remotes: dict[str, str] = {}
    reader = repo.config_reader("repository")
    for section in reader.sections():
        match = re.match(r'^remote "(.+)"$', section)
        if match and reader.has_option(section, "url"):
            remotes[match.group(1)] = strip_credentials(str(reader.get_value(section, "url")))
    return remotes


def _blob_sha(data: bytes) -> bytes:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).digest()


def _worktree_differs(root: Path, entry: Any) -> bool:
    """Whether a work-tree file differs from its index entry (stat first, content hash only when needed)."""
    target = root / entry.path
    try:
        info = os.lstat(target)
    except OSError:
        return True  # deleted (or unreachable) since it was staged
    if stat.S_ISLNK(info.st_mode) != stat.S_ISLNK(entry.mode):
        return True
    if stat.S_ISLNK(info.st_mode):
        return _blob_sha(os.fsencode(os.readlink(target))) != entry.binsha
    if not stat.S_ISREG(info.st_mode):
        return not (stat.S_ISDIR(info.st_mode) and entry.mode == 0o160000)  # a submodule is a folder
    # A recorded size of 0 means "stat data unknown" (gitpython and `read-tree` write such entries), as in git.
    if entry.size != 0 and (info.st_size & 0xFFFFFFFF) != entry.size:
        return True
    seconds, nanoseconds = entry.mtime
    if info.st_mtime_ns == seconds * 1_000_000_000 + nanoseconds or (
        int(info.st_mtime) == seconds and nanoseconds == 0
    ):
        return False
    if info.st_size > MAX_HASH_BYTES:
        return True  # too costly to hash; "dirty" only claims the commit may not describe these files
    # Only hash files whose real location is inside the work tree: never read through a symlinked folder.
    real = os.path.realpath(target)
    if os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
        return True
    try:
        data, _size = read_capped(real, MAX_HASH_BYTES)
    except OSError:
        return True
    return _blob_sha(data) != entry.binsha


def _is_dirty(repo: Any, root: Path) -> bool:
    """Tracked changes, staged or not (untracked files ignored), without running git."""
    from git import IndexFile

    index = IndexFile(repo)
    entries = {path: entry for (path, stage), entry in index.entries.items() if stage == 0}
    if len(entries) != len(index.entries):
        return True  # unmerged paths
    head: dict[str, tuple[bytes, int]] = {}
    if repo.head.is_valid():
        for item in repo.head.commit.tree.traverse():
            if item.type != "tree":
                head[item.path] = (item.binsha, item.mode)
    if set(head) != set(entries):
        return True
    for path, entry in entries.items():
        if head[path] != (entry.binsha, entry.mode):
            return True
    return any(_worktree_differs(root, entry) for entry in entries.values())


# gitpython opens these with a plain blocking open() and reads them whole: a FIFO there hangs the check, a
# device or a sparse multi-GB file fills memory. Caps are far above what real repositories hold.
_GIT_FILE_CAPS = {"HEAD": 64 * 1024, "commondir": 64 * 1024, "ORIG_HEAD": 64 * 1024, "FETCH_HEAD": 16_000_000,
                  "config": 1_000_000, "packed-refs": 256_000_000, "index": 1_000_000_000}
MAX_GIT_ENTRIES = 200_000  # refs and loose objects inspected before giving up on git facts


def _git_dir(dot_git: Path) -> Path | None:
    """The git folder: `.git` itself, or where the `gitdir:` line of a worktree/submodule `.git` file points."""
    if dot_git.is_dir():
        return dot_git
    try:
        data, _size = read_capped(dot_git, 4096)
    except OSError:
        return None
    match = re.match(rb"gitdir:\s*(.+?)\s*$", data, re.MULTILINE)
    return (dot_git.parent / os.fsdecode(match.group(1))) if match else None


def _git_hazard(git_dir: Path) -> str | None:
    """Why the git folder must not be handed to gitpython (or git), else None."""
    for name, cap in _GIT_FILE_CAPS.items():
        try:
            info = os.lstat(git_dir / name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{name}: {exc.strerror or exc}"
        if not stat.S_ISREG(info.st_mode):
            return f"{name} is not a regular file"
        if info.st_size > cap:
            return f"{name} is {info.st_size} bytes, over the {cap}-byte limit"
    seen = 0
    # Refs are opened by gitpython and loose objects by `git cat-file`: a FIFO among them would block forever.
    stack = [git_dir / "refs", git_dir / "objects"]
    while stack:
        folder = stack.pop()
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return f"{folder.name} is not a folder"
            with os.scandir(folder) as iterator:
                entries = list(iterator)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{folder.name}: {exc.strerror or exc}"
        for entry in entries:
            seen += 1
            if seen > MAX_GIT_ENTRIES:
                return f"more than {MAX_GIT_ENTRIES} refs and loose objects"
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                stack.append(Path(entry.path))
            elif not stat.S_ISREG(mode):
                return f"{os.path.relpath(entry.path, git_dir)} is not a regular file"
    return None


def read_git(root: Path, problems: list[Problem] | None = None) -> GitInfo | None:
    """Git facts for a folder whose own `.git` is a repository; None when it is not one."""
    dot_git = root / ".git"
    if dot_git.is_symlink() or not (dot_git.is_dir() or dot_git.is_file()):
        return None
    git_dir = _git_dir(dot_git)
    try:
        hazard = _git_hazard(git_dir) if git_dir is not None and git_dir.is_dir() else None
    except OSError as exc:
        hazard = exc.strerror or str(exc)
    if hazard is not None:
        if problems is not None:
            problems.append(Problem("git-unreadable", f"git facts skipped: .git/{hazard}", Provenance(file=".git")))
        return None
    try:
        import git
    except ImportError:  # gitpython needs a git executable at import time
        if problems is not None:
            problems.append(
                Problem(
                    "git-unavailable",
                    "gitpython/git is not available; git facts skipped",
                    Provenance(file=".git"),
                )
            )
        return None

    def note(message: str) -> None:
        if problems is not None:
            problems.append(Problem("git-unreadable", message, Provenance(file=".git")))

    try:
        repo = git.Repo(root, search_parent_directories=False)
    except Exception as exc:  # gitpython raises many types for broken repositories
        note(f"not a readable git repository: {type(exc).__name__}: {exc}")
        return None
    # `git cat-file` of an object missing from a partial clone fetches it from the promisor remote the checked
    # `.git/config` names, and a fetch can run commands (`ext::` URLs, `remote.*.uploadpack`, `core.sshCommand`).
    # No transport is allowed, so a missing object is just missing.
    repo.git.update_environment(GIT_ALLOW_PROTOCOL="none", GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0")
    info = GitInfo()
    try:
        with repo:
            # Each part is read on its own so that one corrupt ref or object does not lose the others.
            try:
                if repo.head.is_valid():
                    info.commit = repo.head.commit.hexsha
            except Exception as exc:
                note(f"cannot resolve HEAD: {type(exc).__name__}: {exc}")
            try:
                info.remotes = _remotes(repo)
            except Exception as exc:
                note(f"cannot read remotes: {type(exc).__name__}: {exc}")
            try:
                info.tags = sorted(tag.name for tag in repo.tags)
            except Exception as exc:
                note(f"cannot read tags: {type(exc).__name__}: {exc}")
            try:
                names = [head.name for head in repo.heads]
                for remote_ref in repo.refs:
                    if remote_ref.path.startswith("refs/remotes/") and not remote_ref.path.endswith("/HEAD"):
                        names.append(remote_ref.name)
                info.branches = sorted(set(names))
            except Exception as exc:
                note(f"cannot read branches: {type(exc).__name__}: {exc}")
            short: dict[str, str] = {}
            # Local branches first, so `step1000` is reported rather than its `origin/step1000` twin.
            remote_prefixes = tuple(f"{remote}/" for remote in info.remotes)
            for name in sorted(info.branches, key=lambda n: (n.startswith(remote_prefixes), n)):
                if is_checkpoint_branch(name):
                    short.setdefault(name.rsplit("/", 1)[-1], name)
            info.checkpoint_branches = sorted(short.values())
            try:
                info.dirty = _is_dirty(repo, root)
            except Exception as exc:
                note(f"cannot tell whether the work tree is modified: {type(exc).__name__}: {exc}")
    except Exception as exc:
        note(f"git repository could not be read: {type(exc).__name__}: {exc}")
    return info
