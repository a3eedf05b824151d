"""Compiled JSON forms of opencheck's own data files, kept beside them in `__pycache__` like Python's bytecode.

Parsing the packaged YAML (rule packs, the licence table) and indexing it cost a small check more than a tenth of
its time; JSON of the same data loads some thirty times faster. A compiled form is keyed by the SHA-256 of what it was
made from (plus a format tag), so an edited file is simply parsed afresh and the form rewritten; a missing, damaged
or stale form is ignored; a folder that cannot be written (a read-only install) only costs the time it saved. Only
data that JSON holds exactly (str keys; str, int, float, bool, None, lists) is stored: anything else (a YAML date) is
returned as parsed and never cached. Never pickle: a cache file is data, read with `json`. The content hashes of
large inputs (the SPDX index, the SPDX list) are themselves remembered by file size and time (`file_digest`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = "opencheck-data-cache-1"


def cache_path(source: Path, kind: str) -> Path:
    """Where the compiled form of `source` (one `kind` of derived data) lives."""
    return source.parent / "__pycache__" / f"{source.name}.{kind}.json"


def json_exact(value: Any) -> bool:
    """Whether `value` survives a JSON round trip unchanged (types included)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return all(json_exact(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_exact(v) for k, v in value.items())
    return False


def _read(path: Path, key: str) -> tuple[bool, Any]:
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False, None
    if isinstance(stored, dict) and stored.get("format") == FORMAT and stored.get("key") == key and "data" in stored:
        return True, stored["data"]
    return False, None


def _write(path: Path, key: str, data: Any) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_text(json.dumps({"format": FORMAT, "key": key, "data": data}, separators=(",", ":")),
                             encoding="utf-8")
        os.replace(temporary, path)  # atomic: a concurrent reader sees the old form or the new one
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def compiled(source: Path, kind: str, key: str, build: Callable[[], Any]) -> Any:
    """`build()`, or the compiled form of it stored under `key` (the content hash of its inputs)."""
    path = cache_path(source, kind)
    found, data = _read(path, key)
    if found:
        return data
    data = build()
    if json_exact(data):
        _write(path, key, data)
    return data


_DIGESTS = "opencheck-file-digests-1"
_RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same time stamp: not remembered
_digest_memo: dict[str, Any] = {}


def _digests_path() -> Path:
    return Path(__file__).parent / "__pycache__" / "file-digests.json"


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, remembered by its size and modification time as Python's bytecode remembers
    its source: the licence data a check keys its compiled forms by (1.5 MB, the SPDX index among it) is hashed
    once, not at every start. A file edited, replaced or reinstalled gets a new time and is hashed afresh."""
    import time

    from opencheck.digests import sha256

    info = path.stat()
    stamp = [info.st_size, info.st_mtime_ns]
    if not _digest_memo:
        found, stored = _read(_digests_path(), _DIGESTS)
        _digest_memo.update(stored if found and isinstance(stored, dict) else {})
        _digest_memo.setdefault("", None)  # read once per process, even when empty
    known = _digest_memo.get(str(path))
    if isinstance(known, list) and len(known) == 3 and known[:2] == stamp and isinstance(known[2], str):
        return known[2]
    digest: str = sha256(path.read_bytes()).hexdigest()
    if time.time_ns() - info.st_mtime_ns > _RACY_NS:
        _digest_memo[str(path)] = [*stamp, digest]
        _write(_digests_path(), _DIGESTS, {k: v for k, v in _digest_memo.items() if k})
    return digest
