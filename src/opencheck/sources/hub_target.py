"""Parse Hugging Face Hub targets: `org/name`, `org/name@rev`, `hf://org/name@rev`, Hub URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from opencheck.errors import UsageError
from opencheck.url_parts import split_url, url_host

# Hub repo names: letters, digits, `-`, `_`, `.`; at most 96 characters per part (huggingface_hub's
# validate_repo_id). `--` and `..` are forbidden because the cache layout uses `--` as a separator.
_PART = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
_REPO_ID_RE = re.compile(rf"^(?:{_PART}/)?{_PART}$")
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# Path segments after `org/name` in a Hub web URL that carry a revision: /tree/REV, /blob/REV/file, ...
_REV_SEGMENTS = frozenset({"tree", "blob", "resolve", "raw", "commit"})


@dataclass(frozen=True)
class HubTarget:
    """A Hub model repository and an optional revision (branch, tag, PR ref or commit sha)."""

    repo_id: str
    revision: str | None = None

    @property
    def pinned(self) -> bool:
        """True when the revision is a full commit sha, so results for it never change."""
        return self.revision is not None and bool(_SHA_RE.match(self.revision))

    def __str__(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


def is_commit_sha(text: object) -> bool:
    """True for a full 40-hex commit sha (False for anything that is not a string: servers send any JSON type)."""
    return isinstance(text, str) and bool(_SHA_RE.match(text))


def _check_repo_id(repo_id: str, original: str) -> str:
    if (
        not _REPO_ID_RE.match(repo_id)
        or "--" in repo_id
        or ".." in repo_id
        or any(part.endswith((".", "-")) for part in repo_id.split("/"))
    ):
        raise UsageError(f"invalid Hugging Face repository id in {original!r}: expected 'org/name'")
    return repo_id


def _check_revision(revision: str | None, original: str) -> str | None:
    if revision is None:
        return None
    if (
        not revision
        or len(revision) > 255
        or ".." in revision
        or revision.startswith("/")
        or revision.endswith("/")
        or any(ch.isspace() or ord(ch) < 32 for ch in revision)
    ):
        raise UsageError(f"invalid revision in {original!r}")
    return revision


def _split_at(spec: str) -> tuple[str, str | None]:
    # `org/name@rev`: the revision may itself contain `/` (refs/pr/1) but a repo id never has `@`.
    repo_id, sep, revision = spec.partition("@")
    return repo_id, (revision if sep else None)


def parse_hub_target(text: str) -> HubTarget:
    """Parse a Hub target; raise UsageError when it is malformed."""
    original = text
    text = text.strip()
    if text.startswith("hf://"):
        spec = text[len("hf://"):]
        if spec.startswith("models/"):  # the hf:// filesystem spells models without a prefix, tolerate one
            spec = spec[len("models/"):]
        if spec.startswith(("datasets/", "spaces/")):
            raise UsageError(f"{original!r} is not a model repository")
        repo_id, revision = _split_at(spec)
        repo_id = repo_id.rstrip("/")
        return HubTarget(_check_repo_id(repo_id, original), _check_revision(revision, original))
    if text.startswith(("https://", "http://")):
        return _parse_url(text, original)
    repo_id, revision = _split_at(text)
    if "/" not in repo_id:
        # A bare name could be a local folder; Hub targets given without a scheme need `org/name`.
        raise UsageError(f"invalid Hugging Face repository id in {original!r}: expected 'org/name'")
    return HubTarget(_check_repo_id(repo_id, original), _check_revision(revision, original))


def _parse_url(text: str, original: str) -> HubTarget:
    parts = split_url(text)
    if parts is None or (parts.hostname or "").lower() not in _HUB_HOSTS:
        raise UsageError(f"{original!r} is not a Hugging Face Hub URL")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if segments and segments[0] in ("datasets", "spaces"):
        raise UsageError(f"{original!r} is not a model repository")
    if len(segments) < 2:
        raise UsageError(f"invalid Hugging Face repository id in {original!r}: expected 'org/name'")
    repo_id = "/".join(segments[:2])
    revision: str | None = None
    rest = segments[2:]
    if rest:
        if rest[0] not in _REV_SEGMENTS or len(rest) < 2:
            raise UsageError(f"cannot read a revision from {original!r}")
        revision = rest[1]
        # The web UI URL-encodes refs/pr/N as one segment; an unencoded one spans three.
        if rest[0] == "tree" and revision == "refs" and len(rest) >= 4:
            revision = "/".join(rest[1:4])
    return HubTarget(_check_repo_id(repo_id, original), _check_revision(revision, original))


def looks_like_hub_target(text: str) -> bool:
    """True if `text` names a Hub repo rather than a local path (an existing local path always wins)."""
    text = text.strip()
    if text.startswith("hf://"):
        return True
    if text.startswith(("https://", "http://")):
        return url_host(text) in _HUB_HOSTS
    if not text or text.startswith((".", "/", "~", "\\")) or "\\" in text:
        return False
    repo_id, _revision = _split_at(text)
    if repo_id.count("/") != 1 or not _REPO_ID_RE.match(repo_id):
        return False
    try:
        return not Path(text).exists() and not Path(repo_id).exists()
    except OSError:
        return True
