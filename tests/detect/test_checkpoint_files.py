"""detect/ decides which files and git branches are checkpoints; the sources only list them (issue 14)."""

from __future__ import annotations

from pathlib import Path

import git
from tests.sources.helpers import write_safetensors

from opencheck.collect import collect_local
from opencheck.detect.checkpoint_names import checkpoint_root
from opencheck.detect.checkpoints import checkpoint_branches, mark_checkpoint_files
from opencheck.evidence import FileEntry, FileKind
from opencheck.sources.file_kinds import classify_path
from opencheck.sources.git_info import read_git
from opencheck.sources.local import read_local

MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"


def _kinds(*paths: str) -> dict[str, FileKind]:
    files = [FileEntry(path=p, size=1, kind=classify_path(p)) for p in paths]
    return {f.path: f.kind for f in mark_checkpoint_files(files)}


def test_files_under_checkpoint_folders_and_weights_under_containers_become_checkpoints() -> None:
    kinds = _kinds("checkpoint-500/model.safetensors", "checkpoint-500/config.json", "Step1000/sub/LICENSE",
                   "ckpts/global_step20/mp_rank_00_model_states.pt", "checkpoints/model-epoch3.safetensors",
                   "Checkpoints/x.bin", "checkpoints/notes.md", "model.safetensors", "stepwise/notes.md",
                   "opencheck.yaml")
    assert kinds == {
        "checkpoint-500/model.safetensors": FileKind.CHECKPOINT,
        "checkpoint-500/config.json": FileKind.CHECKPOINT,
        "Step1000/sub/LICENSE": FileKind.CHECKPOINT,
        "ckpts/global_step20/mp_rank_00_model_states.pt": FileKind.CHECKPOINT,
        "checkpoints/model-epoch3.safetensors": FileKind.CHECKPOINT,
        "Checkpoints/x.bin": FileKind.CHECKPOINT,
        "checkpoints/notes.md": FileKind.DOCUMENT,  # a container holds checkpoints' weights, not their notes
        "model.safetensors": FileKind.WEIGHTS,
        "stepwise/notes.md": FileKind.DOCUMENT,
        "opencheck.yaml": FileKind.MANIFEST,
    }


def test_a_list_without_checkpoints_is_returned_as_it_is() -> None:
    files = [FileEntry(path=p, size=1, kind=classify_path(p)) for p in ("model.safetensors", "src/train.py")]
    assert mark_checkpoint_files(files) is files


def test_checkpoint_root() -> None:
    assert checkpoint_root("checkpoints/step1000/model.safetensors") == "checkpoints/step1000"
    assert checkpoint_root("checkpoint-5/sub/x.bin") == "checkpoint-5"
    assert checkpoint_root("model.safetensors") is None


def test_checkpoint_branches_from_the_raw_branch_list(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path / "model")
    (tmp_path / "model" / "README.md").write_text("# M\n")
    repo.index.add(["README.md"])
    repo.index.commit("c", author=git.Actor("t", "t@e.org"), committer=git.Actor("t", "t@e.org"))
    for name in ("step1000", "checkpoint-500", "feature/docs", "stepwise"):
        repo.create_head(name)
    info = read_git(tmp_path / "model")
    assert info is not None and info.checkpoint_branches == []  # the source only lists branches
    assert checkpoint_branches(info) == ["checkpoint-500", "step1000"]
    clone = git.Repo.clone_from(str(tmp_path / "model"), tmp_path / "clone")
    clone.create_head("step1000")
    cloned = read_git(tmp_path / "clone")
    assert cloned is not None
    # The local branch stands for its remote-tracking twin; the others are reported as remote branches.
    assert checkpoint_branches(cloned) == ["origin/checkpoint-500", "step1000"]


def test_nothing_in_a_checkpoint_folder_is_read_as_the_final_model(tmp_path: Path) -> None:
    root = tmp_path / "m"
    (root / "checkpoint-500").mkdir(parents=True)
    (root / "README.md").write_text("---\nlicense: mit\n---\n# M\n")
    write_safetensors(root / "model.safetensors", {"w": ("F32", [4, 4])})
    write_safetensors(root / "checkpoint-500" / "model.safetensors", {"w": ("F32", [100, 100])})
    (root / "checkpoint-500" / "LICENSE").write_text(MIT)
    (root / "checkpoint-500" / "config.json").write_text('{"model_type": "llama"}')
    evidence = collect_local(root)
    assert evidence.weights.parameters == 16 and evidence.weights.files == ["model.safetensors"]
    assert evidence.licence_texts == {} and evidence.config == {}
    assert [name for name, _ in evidence.checkpoints] == ["checkpoint-500"]
    # Read without detect's help, the same folder is only a list of files by what each file is.
    raw = read_local(root)
    assert {f.path: f.kind for f in raw.files}["checkpoint-500/model.safetensors"] == FileKind.WEIGHTS
    assert raw.checkpoints == []
