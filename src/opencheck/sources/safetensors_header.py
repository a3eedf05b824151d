"""Read what a safetensors file says about its tensors from its header alone, never its tensor data.

Also home of the small capped-read helper every local reader uses: it opens only regular files, without
following a final symlink and without blocking on FIFOs.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opencheck.evidence import Problem, Provenance
from opencheck.untrusted_json import loads_untrusted

MAX_HEADER_BYTES = 100_000_000  # the safetensors library itself refuses headers above 100 MB
MAX_INDEX_BYTES = 50_000_000
MAX_ELEMENTS = 2**64  # elements of one tensor: more than any file could hold
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path is a FIFO, device, socket or directory, so it was not read."""


def open_regular(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """Open a regular file read-only (no final-symlink following, never blocking); return fd and its stat."""
    # O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; fstat then rejects it.
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes, int]:
    """Read at most `max_bytes` from a regular file; return (data, size of the whole file)."""
    fd, info = open_regular(path)
    try:
        chunks: list[bytes] = []
        remaining = min(max_bytes, info.st_size) if info.st_size else max_bytes
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(fd)


@dataclass
class SafetensorsSummary:
    """Tensor counts from one safetensors header."""

    path: str
    parameters: int = 0
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype -> parameter count
    tensors: int = 0
    metadata: dict[str, str] = field(default_factory=dict)  # the free-form `__metadata__` strings


@dataclass
class ShardIndex:
    """A sharded-weights index (`*.safetensors.index.json`)."""

    path: str
    total_size: int | None = None  # bytes of tensor data, as the index states it
    shards: list[str] = field(default_factory=list)
    tensors: int = 0


def _problem(code: str, message: str, display: str) -> Problem:
    return Problem(code, message, Provenance(file=display))


def _element_count(shape: list[int]) -> int | None:
    """The product of `shape`, or None past 2^64: no file holds more, and a product of hostile dimensions could
    grow past what `str()` writes (4,300 digits) or take quadratic time to build."""
    count = 1
    for dim in shape:
        count *= dim
        if count > MAX_ELEMENTS:
            return None
    return count


def summarise_header(
    header: Any, display: str, data_size: int | None = None
) -> tuple[SafetensorsSummary | None, list[Problem]]:
    """Count parameters per dtype from a decoded header; `data_size` (bytes after it) checks offsets."""
    if not isinstance(header, dict):
        return None, [_problem("safetensors-invalid", "safetensors header is not a JSON object", display)]
    summary = SafetensorsSummary(path=display)
    problems: list[Problem] = []
    largest_end = 0
    for name, info in header.items():
        if name == "__metadata__":
            if isinstance(info, dict):
                summary.metadata = {str(k): str(v) for k, v in info.items() if isinstance(v, str)}
            continue
        if not isinstance(info, dict):
            return None, [_problem("safetensors-invalid", f"tensor entry {name!r} is not an object", display)]
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if (
            not isinstance(dtype, str)
            or not isinstance(shape, list)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
        ):
            return None, [_problem("safetensors-invalid", f"tensor {name!r} has no valid dtype/shape", display)]
        count = _element_count(shape)
        if count is None:
            return None, [_problem("safetensors-invalid", f"tensor {name!r} claims more than 2^64 elements", display)]
        summary.parameters += count
        summary.dtypes[dtype] = summary.dtypes.get(dtype, 0) + count
        summary.tensors += 1
        if isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets):
            largest_end = max(largest_end, offsets[1])
    if data_size is not None and largest_end > data_size:
        problems.append(
            _problem(
                "safetensors-truncated",
                f"tensor data ends at byte {largest_end} but only {data_size} bytes follow the "
                "header (incomplete download or Git LFS pointer?)",
                display,
            )
        )
    return summary, problems


def read_safetensors_header(
    path: str | os.PathLike[str], display: str | None = None, *, max_header_bytes: int = MAX_HEADER_BYTES
) -> tuple[SafetensorsSummary | None, list[Problem]]:
    """Read the 8-byte length and the JSON header of a safetensors file and summarise it."""
    shown = display if display is not None else str(path)
    try:
        fd, info = open_regular(path)
    except OSError as exc:
        return None, [_problem("unreadable", f"cannot read safetensors file: {exc.strerror or exc}", shown)]
    try:
        size = info.st_size
        prefix = os.read(fd, 8)
        if len(prefix) < 8:
            return None, [
                _problem("safetensors-invalid", f"file is {size} bytes, too short for a safetensors header", shown)
            ]
        (length,) = struct.unpack("<Q", prefix)
        # Check the claimed length before allocating anything: a hostile header may claim 2**60 bytes.
        if length > max_header_bytes or length > size - 8:
            return None, [
                _problem(
                    "safetensors-invalid",
                    f"header claims {length} bytes (file has {size - 8} after the length field, "
                    f"limit {max_header_bytes}); not read",
                    shown,
                )
            ]
        raw = b""
        while len(raw) < length:
            chunk = os.read(fd, length - len(raw))
            if not chunk:
                break
            raw += chunk
    except OSError as exc:
        return None, [_problem("unreadable", f"cannot read safetensors header: {exc.strerror or exc}", shown)]
    finally:
        os.close(fd)
    if len(raw) < length:
        return None, [_problem("safetensors-invalid", "file ended inside the safetensors header", shown)]
    try:
        header = loads_untrusted(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, [_problem("safetensors-invalid", f"safetensors header is not valid JSON: {exc}", shown)]
    return summarise_header(header, shown, size - 8 - length)


def parse_safetensors_index(
    data: bytes | str, display: str, *, max_bytes: int = MAX_INDEX_BYTES
) -> tuple[ShardIndex | None, list[Problem]]:
    """Parse a sharded-weights index: `metadata.total_size` and the shard names of `weight_map`."""
    if len(data) > max_bytes:
        return None, [_problem("weights-index-invalid", f"index is larger than {max_bytes} bytes; not read", display)]
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        document = loads_untrusted(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, [_problem("weights-index-invalid", f"weights index is not valid JSON: {exc}", display)]
    if not isinstance(document, dict) or not isinstance(document.get("weight_map"), dict):
        return None, [_problem("weights-index-invalid", "weights index has no `weight_map` object", display)]
    index = ShardIndex(path=display)
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        total = metadata.get("total_size")
        if isinstance(total, (int, float)) and not isinstance(total, bool) and total >= 0:
            index.total_size = int(total)
    shards: set[str] = set()
    for shard in document["weight_map"].values():
        index.tensors += 1
        if isinstance(shard, str):
            shards.add(shard)
    index.shards = sorted(shards)
    return index, []


def read_safetensors_index(
    path: str | os.PathLike[str], display: str | None = None, *, max_bytes: int = MAX_INDEX_BYTES
) -> tuple[ShardIndex | None, list[Problem]]:
    """Read and parse a sharded-weights index file with a size cap."""
    shown = display if display is not None else str(Path(path))
    try:
        data, _size = read_capped(path, max_bytes + 1)
    except OSError as exc:
        return None, [_problem("unreadable", f"cannot read weights index: {exc.strerror or exc}", shown)]
    return parse_safetensors_index(data, shown, max_bytes=max_bytes)
