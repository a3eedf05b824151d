"""A folder with nothing model-like in it gets one stderr line and a headline note in every format (issue 23.10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from tests.clirunner import REPO, run_cli
from tests.sources.helpers import write_safetensors

from opencheck._resources import schema_path
from opencheck.detect.model_like import NOTHING_MODEL_LIKE, nothing_model_like
from opencheck.evidence import Evidence, Target, TargetKind

POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 123456\n"


def _etc_like(folder: Path) -> Path:
    """Files of a system folder: configuration, scripts, text, no model."""
    (folder / "hosts").write_text("127.0.0.1 localhost\n")
    (folder / "ssh").mkdir()
    (folder / "ssh" / "sshd_config").write_text("Port 22\n")
    (folder / "profile.d").mkdir()
    (folder / "profile.d" / "locale.sh").write_text("export LANG=C.UTF-8\n")
    (folder / "motd.txt").write_text("welcome\n")
    (folder / "settings.json").write_text("{}")
    return folder


@pytest.mark.parametrize("make", [lambda p: p, _etc_like], ids=["empty", "system-folder"])
def test_every_format_says_nothing_model_like(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    import jsonschema

    folder = make(tmp_path)
    out = {}
    for fmt in ("text", "json", "markdown", "html"):
        result = run_cli(["check", str(folder), "-p", "mof", "-f", fmt])
        assert result.code == 0, result.err  # not an error: the folder was read and graded
        assert result.err == f"opencheck: warning: {folder}: {NOTHING_MODEL_LIKE}\n"  # exactly one line
        out[fmt] = result.out
    assert out["text"].splitlines()[1] == f"note: {NOTHING_MODEL_LIKE}"
    report = json.loads(out["json"])
    assert report["notice"] == NOTHING_MODEL_LIKE
    jsonschema.validate(report, json.loads(schema_path("report.schema.json").read_text()))
    assert out["markdown"].splitlines()[2] == f"> ⚠️ **Note:** {NOTHING_MODEL_LIKE}"
    assert f'<p class="notice" role="note"><strong>Note:</strong> {NOTHING_MODEL_LIKE}</p>' in out["html"]


def _write(path: Path, data: bytes | str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


MODEL_LIKE: dict[str, Callable[[Path], None]] = {
    "card": lambda p: _write(p / "README.md", "# A model\n"),
    "config": lambda p: _write(p / "config.json", '{"model_type": "llama"}'),
    "weights": lambda p: write_safetensors(p / "model.safetensors", {"w": ("F32", [2])}),
    "gguf": lambda p: _write(p / "model.Q4_K_M.gguf", b"GGUF" + b"\0" * 60),
    "lfs-pointer": lambda p: _write(p / "pytorch_model.bin", POINTER),
    "tokenizer": lambda p: _write(p / "tokenizer.json", "{}"),
    "checkpoint-folder": lambda p: _write(p / "checkpoint-5" / "optimizer.pt", b"\0" * 8),
    "manifest": lambda p: _write(p / "opencheck.yaml", (REPO / "examples" / "open-model" / "opencheck.yaml")
                                 .read_text()),
}


@pytest.mark.parametrize("name", sorted(MODEL_LIKE))
def test_anything_model_like_gets_no_notice(tmp_path: Path, name: str) -> None:
    _etc_like(tmp_path)
    MODEL_LIKE[name](tmp_path)
    result = run_cli(["check", str(tmp_path), "-p", "mof", "-f", "json"])
    assert result.code == 0, result.err
    assert "nothing model-like" not in result.err
    assert "notice" not in json.loads(result.out)


def test_a_checkpoint_branch_alone_is_model_like(tmp_path: Path) -> None:
    repo = git.Repo.init(_etc_like(tmp_path))
    repo.index.add(["hosts"])
    actor = git.Actor("t", "t@example.org")
    repo.index.commit("init", author=actor, committer=actor)
    repo.create_head("step1000")
    result = run_cli(["check", str(tmp_path), "-p", "mof", "-f", "json"])
    assert result.code == 0 and "nothing model-like" not in result.err


def test_hub_and_manifest_targets_are_never_flagged() -> None:
    for kind in (TargetKind.HUB, TargetKind.MANIFEST):
        assert not nothing_model_like(Evidence(target=Target(kind=kind, id="org/empty")))
    assert nothing_model_like(Evidence(target=Target(kind=TargetKind.LOCAL, id="empty")))


def test_real_cli_on_an_empty_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GITHUB_"))}
    run = subprocess.run([sys.executable, "-m", "opencheck", "check", str(tmp_path), "-p", "mof"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0
    assert run.stderr.splitlines() == [f"opencheck: warning: {tmp_path}: {NOTHING_MODEL_LIKE}"]
    assert f"note: {NOTHING_MODEL_LIKE}" in " ".join(run.stdout.split())
