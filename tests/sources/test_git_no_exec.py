"""Reading git facts never runs a command a hostile `.git/config` names (a lazy fetch from a promisor remote)."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from opencheck.evidence import Problem
from opencheck.sources.git_info import read_git


def _partial_clone_missing_its_tree(path: Path) -> git.Repo:
    """A repository whose HEAD tree object is gone and whose config says a promisor remote can supply it."""
    repo = git.Repo.init(path)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test")
        config.set_value("user", "email", "test@example.com")
    (path / "README.md").write_text("# Model\n")
    repo.index.add(["README.md"])
    commit = repo.index.commit("initial")
    tree = commit.tree.hexsha
    (path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    with repo.config_writer() as config:
        config.set_value("core", "repositoryformatversion", "1")
        config.set_value("extensions", "partialClone", "origin")
        config.set_value('remote "origin"', "promisor", "true")
    return repo


@pytest.mark.parametrize("vector", ["ext-url", "uploadpack"])
def test_a_missing_object_does_not_fetch_from_the_promisor_remote(tmp_path: Path, vector: str) -> None:
    marker = tmp_path / "pwned"
    repo = _partial_clone_missing_its_tree(tmp_path / "model")
    with repo.config_writer() as config:
        if vector == "ext-url":  # `ext::` runs its command as the transport
            config.set_value('remote "origin"', "url", f"ext::sh -c touch% {marker}")
            config.set_value('protocol "ext"', "allow", "always")
        else:  # a local path remote starts `remote.origin.uploadpack` as the server side
            (tmp_path / "elsewhere").mkdir()
            config.set_value('remote "origin"', "url", str(tmp_path / "elsewhere"))
            config.set_value('remote "origin"', "uploadpack", f"sh -c 'touch {marker}'")
    repo.close()
    problems: list[Problem] = []
    info = read_git(tmp_path / "model", problems)
    assert not marker.exists()
    assert info is not None and info.commit is not None  # what can be read still is
    assert any("work tree is modified" in p.message for p in problems)  # the missing tree is reported
