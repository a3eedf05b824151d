"""Git facts from real repositories made with gitpython in tmp_path."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from opencheck.evidence import Problem
from opencheck.sources.git_info import read_git, strip_credentials


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
    assert info.checkpoint_branches == []  # which branches are checkpoints is for detect/ to say
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


def test_remote_tracking_branches(tmp_path: Path, repo: git.Repo) -> None:
    clone = git.Repo.clone_from(repo.working_tree_dir, tmp_path / "clone")
    info = read_git(Path(clone.working_tree_dir))
    assert {"origin/step1000", "origin/checkpoint-500", "origin/feature/docs"} <= set(info.branches)


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


# --- Nothing outside the checked folder is read through git metadata (issue 20, class 1 root and class 6) ---

CANARY = "hf_CANARYtoken0123456789abcdef"


def _problems(root: Path) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    return read_git(root, problems), problems


@pytest.mark.parametrize("section", ['[include]\n\tpath = {path}\n', '[includeIf "gitdir:/"]\n\tpath = {path}\n'])
def test_config_includes_are_never_followed(tmp_path: Path, repo: git.Repo, section: str) -> None:
    # Fixed: gitpython's config reader followed the include; a parse error quoted the outside file's lines.
    secret = tmp_path / "secrets.env"
    secret.write_text(f'HF_TOKEN={CANARY}\n[remote "leak"]\n\turl = https://x/{CANARY}\n')
    root = Path(repo.working_tree_dir)
    with open(root / ".git" / "config", "a") as handle:
        handle.write(section.format(path=secret))
    info, problems = _problems(root)
    assert info is not None and info.commit == repo.head.commit.hexsha and info.dirty is False
    assert "leak" not in info.remotes and info.remotes["origin"] == "https://huggingface.co/org/model"
    assert CANARY not in repr(info) + repr(problems)


def test_include_canary_never_reaches_any_output_format(tmp_path: Path, repo: git.Repo) -> None:
    from tests.clirunner import run_cli

    secret = tmp_path / "environ"
    secret.write_text(f"GITHUB_TOKEN={CANARY}\0HF_TOKEN={CANARY}\0")  # like /proc/self/environ: not git config
    root = Path(repo.working_tree_dir)
    with open(root / ".git" / "config", "a") as handle:
        handle.write(f"[include]\n\tpath = {secret}\n")
    for fmt in ("text", "json", "markdown", "html", "sarif", "junit", "badge"):
        result = run_cli(["check", str(root), "-p", "mof", "-f", fmt])
        assert result.code == 0, result.err
        assert CANARY not in result.out + result.err, fmt
        assert "GITHUB_TOKEN" not in result.out + result.err, fmt


def _read_git_in_child(root: Path) -> list[str]:
    """read_git in a fresh interpreter under a timeout: a blocking open would hang it, not the test run."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from opencheck.sources.git_info import read_git; p = []; "
            "i = read_git(Path(sys.argv[1]), p); print(i is not None); [print(x.message) for x in p]")
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("where", ["commondir", "common-config", "include"])
def test_indirection_to_a_fifo_returns_promptly(tmp_path: Path, repo: git.Repo, where: str) -> None:
    import os

    root = Path(repo.working_tree_dir)
    dot_git = root / ".git"
    if where == "commondir":
        os.mkfifo(root / "pipe")
        (dot_git / "commondir").write_text("../pipe\n")
    elif where == "common-config":
        common = root / "common"
        common.mkdir()
        os.mkfifo(common / "config")
        (dot_git / "commondir").write_text("../common\n")
    else:
        os.mkfifo(tmp_path / "pipe")
        with open(dot_git / "config", "a") as handle:
            handle.write(f"[include]\n\tpath = {tmp_path / 'pipe'}\n")
    lines = _read_git_in_child(root)
    if where == "include":
        assert lines == ["True"]  # the include is ignored, the rest is read
    else:
        assert lines[0] == "False" and len(lines) == 2 and "git facts skipped" in lines[1]


