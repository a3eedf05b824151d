"""Intermediate checkpoints: checkpoint folders and files, git branches and Hub branches named like checkpoints."""

from __future__ import annotations

from opencheck.detect.unique import add_unique
from opencheck.evidence import Evidence, FileEntry, FileKind, Provenance
from opencheck.sources.checkpoints import checkpoint_convention, is_checkpoint_branch
from opencheck.sources.file_kinds import checkpoint_root


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
    """Add the intermediate checkpoints to `evidence.checkpoints`, each once."""
    add_unique(evidence.checkpoints, intermediate_checkpoints(evidence), lambda item: item[0])
