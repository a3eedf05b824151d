"""On-disk cache of Hub metadata. What is stored under a commit sha never changes, so it never expires.

Layout under the cache root (default: the platformdirs user cache dir, `.../opencheck/hub`):

    v1/models/<org>--<name>/refs.json            revision -> last sha seen (used offline)
    v1/models/<org>--<name>/<sha>/model.json     the model_info(files_metadata=True) response
    v1/models/<org>--<name>/<sha>/readme.json    {"state": "present", "text": ...} or {"state": "absent"}
    v1/models/<org>--<name>/extras/<name>.json   last refs / dataset / GitHub answers (offline fallback only)

Writes are atomic (temporary file + rename) so concurrent checks never read half a file; unreadable
entries count as misses. Gated READMEs are never cached: access depends on the token, not the commit.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from opencheck.untrusted_json import loads_untrusted

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_cache_root() -> Path:
    """The per-user cache folder for Hub metadata."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("opencheck", appauthor=False)) / "hub"


def _safe_name(text: str) -> str:
    # Repo ids and revisions become file names: `/` and anything unusual are escaped reversibly enough.
    return _SAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", text)


class HubCache:
    """Read and write cached Hub answers for models."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "v1"

    def _repo_dir(self, repo_id: str) -> Path:
        return self.root / "models" / _safe_name(repo_id.replace("/", "--"))

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            return loads_untrusted(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @staticmethod
    def _write(path: Path, data: Any) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            # A read-only or full cache must not fail the check: the answer is simply not cached.
            pass

    def has_repo(self, repo_id: str) -> bool:
        """True if anything was ever cached for this repository."""
        return self._repo_dir(repo_id).is_dir()

    def get_sha(self, repo_id: str, revision: str) -> str | None:
        """The last commit sha seen for a revision."""
        refs = self._read(self._repo_dir(repo_id) / "refs.json")
        sha = refs.get(revision) if isinstance(refs, dict) else None
        return sha if isinstance(sha, str) else None

    def put_sha(self, repo_id: str, revision: str, sha: str) -> None:
        """Remember which commit a revision pointed at."""
        path = self._repo_dir(repo_id) / "refs.json"
        refs = self._read(path)
        refs = refs if isinstance(refs, dict) else {}
        if refs.get(revision) != sha:
            refs[revision] = sha
            self._write(path, refs)

    def get_model_info(self, repo_id: str, sha: str) -> dict[str, Any] | None:
        """The cached model_info for a commit."""
        data = self._read(self._repo_dir(repo_id) / _safe_name(sha) / "model.json")
        return data if isinstance(data, dict) and data.get("sha") == sha else None

    def put_model_info(self, repo_id: str, sha: str, info: dict[str, Any]) -> None:
        """Cache model_info for a commit."""
        self._write(self._repo_dir(repo_id) / _safe_name(sha) / "model.json", info)

    def get_readme(self, repo_id: str, sha: str) -> dict[str, Any] | None:
        """The cached README state for a commit: {"state": "present", "text": ...} or {"state": "absent"}."""
        data = self._read(self._repo_dir(repo_id) / _safe_name(sha) / "readme.json")
        if isinstance(data, dict) and data.get("state") in ("present", "absent"):
            if data["state"] == "present" and not isinstance(data.get("text"), str):
                return None
            return data
        return None

    def put_readme(self, repo_id: str, sha: str, state: str, text: str | None = None) -> None:
        """Cache the README (or its absence) for a commit."""
        payload: dict[str, Any] = {"state": state}
        if text is not None:
            payload["text"] = text
        self._write(self._repo_dir(repo_id) / _safe_name(sha) / "readme.json", payload)

    def _extras_dir(self, repo_id: str | None) -> Path:
        # Datasets, papers and code repositories are shared by many models: their answers live outside any model's
        # folder, so a family or a batch asks once for each, not once per model.
        return self.root / "shared" if repo_id is None else self._repo_dir(repo_id) / "extras"

    def get_extra(self, repo_id: str | None, name: str, max_age: float | None = None) -> Any:
        """The last answer stored under `name` for a model (refs), or shared (repo_id None); None if too old."""
        path = self._extras_dir(repo_id) / f"{_safe_name(name)}.json"
        if max_age is not None:
            try:
                if time.time() - path.stat().st_mtime > max_age:
                    return None
            except OSError:
                return None
        return self._read(path)

    def put_extra(self, repo_id: str | None, name: str, data: Any) -> None:
        """Store the latest answer for an extra lookup: a model's own (repo_id) or shared (None)."""
        self._write(self._extras_dir(repo_id) / f"{_safe_name(name)}.json", data)
