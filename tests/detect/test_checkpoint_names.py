"""Checkpoint naming conventions: one table, each convention seen as a git branch, a Hub branch and a folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest
from tests.clirunner import REPO, run_cli
from tests.hub.helpers import collect as collect_hub
from tests.hubreplay.server import HubReplayServer

from opencheck.detect.checkpoint_names import (
    CONVENTIONS,
    checkpoint_convention,
    conventions_markdown,
    is_checkpoint_branch,
)

IDS = [c.name for c in CONVENTIONS]
ACTOR = git.Actor("t", "t@example.org")


def _checkpoints(folder: Path) -> dict:
    result = run_cli(["check", str(folder), "-p", "open-training", "-f", "json"])
    assert result.code == 0, result.err
    report = json.loads(result.out)
    rule = next(r for r in report["packs"][0]["results"] if r["rule_id"] == "OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS")
    component = next(c for c in report["components"] if c["name"] == "Model parameters (Intermediate)")
    return {"rule": rule, "component": component, "report": report}


@pytest.mark.parametrize("convention", CONVENTIONS, ids=IDS)
def test_each_example_matches_its_own_convention(convention) -> None:
    assert checkpoint_convention(convention.example) == convention
    assert checkpoint_convention(convention.example.upper()) == convention  # branch names keep their case
    assert is_checkpoint_branch(f"origin/{convention.example}")


@pytest.mark.parametrize("convention", CONVENTIONS, ids=IDS)
def test_each_convention_as_a_git_branch_through_the_cli(tmp_path: Path, convention) -> None:
    repo = git.Repo.init(tmp_path)
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n")
    repo.index.add(["README.md"])
    repo.index.commit("init", author=ACTOR, committer=ACTOR)
    repo.create_head(convention.example)
    found = _checkpoints(tmp_path)
    assert found["rule"]["status"] == "pass", found["rule"]
    assert convention.example in found["rule"]["message"]
    assert found["report"]["target"]["git"]["checkpoint_branches"] == [convention.example]
    assert found["component"]["status"] == "present"


@pytest.mark.parametrize("convention", CONVENTIONS, ids=IDS)
def test_each_convention_as_a_folder_through_the_cli(tmp_path: Path, convention) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n")
    (tmp_path / convention.example).mkdir()
    (tmp_path / convention.example / "pytorch_model.bin").write_bytes(b"\0" * 64)
    found = _checkpoints(tmp_path)
    assert found["rule"]["status"] == "pass", found["rule"]
    assert convention.example in found["rule"]["message"]


@pytest.mark.parametrize("name", ["main", "stepwise", "step", "checkpoints-docs", "v1.0", "feature/ckpt",
                                  "step1000-tokens", "phase1_checkpoint", "iteration", "epochs", "global_step"])
def test_ordinary_names_are_not_checkpoints(name: str) -> None:
    assert checkpoint_convention(name) is None


def test_olmo_step_token_branches_on_the_hub(hub_server: HubReplayServer) -> None:
    """Issue 13.3: OLMo's `stepN-tokensNB` branches make the intermediate parameters present."""
    evidence = collect_hub(hub_server, "allenai/OLMo-7B", None, needs=frozenset({"refs"}))
    names = sorted(name for name, _ in evidence.checkpoints)
    assert names == ["step1000-tokens4B", "step2000-tokens9B", "step556000-tokens2460B"]
    assert {p.note for _, p in evidence.checkpoints} == {
        f"Hub branch '{n}' (OLMo steps and tokens)" for n in names}
    assert evidence.components["Model parameters (Intermediate)"].status.value == "present"


def test_amber_ckpt_branches_on_the_hub(hub_server: HubReplayServer) -> None:
    evidence = collect_hub(hub_server, "LLM360/Amber", None, needs=frozenset({"refs"}))
    names = {name for name, _ in evidence.checkpoints}
    assert len(names) == 360 and {"ckpt_000", "ckpt_359"} <= names and "main" not in names


@pytest.mark.parametrize("convention", CONVENTIONS, ids=IDS)
def test_each_pattern_is_linear_on_hostile_names(convention) -> None:
    # Patterns are checked without the 255-character cap: they must be safe on their own.
    for hostile in ("step" + "1" * 50_000 + "x", "a." * 25_000 + "_phase1_checkpoint_x", "ckpt_" + "-" * 50_000 + "!",
                    "stage1-" * 10_000, "stage1-step1-tokens" + "9" * 50_000 + "bb", "global_" + "_" * 50_000):
        started = time.perf_counter()
        assert re.fullmatch(convention.pattern, hostile, re.IGNORECASE) is None
        assert time.perf_counter() - started < 0.2, (convention.name, hostile[:30])
    assert checkpoint_convention("step" + "1" * 300) is None  # longer than any ref name


def test_the_docs_table_is_the_code_table() -> None:
    doc = (REPO / "docs" / "detection.md").read_text(encoding="utf-8")
    assert conventions_markdown() in doc


def test_olmo_through_the_cli(hub_server: HubReplayServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GITHUB_"))}
    env.update({"HF_ENDPOINT": hub_server.url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(tmp_path / "hf"),
                "OPENCHECK_GITHUB_API": hub_server.url, "SOURCE_DATE_EPOCH": "0"})
    run = subprocess.run([sys.executable, "-m", "opencheck", "check", "allenai/OLMo-7B", "-p", "open-training",
                          "-f", "json", "--no-cache"], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    rule = next(r for r in report["packs"][0]["results"] if r["rule_id"] == "OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS")
    assert rule["status"] == "pass" and "step1000-tokens4B" in rule["message"]
    component = next(c for c in report["components"] if c["name"] == "Model parameters (Intermediate)")
    assert component["status"] == "present"
