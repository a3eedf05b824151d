"""`opencheck check` on local folders end to end: the bundled examples, git facts, and hostile folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import git
import pytest
from tests.clirunner import EXAMPLES, run_cli

from opencheck.exit_status import ExitStatus


def _json(path: Path | str, *extra: str) -> dict:
    result = run_cli(["check", str(path), "-p", "mof", "-f", "json", *extra])
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return json.loads(result.out)


def test_open_model_example_is_class_one_with_evidence():
    report = _json(EXAMPLES / "open-model")
    grade = report["packs"][0]["grade"]
    assert grade["value"] == "I"
    assert report["target"]["manifest"] == "opencheck.yaml"
    comps = {c["name"]: c for c in report["components"]}
    assert comps["Model parameters (Final)"]["origin"] == "both"
    assert comps["Training code"]["licence_class"] == "osi"
    for result in report["packs"][0]["results"]:
        if result["status"] != "not_applicable":
            assert result["evidence"], result["rule_id"]


def test_open_weights_only_example_is_unclassified_and_says_why():
    report = _json(EXAMPLES / "open-weights-only")
    grade = report["packs"][0]["grade"]
    assert grade["value"] == "Unclassified"
    weights = next(r for r in report["packs"][0]["results"] if r["rule_id"] == "OC-MOF-WEIGHTS-FINAL")
    assert weights["status"] == "fail"
    assert "llama" in weights["message"].lower()
    assert weights["location"] == {"file": "README.md", "line": 2}
    assert any("Class III needs" in s for s in grade["next_steps"])


def test_git_commit_is_recorded(tmp_path: Path):
    repo = git.Repo.init(tmp_path)
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n")
    repo.index.add(["README.md"])
    commit = repo.index.commit("init", author=git.Actor("t", "t@example.org"),
                               committer=git.Actor("t", "t@example.org"))
    repo.create_head("step1000")
    report = _json(tmp_path)
    assert report["target"]["resolved_sha"] == commit.hexsha
    assert report["target"]["git"]["commit"] == commit.hexsha
    assert report["target"]["git"]["checkpoint_branches"] == ["step1000"]


def test_malformed_front_matter_is_a_finding_and_the_check_goes_on(tmp_path: Path):
    (tmp_path / "README.md").write_text("---\nlicense: [unclosed\n---\n# Model\n## Training Data\nPile.\n")
    report = _json(tmp_path)
    problems = report["problems"]
    assert problems and problems[0]["code"] == "front-matter-invalid"
    assert problems[0]["location"]["file"] == "README.md"
    assert problems[0]["location"]["line"] >= 2


@pytest.mark.parametrize("content", [b"\xff\xfe\x00b\x00i\x00n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_binary_or_non_utf8_readme(tmp_path: Path, content: bytes):
    (tmp_path / "README.md").write_bytes(content)
    report = _json(tmp_path)
    assert [p["code"] for p in report["problems"]] == ["card-not-text"]


def test_huge_sparse_readme_is_capped(tmp_path: Path):
    with open(tmp_path / "README.md", "wb") as fh:
        fh.truncate(3 * 1024**3)
    report = _json(tmp_path)
    assert "card-too-large" in [p["code"] for p in report["problems"]]


def test_symlinks_out_of_the_folder_and_loops_are_not_followed(tmp_path: Path):
    model = tmp_path / "model"
    model.mkdir()
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge, to any person")
    os.symlink(secret / "LICENSE", model / "LICENSE")
    os.symlink("/etc/passwd", model / "README.md")
    os.symlink("loop-b", model / "loop-a")
    os.symlink("loop-a", model / "loop-b")
    report = _json(model)
    codes = sorted(p["code"] for p in report["problems"])
    assert codes.count("symlink-outside") == 2
    assert "symlink-loop" in codes
    assert all(c["licence"] is None for c in report["components"])


def test_fifo_named_readme_does_not_block(tmp_path: Path):
    os.mkfifo(tmp_path / "README.md")
    report = _json(tmp_path)
    assert "special-file" in [p["code"] for p in report["problems"]]


def test_invalid_manifest_inside_folder_is_a_usage_error(tmp_path: Path):
    (tmp_path / "opencheck.yaml").write_text("framework: {name: Nope}\nrelease: {}\n")
    result = run_cli(["check", str(tmp_path)])
    assert result.code == ExitStatus.USAGE_ERROR
    assert result.err.startswith("opencheck: error: opencheck.yaml:2: $.release: 'name' is a required property")
    assert result.err.count("\n") == 1