def test_gitdir_file_pointing_outside_is_not_followed(tmp_path: Path, repo: git.Repo) -> None:
    outside = Path(repo.working_tree_dir)
    model = tmp_path / "checked"
    model.mkdir()
    (model / ".git").write_text(f"gitdir: {outside / '.git'}\n")
    info, problems = _problems(model)
    assert info is None
    assert len(problems) == 1 and "outside the checked folder" in problems[0].message
    (model / ".git").write_text("gitdir: ../model/.git\n")  # relative, still outside
    info, problems = _problems(model)
    assert info is None and "outside the checked folder" in problems[0].message


def test_gitdir_file_inside_the_folder_is_followed(tmp_path: Path, repo: git.Repo) -> None:
    root, commit = Path(repo.working_tree_dir), repo.head.commit.hexsha
    (root / ".git").rename(root / "meta")
    (root / ".git").write_text("gitdir: meta\n")
    info, problems = _problems(root)
    assert info is not None and info.commit == commit and problems == []


def test_symlinked_git_folder_is_not_followed(tmp_path: Path, repo: git.Repo) -> None:
    import os

    model = tmp_path / "checked"
    model.mkdir()
    os.symlink(Path(repo.working_tree_dir) / ".git", model / ".git")
    info, problems = _problems(model)
    assert info is None and len(problems) == 1 and "symbolic link" in problems[0].message


@pytest.mark.parametrize("where", ["commondir", "alternates"])
def test_commondir_or_alternates_outside_is_not_followed(tmp_path: Path, repo: git.Repo, where: str) -> None:
    other = _repo(tmp_path / "other")
    root = Path(repo.working_tree_dir)
    if where == "commondir":
        (root / ".git" / "commondir").write_text(f"{other.git_dir}\n")
    else:
        (root / ".git" / "objects" / "info" / "alternates").write_text(f"{Path(other.git_dir) / 'objects'}\n")
    info, problems = _problems(root)
    assert info is None
    assert len(problems) == 1 and f"{where} points outside the checked folder" in problems[0].message


def test_malformed_config_is_named_by_line_never_quoted(repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir)
    with open(root / ".git" / "config", "a") as handle:
        handle.write(f"{CANARY} garbage [\n")
    info, problems = _problems(root)
    assert info is None
    assert len(problems) == 1 and "config line" in problems[0].message and CANARY not in problems[0].message


def test_alternates_of_an_alternate_outside_is_not_followed(tmp_path: Path, repo: git.Repo) -> None:
    # git follows alternates transitively: one inside the folder that lists one outside would read outside.
    other = _repo(tmp_path / "other")
    root = Path(repo.working_tree_dir)
    shared = root / "shared-objects"
    (shared / "info").mkdir(parents=True)
    (shared / "info" / "alternates").write_text(f"{Path(other.git_dir) / 'objects'}\n")
    (root / ".git" / "objects" / "info" / "alternates").write_text("../../shared-objects\n")
    info, problems = _problems(root)
    assert info is None
    assert len(problems) == 1 and "alternates points outside the checked folder" in problems[0].message
    (shared / "info" / "alternates").write_text(f"{root / '.git' / 'objects'}\n")  # a cycle inside: fine
    info, problems = _problems(root)
    assert info is not None and info.commit == repo.head.commit.hexsha and problems == []


def test_config_reader_follows_git_syntax(tmp_path: Path) -> None:
    from opencheck.sources.git_info import read_config_entries

    config = tmp_path / "config"
    config.write_bytes(
        b'\xef\xbb\xbf[core]\n\tbare = false\n; comment\n[remote "we\\"ird"]\n\turl = "https://h/x" # note\n'
        b"[Remote.other]\n\tURL = https://h/\\\n  y\n\tflag\n[include]\n\tpath = /etc/passwd\n")
    assert read_config_entries(config) == [
        ("core.bare", "false"), ('remote.we"ird.url', "https://h/x"), ("remote.other.url", "https://h/  y"),
        ("remote.other.flag", "true"), ("include.path", "/etc/passwd")]  # listed, never followed
