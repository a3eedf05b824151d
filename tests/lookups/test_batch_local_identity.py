"""batch re-checks a local folder when its content changes, without --refresh (issue 23 item 3)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from tests.clirunner import EXAMPLES, run_cli


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _batch(tmp: Path) -> tuple[int, int]:
    run = run_cli(["batch", "t.txt", "--db", "a.sqlite", "-p", "open-training"], cwd=tmp)
    assert run.code == 0, run.err
    conn = sqlite3.connect(tmp / "a.sqlite")
    try:
        checked, skipped = conn.execute("SELECT checked, skipped FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return checked, skipped


def _shas(tmp: Path) -> list[str]:
    conn = sqlite3.connect(tmp / "a.sqlite")
    try:
        return [row[0] for row in conn.execute("SELECT sha FROM results ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("with_git", [False, True])
def test_edited_folder_is_rechecked_unchanged_one_skipped(tmp_path: Path, with_git: bool) -> None:
    model = tmp_path / "model"
    shutil.copytree(EXAMPLES / "open-model", model)
    if with_git:
        _git(model, "init", "-q")
        _git(model, "add", "-A")
        _git(model, "commit", "-q", "-m", "first")
    (tmp_path / "t.txt").write_text(f"{model}\n", encoding="utf-8")
    assert _batch(tmp_path) == (1, 0)
    assert _batch(tmp_path) == (0, 1)  # unchanged: skipped
    readme = model / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("## Training", "## Training (edited)"),
                      encoding="utf-8")
    assert _batch(tmp_path) == (1, 0)  # edited (uncommitted): checked again without --refresh
    if with_git:
        _git(model, "commit", "-q", "-am", "second")
        assert _batch(tmp_path) == (1, 0)  # a new commit: checked again
        _git(model, "branch", "step1000")
        assert _batch(tmp_path) == (1, 0)  # a new (checkpoint) branch is a fact the rules read
    shas = _shas(tmp_path)
    assert len(set(shas)) == len(shas) and all(s.startswith("local-") for s in shas)
    assert _batch(tmp_path) == (0, 1)
