"""Git facts from real repositories made with gitpython in tmp_path."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from opencheck.evidence import Problem
from opencheck.sources.git_info import is_checkpoint_branch, read_git, strip_credentials


def _repo(path: Path) -> git.Repo:
    repo = git.Repo.init(path)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test")
        config.set_value("user", "email", "test@example.com")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> git.Repo:
    repo = _repo(tmp_path / "model")
    (tmp_path / "model" / "README.md").write_text("# Model\n")
    (tmp_path / "model" / "config.json").write_text("{}\n")
    repo.index.add(["README.md", "config.json"])
    repo.index.commit("initial")
    repo.create_tag("v1.0")
    repo.create_head("step1000")
    repo.create_head("checkpoint-500")
    repo.create_head("feature/docs")
    repo.create_remote("origin", "https://alice:hf_SECRETTOKEN@huggingface.co/org/model")
    repo.create_remote("mirror", "git@github.com:org/model.git")
    return repo


def test_commit_tags_branches_remotes(repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir)
    info = read_git(root)
    assert info is not None
    assert info.commit == repo.head.commit.hexsha
    assert info.dirty is False
    assert info.tags == ["v1.0"]
    assert set(info.branches) >= {"step1000", "checkpoint-500", "feature/docs"}
    assert info.checkpoint_branches == ["checkpoint-500", "step1000"]
    assert info.remotes == {"origin": "https://huggingface.co/org/model", "mirror": "git@github.com:org/model.git"}
    assert "SECRET" not in repr(info)


def test_dirty_when_tracked_file_changes_or_is_staged(repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir)
    (root / "untracked.txt").write_text("new\n")
    assert read_git(root).dirty is False  # untracked files do not count
    (root / "README.md").write_text("# Model, edited\n")
    assert read_git(root).dirty is True
    repo.index.add(["README.md"])
    assert read_git(root).dirty is True  # staged but not committed
    repo.index.commit("edit")
    assert read_git(root).dirty is False
    (root / "config.json").unlink()
    assert read_git(root).dirty is True


def test_same_size_edit_is_seen(repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir)
    import os
    import time

    (root / "config.json").write_text("[]\n")  # same size as "{}\n"
    later = time.time() + 5
    os.utime(root / "config.json", (later, later))
    assert read_git(root).dirty is True


def test_remote_tracking_checkpoint_branches(tmp_path: Path, repo: git.Repo) -> None:
    clone = git.Repo.clone_from(repo.working_tree_dir, tmp_path / "clone")
    info = read_git(Path(clone.working_tree_dir))
    assert "origin/step1000" in info.branches
    assert "origin/step1000" in info.checkpoint_branches


def test_no_commit_repo_and_non_repo(tmp_path: Path) -> None:
    _repo(tmp_path / "empty")
    info = read_git(tmp_path / "empty")
    assert info is not None and info.commit is None and info.branches == [] and info.dirty is False
    (tmp_path / "plain").mkdir()
    assert read_git(tmp_path / "plain") is None


def test_broken_repo_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / ".git").mkdir(parents=True)
    (broken / ".git" / "HEAD").write_text("garbage")
    problems: list[Problem] = []
    info = read_git(broken, problems)
    assert info is None or info.commit is None
    assert problems and all(p.code.startswith("git-") for p in problems)


def test_hostile_fsmonitor_is_never_run(tmp_path: Path, repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir)
    marker = tmp_path / "pwned"
    with repo.config_writer() as config:
        config.set_value("core", "fsmonitor", f"touch {marker}; false")
    (root / "README.md").write_text("changed\n")
    assert read_git(root).dirty is True
    assert not marker.exists()


def test_helpers() -> None:
    assert strip_credentials("https://user:tok@host/x?token=abc&a=1") == "https://host/x?a=1"
    assert strip_credentials("ssh://git@host/x") == "ssh://host/x"
    assert strip_credentials("/local/path") == "/local/path"
    assert is_checkpoint_branch("step143000") and is_checkpoint_branch("origin/global_step20")
    assert is_checkpoint_branch("ckpt-final") and not is_checkpoint_branch("main")
    assert not is_checkpoint_branch("stepwise")
