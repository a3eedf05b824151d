"""Intermediate checkpoints: checkpoint folders and files, git branches and Hub branches named like checkpoints.

Sources report file paths and branch names as they are; this module decides, with the one table of naming
conventions (detect/checkpoint_names.py), which files and branches are checkpoints.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from opencheck.detect.checkpoint_names import (
    CHECKPOINT_CONTAINERS,
    checkpoint_convention,
    checkpoint_root,
    is_checkpoint_branch,
    is_checkpoint_name,
)
from opencheck.detect.unique import add_unique
from opencheck.evidence import Evidence, FileEntry, FileKind, GitInfo, Provenance
from opencheck.file_index import FileNames, file_names

_KEPT = (FileKind.CHECKPOINT, FileKind.MANIFEST)  # already a checkpoint, or never one


@lru_cache(maxsize=8192)
def _folder_holds_checkpoints(folder: str) -> tuple[bool, bool]:
    """(a folder on the way is named like a checkpoint, a folder on the way is a checkpoint container)."""
    parts = [p.lower() for p in folder.split("/") if p and p != "."]
    return any(is_checkpoint_name(p) for p in parts), any(p in CHECKPOINT_CONTAINERS for p in parts)


def mark_checkpoint_files(files: list[FileEntry], names: FileNames | None = None) -> list[FileEntry]:
    """`files` with every checkpoint file's kind set to CHECKPOINT (the same list when there is none).

    A checkpoint file is any file under a folder named like a checkpoint (`checkpoint-500/config.json`), or a
    weight file under a checkpoint container (`checkpoints/model-epoch3.pt`). The local source calls this
    (through collect.py) before it reads anything, so that no checkpoint is read as the final model; it passes the
    list's `names` (file_index.file_names), which it has already.
    """
    marked: list[FileEntry] | None = None
    weights = FileKind.WEIGHTS
    for folder, first, end in (names or file_names(files)).runs:  # a folder is judged once for its run of files
        if not folder:
            continue  # files at the root are never in a checkpoint
        named, contained = _folder_holds_checkpoints(folder)
        if not (named or contained):
            continue  # the usual folder: no look at its files
        for index in range(first, end):
            entry = files[index]
            if (named or entry.kind == weights) and entry.kind not in _KEPT:
                if marked is None:
                    marked = list(files)
                marked[index] = replace(entry, kind=FileKind.CHECKPOINT)
    return files if marked is None else marked


def checkpoint_branches(git: GitInfo) -> list[str]:
    """The git branches named like checkpoints, each once: `step1000` rather than its `origin/step1000` twin."""
    short: dict[str, str] = {}
    remote_prefixes = tuple(f"{remote}/" for remote in git.remotes)
    for name in sorted(git.branches, key=lambda n: (n.startswith(remote_prefixes), n)):
        if is_checkpoint_branch(name):
            short.setdefault(name.rsplit("/", 1)[-1], name)
    return sorted(short.values())


def _convention(ref: str) -> str:
    """` (OLMo steps and tokens)`: which documented convention a checkpoint branch follows (docs/detection.md)."""
    convention = checkpoint_convention(ref.rsplit("/", 1)[-1])
    return f" ({convention.name})" if convention else ""


def _checkpoint_folders(evidence: Evidence) -> list[tuple[str, Provenance]]:
    found: list[tuple[str, Provenance]] = []
    groups: dict[str, list[FileEntry]] = {}
    for entry in evidence.files_of(FileKind.CHECKPOINT):
        # Files of one checkpoint folder count once; a loose checkpoint file counts on its own.
        folder = checkpoint_root(entry.path) or entry.path
        groups.setdefault(folder, []).append(entry)
    for folder, entries in sorted(groups.items()):
        note = f"{len(entries)} file(s) in a checkpoint folder"
        pointers = [e for e in entries if e.path in evidence.lfs_pointers]
        if len(pointers) == 1 and len(entries) == 1:
            note = evidence.lfs_pointers[pointers[0].path].describe()
        elif pointers:
            note += f"; {len(pointers)} published through Git LFS, content not in this checkout"
        found.append((folder, Provenance(file=folder, note=note)))
    return found


def intermediate_checkpoints(evidence: Evidence) -> list[tuple[str, Provenance]]:
    """(folder or branch, where) for each intermediate checkpoint the files, git or the Hub's branches show."""
    found = _checkpoint_folders(evidence)
    if evidence.git is not None:
        for branch in evidence.git.checkpoint_branches:
            found.append((branch, Provenance(key="git branch", note=f"git branch '{branch}'{_convention(branch)}")))
    branches = evidence.hub.get("branches")
    if isinstance(branches, list):
        for branch in branches:
            name = branch.get("name") if isinstance(branch, dict) else getattr(branch, "name", branch)
            if isinstance(name, str) and is_checkpoint_branch(name):
                found.append((name, Provenance(key="branch", note=f"Hub branch '{name}'{_convention(name)}")))
    return found


def detect_checkpoints(evidence: Evidence) -> None:
    """Mark checkpoint files and git branches, then add the intermediate checkpoints to `evidence.checkpoints`."""
    # Runs before every detector that reads file kinds (see the registry), so they all see CHECKPOINT.
    # Once per file list: the local source has marked its list already (collect.py), Hub and hand-built lists not.
    evidence.files = evidence.from_files(mark_checkpoint_files)
    if evidence.git is not None:
        evidence.git.checkpoint_branches = checkpoint_branches(evidence.git)
    add_unique(evidence.checkpoints, intermediate_checkpoints(evidence), lambda item: item[0])
