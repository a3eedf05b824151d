"""Raw evidence from a local model folder: walk it safely, read the few small text files that matter.

Safety rules: the walk is iterative (any nesting depth), symlinks are never followed out of the folder,
special files (FIFOs, devices, sockets) are never opened, weight files are only stat-ed (safetensors headers
excepted), and every read is capped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from opencheck.errors import InputError, UsageError
from opencheck.evidence import Evidence, FileEntry, FileKind, ParsedConfig, Problem, Provenance, Target, TargetKind
from opencheck.file_index import FileNames, file_names, index_by_kind
from opencheck.sources.card import parse_card
from opencheck.sources.git_info import read_git
from opencheck.sources.local_walk import Walk, problem, walk_folder
from opencheck.sources.safetensors_header import (
    ShardIndex,
    read_capped,
    read_safetensors_header,
    read_safetensors_index,
)

MAX_LICENCE_BYTES = 256 * 1024
MAX_LICENCE_FILES = 50
MAX_CONFIG_BYTES = 5_000_000
MAX_TRAINING_CONFIG_BYTES = 1_000_000
MAX_TRAINING_CONFIGS = 100
MAX_SAFETENSORS_HEADERS = 5_000
_CARD_NAMES = ("README.md", "readme.md", "Readme.md", "README.markdown", "README")
_VARIANT_INFIXES = (".fp16.", ".bf16.", ".fp32.", ".int8.", ".int4.", ".fp8.")


def _read_text(walk: Walk, rel: str, cap: int, code: str) -> tuple[str | None, bool]:
    """Read a capped text file; (text or None, truncated?). Undecodable or binary text is a problem."""
    try:
        data, size = read_capped(walk.real_path(rel), cap)
    except OSError as exc:
        problem(walk, "unreadable", f"cannot read: {exc.strerror or exc}", rel)
        return None, False
    if b"\0" in data:
        problem(walk, code, "file is binary, not text", rel)
        return None, False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if size > cap and exc.start >= len(data) - 4:
            text = data[: exc.start].decode("utf-8-sig")  # the cap cut a multi-byte character in two
        else:
            problem(walk, code, f"file is not UTF-8 text (byte {exc.start})", rel)
            return None, False
    return text, size > cap


def _read_card(evidence: Evidence, walk: Walk, max_card_bytes: int) -> None:
    cards = {e.path: e for e in walk.by_kind.get(FileKind.MODEL_CARD, ())}  # README.md and the like, at the root
    name = next((n for n in _CARD_NAMES if n in cards), None)
    if name is None:
        return
    entry = cards[name]
    if entry.size > max_card_bytes:
        problem(
            walk,
            "card-too-large",
            f"model card is {entry.size} bytes, over the {max_card_bytes}-byte limit; not read",
            name,
            "error",
        )
        return
    text, _truncated = _read_text(walk, name, max_card_bytes, "card-not-text")
    if text is None:
        return
    card, problems = parse_card(text, name)
    evidence.card = card
    walk.problems.extend(problems)


def _read_licences(evidence: Evidence, walk: Walk) -> None:
    licence_files = walk.by_kind.get(FileKind.LICENSE, [])[:MAX_LICENCE_FILES]
    for entry in licence_files:
        text, truncated = _read_text(walk, entry.path, MAX_LICENCE_BYTES, "licence-not-text")
        if text is None:
            continue
        if truncated:
            problem(
                walk,
                "licence-truncated",
                f"only the first {MAX_LICENCE_BYTES} bytes were read",
                entry.path,
                "info",
            )
        evidence.licence_texts[entry.path] = text


def _read_config(evidence: Evidence, walk: Walk, name: str = "config.json") -> None:
    """Read a top-level JSON config (config.json, or a PEFT adapter's adapter_config.json) into the evidence."""
    from opencheck.yaml_loading import load_json_text

    if not any(e.path == name for e in walk.by_kind.get(FileKind.CONFIG, ())):
        return
    text, truncated = _read_text(walk, name, MAX_CONFIG_BYTES, "config-invalid")
    if text is None:
        return
    if truncated:
        problem(
            walk,
            "config-invalid",
            f"{name} is larger than {MAX_CONFIG_BYTES} bytes; not read",
            name,
        )
        return
    try:
        document = load_json_text(text, name, max_bytes=MAX_CONFIG_BYTES)
    except InputError as exc:
        walk.problems.append(Problem("config-invalid", str(exc), Provenance(file=name)))
        return
    if not isinstance(document.data, dict):
        problem(walk, "config-invalid", f"{name} is not a JSON object", name)
    elif name == "config.json":
        evidence.config = document.data
    else:
        evidence.adapter_config = document.data


def _read_training_configs(evidence: Evidence, walk: Walk) -> None:
    from opencheck.yaml_loading import load_json_text, load_yaml

    configs = [e for e in walk.by_kind.get(FileKind.TRAINING_CONFIG, ())
               if e.path.lower().endswith((".yaml", ".yml", ".json"))][:MAX_TRAINING_CONFIGS]
    for entry in configs:
        if entry.size > MAX_TRAINING_CONFIG_BYTES:
            problem(
                walk,
                "config-too-large",
                f"training config over {MAX_TRAINING_CONFIG_BYTES} bytes; not read",
                entry.path,
                "info",
            )
            continue
        text, _truncated = _read_text(walk, entry.path, MAX_TRAINING_CONFIG_BYTES, "config-invalid")
        if text is None:
            continue
        try:
            if entry.path.lower().endswith(".json"):
                document = load_json_text(text, entry.path, max_bytes=MAX_TRAINING_CONFIG_BYTES)
            else:
                document = load_yaml(text, entry.path, max_bytes=MAX_TRAINING_CONFIG_BYTES)
        except InputError as exc:
            walk.problems.append(Problem("config-invalid", str(exc), Provenance(file=entry.path)))
            continue
        evidence.training_configs.append(ParsedConfig(entry.path, document.data, document.line_of))


def _final_safetensors(walk: Walk) -> list[FileEntry]:
    """Final-weight safetensors files, without precision variants that duplicate another file."""
    files = [e for e in walk.by_kind.get(FileKind.WEIGHTS, ()) if e.path.endswith(".safetensors")]
    folders_with_plain = {
        e.path.rsplit("/", 1)[0] if "/" in e.path else ""
        for e in files
        if not any(v in e.path.rsplit("/", 1)[-1] for v in _VARIANT_INFIXES)
    }
    kept = []
    for entry in files:
        folder = entry.path.rsplit("/", 1)[0] if "/" in entry.path else ""
        is_variant = any(v in entry.path.rsplit("/", 1)[-1] for v in _VARIANT_INFIXES)
        if not (is_variant and folder in folders_with_plain):
            kept.append(entry)
    return kept


def _file_key(path: str) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a file, so that one real file reached by several names is read once."""
    try:
        info = os.stat(path)
    except OSError:
        return None  # the reader that follows reports why
    return info.st_dev, info.st_ino


def _read_weights(evidence: Evidence, walk: Walk) -> None:
    weights = evidence.weights
    weights.files = [e.path for e in walk.by_kind.get(FileKind.WEIGHTS, ())]
    present: set[str] | None = None  # every listed path, gathered only if an index names shards
    indexes: dict[tuple[int, int], ShardIndex | None] = {}  # each real index file parsed once (symlinks)
    for entry in (e for e in walk.by_kind.get(FileKind.WEIGHTS_INDEX, ()) if e.path not in evidence.lfs_pointers):
        key = _file_key(walk.real_path(entry.path))
        if key is not None and key in indexes:
            index = indexes[key]
        else:
            index, problems = read_safetensors_index(walk.real_path(entry.path), entry.path)
            walk.problems.extend(problems)
            if key is not None:
                indexes[key] = index
        if index is None:
            continue
        folder = entry.path.rsplit("/", 1)[0] + "/" if "/" in entry.path else ""
        present = {e.path for e in walk.entries} if present is None else present
        missing = [s for s in index.shards if f"{folder}{s}" not in present]
        if missing:
            problem(
                walk,
                "weights-shard-missing",
                f"{len(missing)} of {len(index.shards)} shards named in the "
                f"index are not in the folder (first: {missing[0]})",
                entry.path,
            )
    total = 0
    dtypes: dict[str, int] = {}
    read = 0
    # Symlinks (and hard links) inside the folder may name one real file many times: parse each real file
    # once, and count its parameters once. Keyed by (st_dev, st_ino), as the walk keys folders.
    seen_files: set[tuple[int, int]] = set()
    for entry in _final_safetensors(walk):
        if entry.path in evidence.lfs_pointers:
            continue  # a pointer is text, not a header: its weights are published, just not checked out
        if len(seen_files) >= MAX_SAFETENSORS_HEADERS:
            break
        key = _file_key(walk.real_path(entry.path))
        if key is not None:
            if key in seen_files:
                continue
            seen_files.add(key)
        summary, problems = read_safetensors_header(walk.real_path(entry.path), entry.path)
        walk.problems.extend(problems)
        if summary is None:
            continue
        read += 1
        total += summary.parameters
        for dtype, count in summary.dtypes.items():
            dtypes[dtype] = dtypes.get(dtype, 0) + count
    if read:
        weights.parameters = total
        weights.dtypes = dtypes
        weights.provenance = Provenance(
            file=_final_safetensors(walk)[0].path, note=f"parameters summed from {read} safetensors header(s)"
        )


MAX_LFS_PROBLEMS = 50


def _mark_lfs_pointers(evidence: Evidence, walk: Walk, names: FileNames) -> None:
    """Record LFS pointer files: their entry takes the published size and sha256; they are never parsed."""
    from dataclasses import replace

    from opencheck.sources.lfs import find_lfs_pointers

    pointers = find_lfs_pointers(walk.entries, walk.real_path, names)
    if not pointers:
        return
    evidence.lfs_pointers = pointers
    walk.entries = [replace(e, size=pointers[e.path].size, sha256=pointers[e.path].oid) if e.path in pointers
                    else e for e in walk.entries]
    for path in sorted(pointers)[:MAX_LFS_PROBLEMS]:
        problem(walk, "lfs-pointer", pointers[path].describe(), path, "info")
    if len(pointers) > MAX_LFS_PROBLEMS:
        problem(walk, "lfs-pointer", f"{len(pointers) - MAX_LFS_PROBLEMS} more Git LFS pointer files; run "
                 "`git lfs pull` to fetch their content", ".", "info")


def read_local(root: Path, *, max_files: int = 1_000_000, max_card_bytes: int = 2_000_000,
               mark_files: Callable[[list[FileEntry], FileNames], list[FileEntry]] | None = None) -> Evidence:
    """Read raw evidence from a local folder (never executing or unpickling anything in it); detect/ interprets it.

    `mark_files` (collect.py passes detect/checkpoints.py's) may change the kinds of the listed files before any
    is read: a file it marks as a checkpoint is then not read as a licence, a config or the final weights. It is
    given the files and their FileNames, returns the same paths in the same order, and marks a marked list no more.
    """
    try:
        root_real = os.path.realpath(root)
        if not os.path.isdir(root_real):
            raise UsageError(f"{root}: not a folder")
    except OSError as exc:
        raise UsageError(f"{root}: cannot open folder: {exc.strerror or exc}") from None
    name = Path(root_real).name or str(root_real)
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id=name, path=str(root)))
    try:
        walk = walk_folder(root_real, max_files)
    except OSError as exc:
        raise UsageError(f"{root}: cannot read folder: {exc.strerror or exc}") from None
    names = file_names(walk.entries)  # paths split once for the passes below and the detectors'
    if mark_files is not None:
        walk.entries = mark_files(walk.entries, names)
    _mark_lfs_pointers(evidence, walk, names)
    evidence.files = walk.entries
    evidence.knows_from_files(file_names, names)  # marking and LFS sizes left every path where it was
    # One pass: each reader below looks only at the kinds it reads, and so do the detectors (the same index).
    walk.by_kind = index_by_kind(walk.entries)
    evidence.knows_from_files(index_by_kind, walk.by_kind)
    if mark_files is not None:
        # Marking a marked list changes nothing (LFS entries keep their kind): the detector need not mark again.
        evidence.knows_from_files(mark_files, walk.entries)
    _read_card(evidence, walk, max_card_bytes)
    _read_licences(evidence, walk)
    _read_config(evidence, walk)
    _read_config(evidence, walk, "adapter_config.json")  # names the base model of a PEFT adapter
    _read_training_configs(evidence, walk)
    _read_weights(evidence, walk)
    evidence.git = read_git(Path(root_real), walk.problems)
    if evidence.git is not None:
        evidence.target.resolved_sha = evidence.git.commit
    evidence.problems.extend(walk.problems)
    return evidence
