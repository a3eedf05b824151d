"""Facts from a git work tree: HEAD commit, dirty flag, remotes (credentials stripped), tags and branches.

Refs and the index are read by gitpython in Python; objects come from `git cat-file --batch`, which applies no
filters. Porcelain commands (`status`, `diff`, hence `repo.is_dirty()`) are never run on the checked
repository, because a hostile `.git/config` can make them execute commands (`core.fsmonitor`, filter
drivers, external diff), so the dirty flag is computed here from the index's stat data and blob hashes.

Nothing outside the checked folder is read. `.git/config` is parsed by a small strict reader here that never
follows `[include]`/`[includeIf]` (gitpython's reader and git itself would open any file they name, a FIFO or
/proc/self/environ included, and quote it in parse errors); gitpython is handed an empty config and
`git cat-file` a scratch GIT_DIR whose only link to the folder is its objects. Every indirection (a `.git`
file's `gitdir:`, `commondir`, `objects/info/alternates`) is followed only when it resolves inside the folder,
only regular files of bounded size are opened, and problem messages name the file, never its contents.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from opencheck.evidence import GitInfo, Problem, Provenance
from opencheck.sources.git_layout import COMMON_FILE_CAPS, Skip, git_hazard, locate
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


def _blob_sha(data: bytes) -> bytes:
    import hashlib  # only for a repository with staged files: its OpenSSL binding is slow to load

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


_SECTION = re.compile(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(?:[#;].*)?$')
_UNESCAPE = re.compile(r"\\(.)")
_ENTRY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")


def _config_value(raw: str) -> str:
    """A git config value: quotes removed, escapes applied, an unquoted comment dropped."""
    out: list[str] = []
    quoted = False
    chars = iter(raw)
    for char in chars:
        if char == '"':
            quoted = not quoted
        elif char == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
        elif char in "#;" and not quoted:
            break
        else:
            out.append(char)
    return "".join(out).strip()


def read_config_entries(path: Path) -> list[tuple[str, str]]:
    """(`section.sub.key`, value) pairs of one git config file; `[include]`/`[includeIf]` are never followed.

    A tiny strict reader: it opens only a regular file, and a malformed line is reported by number, never quoted.
    """
    data, size = read_capped(path, COMMON_FILE_CAPS["config"])
    if size > COMMON_FILE_CAPS["config"]:
        raise Skip(f"config is {size} bytes, over the {COMMON_FILE_CAPS['config']}-byte limit")
    entries: list[tuple[str, str]] = []
    section = ""
    pending = ""
    content = data.decode("utf-8", "replace").removeprefix("\ufeff")  # git accepts a UTF-8 byte order mark
    for number, line in enumerate(content.splitlines(), start=1):
        line = pending + line
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1]  # a value continued on the next line
            continue
        pending = ""
        text = line.strip()
        if not text or text[0] in "#;":
            continue
        match = _SECTION.match(text)
        if match:
            name, sub = match.group(1).lower(), match.group(2)
            if sub is not None:
                section = name + "." + _UNESCAPE.sub(r"\1", sub)
            elif "." in name:  # the old `[section.sub]` form
                head, _, tail = name.partition(".")
                section = f"{head}.{tail}"
            else:
                section = name
            continue
        match = _ENTRY.match(text)
        if not match or not section:
            raise Skip(f"config line {number} is not valid git config syntax")
        value = "true" if match.group(2) is None else _config_value(match.group(2))
        entries.append((f"{section}.{match.group(1).lower()}", value))
    return entries


def _remotes(config: list[tuple[str, str]]) -> dict[str, str]:
    remotes: dict[str, str] = {}
    for key, value in config:
        if key.startswith("remote.") and key.endswith(".url") and len(key) > len("remote..url"):
            remotes[key[len("remote."):-len(".url")]] = strip_credentials(value)
    return remotes


def _folder_repo(root: Path, objects: Path, scratch: Path) -> Any:
    """A gitpython Repo that never reads the folder's git config, and whose `git cat-file` never does either.

    gitpython's config reader and git itself follow `[include]`/`[includeIf]` to any file (a FIFO, a
    credentials file, /proc/self/environ) and quote it in errors; so gitpython gets an empty config, and
    `git cat-file` runs with GIT_DIR set to a scratch repository whose only link to the folder is its objects.
    """
    import io

    import git
    from git.config import GitConfigParser

    class FolderRepo(git.Repo):
        def _config_reader(self, config_level: Any = None, git_dir: Any = None) -> GitConfigParser:
            empty = io.BytesIO()
            empty.name = "config"  # type: ignore[attr-defined]  # gitpython reads .name of file objects
            return GitConfigParser(empty, read_only=True, merge_includes=False, repo=self)

    (scratch / "refs").mkdir()
    (scratch / "HEAD").write_text("ref: refs/heads/main\n")
    (scratch / "config").write_text("[core]\n\trepositoryformatversion = 0\n")
    repo = FolderRepo(root, search_parent_directories=False)
    repo.git.update_environment(
        GIT_DIR=str(scratch), GIT_OBJECT_DIRECTORY=str(objects), GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull, GIT_COMMON_DIR=None, GIT_WORK_TREE=None,
        GIT_ALTERNATE_OBJECT_DIRECTORIES=None, GIT_CONFIG=None, GIT_CONFIG_COUNT=None,
        # An object missing from a partial clone would be fetched from a promisor remote, and a fetch can run
        # commands (`ext::` URLs, `uploadpack`, `sshCommand`): no transport is allowed, so missing stays missing.
        GIT_ALLOW_PROTOCOL="none", GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0",
    )
    return repo


def read_git(root: Path, problems: list[Problem] | None = None) -> GitInfo | None:
    """Git facts for a folder whose own `.git` is a repository; None when it is not one.

    Nothing outside the folder is read: every indirection (`.git` file, `commondir`, alternates) must resolve
    inside it, only regular files are opened, and problem messages never quote file contents.
    """

    def note(message: str) -> None:
        if problems is not None:
            problems.append(Problem("git-unreadable", message, Provenance(file=".git")))

    if not os.path.lexists(root / ".git"):
        return None
    root_real = os.path.realpath(root)
    try:
        git_dir, common_dir = locate(root)
        git_hazard(git_dir, common_dir, root_real)
        config = read_config_entries(common_dir / "config") if (common_dir / "config").exists() else []
    except Skip as exc:
        note(f"git facts skipped: .git/{exc}" if not str(exc).startswith(".git") else f"git facts skipped: {exc}")
        return None
    except OSError as exc:
        note(f"git facts skipped: .git: {exc.strerror or type(exc).__name__}")
        return None
    try:
        import git  # noqa: F401  # gitpython needs a git executable at import time
    except ImportError:
        if problems is not None:
            problems.append(
                Problem(
                    "git-unavailable",
                    "gitpython/git is not available; git facts skipped",
                    Provenance(file=".git"),
                )
            )
        return None
    import tempfile

    info = GitInfo(remotes=_remotes(config))
    with tempfile.TemporaryDirectory(prefix="opencheck-git-") as scratch:
        try:
            repo = _folder_repo(root, common_dir / "objects", Path(scratch))
        except Exception as exc:  # gitpython raises many types for broken repositories
            note(f"not a readable git repository ({type(exc).__name__})")
            return None
        try:
            with repo:
                _read_parts(repo, root, info, note)
        except Exception as exc:
            note(f"git repository could not be read ({type(exc).__name__})")
    return info


def _read_parts(repo: Any, root: Path, info: GitInfo, note: Any) -> None:
    """Each part is read on its own so that one corrupt ref or object does not lose the others."""
    # Messages carry the exception's type only: gitpython's texts quote ref and object contents.
    try:
        if repo.head.is_valid():
            info.commit = repo.head.commit.hexsha
    except Exception as exc:
        note(f"cannot resolve HEAD ({type(exc).__name__})")
    try:
        info.tags = sorted(tag.name for tag in repo.tags)
    except Exception as exc:
        note(f"cannot read tags ({type(exc).__name__})")
    try:
        names = [head.name for head in repo.heads]
        for remote_ref in repo.refs:
            if remote_ref.path.startswith("refs/remotes/") and not remote_ref.path.endswith("/HEAD"):
                names.append(remote_ref.name)
        info.branches = sorted(set(names))
    except Exception as exc:
        note(f"cannot read branches ({type(exc).__name__})")
    try:
        info.dirty = _is_dirty(repo, root)
    except Exception as exc:
        note(f"cannot tell whether the work tree is modified ({type(exc).__name__})")


class GitUnreadable(Exception):
    """A folder's git repository must not or cannot be read; the message names the file, never its contents."""


def open_folder_repo(root: Path, scratch: Path) -> Any:
    """The folder's repository as a gitpython Repo read by the rules above (nothing outside it, no config).

    `scratch` is an empty temporary folder that must outlive the Repo. Raises GitUnreadable.
    """
    if not os.path.lexists(root / ".git"):
        raise GitUnreadable("not a git repository (no .git)")
    try:
        git_dir, common_dir = locate(root)
        git_hazard(git_dir, common_dir, os.path.realpath(root))
    except Skip as exc:
        raise GitUnreadable(f"git history skipped: {exc}") from None
    except OSError as exc:
        raise GitUnreadable(f"git history skipped: .git: {exc.strerror or type(exc).__name__}") from None
    try:
        return _folder_repo(root, common_dir / "objects", scratch)
    except Exception as exc:  # gitpython raises many types for broken repositories
        raise GitUnreadable(f"not a readable git repository ({type(exc).__name__})") from None
