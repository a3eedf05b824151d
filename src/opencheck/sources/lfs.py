"""Git LFS pointer files: what a folder cloned without `git lfs` holds where the large files should be.

A pointer is a small text file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md): a first line
`version https://git-lfs.github.com/spec/v1`, then sorted `key value` lines, among them `oid sha256:<64 hex>` and
`size <bytes>`. Only regular files under 1 KiB are opened, and at most that much is read.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from functools import lru_cache

from opencheck.evidence import FileEntry, FileKind, LfsPointer
from opencheck.file_index import FileNames, file_names

LFS_SPEC = b"version https://git-lfs.github.com/spec/v1"
MAX_POINTER_BYTES = 1024  # the spec caps pointer files at 1024 bytes
_OID = re.compile(r"^oid sha256:([0-9a-f]{64})$")
_SIZE = re.compile(r"^size (\d{1,20})$")


def parse_lfs_pointer(data: bytes) -> LfsPointer | None:
    """The pointer `data` spells, or None when it is not a valid LFS pointer."""
    if not data.startswith(LFS_SPEC) or len(data) > MAX_POINTER_BYTES:
        return None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    oid = size = None
    for line in text.splitlines()[1:]:
        if match := _OID.match(line):
            oid = match.group(1)
        elif match := _SIZE.match(line):
            size = int(match.group(1))
    return LfsPointer(oid, size) if oid is not None and size is not None else None


def read_lfs_pointer(path: str) -> LfsPointer | None:
    """The LFS pointer stored at `path`, if it is a small regular file that holds one (never blocks on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_POINTER_BYTES or info.st_size < len(LFS_SPEC):
            return None
        data = os.read(fd, MAX_POINTER_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return parse_lfs_pointer(data)


# Kinds and suffixes Git LFS usually stores: weights, checkpoints and tokenizers, plus the patterns of the Hub's
# default .gitattributes (archives, arrays, pickles, parquet, ...) and PDFs. Text the walk reads itself (cards,
# licences, configs, code) is left alone, so a folder of small source files costs no extra opens.
PROBED_KINDS = frozenset({FileKind.WEIGHTS, FileKind.WEIGHTS_INDEX, FileKind.CHECKPOINT, FileKind.TOKENIZER})
LFS_SUFFIXES = (".7z", ".arrow", ".bin", ".bz2", ".ckpt", ".ftz", ".gz", ".h5", ".joblib", ".mlmodel", ".model",
                ".msgpack", ".npy", ".npz", ".onnx", ".ot", ".parquet", ".pb", ".pickle", ".pkl", ".pt", ".pth",
                ".rar", ".safetensors", ".tar", ".tflite", ".tgz", ".wasm", ".xz", ".zip", ".zst", ".gguf", ".pdf")


_LFS_SUFFIX_SET = frozenset(LFS_SUFFIXES)  # each one dot and what follows it: the last dot's suffix is tested


def _probed_name(lower: str) -> bool:
    """A lower-case path whose file name is one Git LFS usually stores (no split of the path in the usual case)."""
    return lower[lower.rfind("."):] in _LFS_SUFFIX_SET or (
        "tfevents" in lower and "tfevents" in lower.rpartition("/")[2])


MAX_PROBES = 20_000


@lru_cache(maxsize=1)
def _probed_in_paths() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a lower-case path of file_index's text may pass `_probed_name`: an LFS suffix at its end, tfevents."""
    # Two searches, each starting at a literal, rather than one that tries at every "t"; the suffixes grouped by
    # their first letter, so that the ".py" of every source file fails after one test of a few letters.
    by_letter: dict[str, list[str]] = {}
    for suffix in sorted(_LFS_SUFFIX_SET):
        by_letter.setdefault(suffix[1], []).append(re.escape(suffix[2:]))
    suffixes = "|".join(f"{re.escape(letter)}(?:{'|'.join(rest)})" for letter, rest in by_letter.items())
    from opencheck.compiled_forms import program_regex

    return program_regex(rf"\.(?:{suffixes})$", re.MULTILINE), re.compile("tfevents")


def find_lfs_pointers(entries: list[FileEntry], real_path: Callable[[str], str],
                      names: FileNames | None = None) -> dict[str, LfsPointer]:
    """The files among `entries` that are LFS pointers (by content, small files of the usual LFS kinds only)."""
    found: dict[str, LfsPointer] = {}
    probes = 0
    names = names or file_names(entries)
    # The files of the probed kinds and those whose path the name rule may accept (one search of every path),
    # in list order: the rest, a big tree's source files, are not looked at one by one.
    probed_kinds = PROBED_KINDS
    by_suffix, by_tfevents = _probed_in_paths()
    candidates = sorted({*names.candidates(by_suffix), *names.candidates(by_tfevents),
                         *(i for i, entry in enumerate(entries) if entry.kind in probed_kinds)})
    for index in candidates:
        entry = entries[index]
        # Kind and name first: a local file's size costs a stat (sources/local_walk.py).
        if entry.kind not in probed_kinds and not _probed_name(entry.path.lower()):
            continue
        if not len(LFS_SPEC) <= entry.size <= MAX_POINTER_BYTES:
            continue
        probes += 1
        if probes > MAX_PROBES:
            break
        pointer = read_lfs_pointer(real_path(entry.path))
        if pointer is not None:
            found[entry.path] = pointer
    return found
