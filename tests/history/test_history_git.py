"""`opencheck history` of a real git repository made in the test: commits on HEAD, tags, checkpoint branches."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import git
import jsonschema
import pytest
from tests.clirunner import run_cli

from opencheck._resources import schema_path

CARD = "---\nlicense: {licence}\ndatasets:\n{datasets}---\n\n# Model\n\nLearning rate 3e-4, batch size 256.\n"


def _card(licence: str, datasets: list[str]) -> str:
    return CARD.format(licence=licence, datasets="".join(f"- {d}\n" for d in datasets))


def _commit(repo: git.Repo, files: dict[str, str], message: str, when: str) -> git.Commit:
    root = Path(repo.working_tree_dir or "")
    for name, text in files.items():
        (root / name).write_text(text)
    repo.index.add(list(files))
    return repo.index.commit(message, author_date=when, commit_date=when)


@pytest.fixture
def model_repo(tmp_path: Path) -> git.Repo:
    root = tmp_path / "model"
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test")
        config.set_value("user", "email", "test@example.com")
    _commit(repo, {"README.md": _card("cc-by-nc-4.0", ["org/web", "org/books"]),
                   "config.json": '{"model_type": "gpt2"}\n', "model.safetensors": "x" * 64},
            "initial release", "2024-01-01 10:00:00 +0000")
    repo.create_tag("v0.1")
    _commit(repo, {"README.md": _card("apache-2.0", ["org/web", "org/books"])}, "relicense",
            "2024-02-01 10:00:00 +0000")
    repo.create_tag("v1.0")
    repo.index.commit("empty: nothing changed", author_date="2024-03-01 10:00:00 +0000",
                      commit_date="2024-03-01 10:00:00 +0000")
    _commit(repo, {"README.md": _card("apache-2.0", ["org/web"])}, "drop books", "2024-04-01 10:00:00 +0000")
    return repo


def _json(args: list[str], cwd: Path) -> dict[str, Any]:
    result = run_cli(["history", *args, "-f", "json"], cwd=cwd)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    jsonschema.validate(data, json.loads(schema_path("history.schema.json").read_text()))
    return data


def test_commits_tags_and_changes_of_a_local_repository(model_repo: git.Repo, tmp_path: Path) -> None:
    data = _json(["model"], tmp_path)
    revs = data["revisions"]
    assert data["target"] == {"kind": "git", "id": "model", "mode": "commits"}
    assert [r["title"] for r in revs] == ["initial release", "relicense", "empty: nothing changed", "drop books"]
    assert revs[0]["names"] == ["v0.1"] and revs[1]["names"] == ["v1.0"] and revs[3]["names"][0] == "HEAD"
    assert revs[0]["date"] == "2024-01-01T10:00:00Z"
    assert revs[0]["facts"]["weights_licence"] == "CC-BY-NC-4.0" and revs[1]["facts"]["weights_licence"] == "Apache-2.0"
    licence = next(c for c in revs[1]["changes"] if c["subject"] == "Model parameters (Final)")
    assert licence["kind"] == "licence-more-open" and licence["evidence"]["new"]
    # The same tree (an empty commit) reuses the evaluation; git needs no request at all.
    assert revs[2]["reused_from"] == revs[1]["sha"] and revs[2]["changes"] == []
    removed = next(c for c in revs[3]["changes"] if c["kind"] == "dataset-removed")
    assert removed["subject"] == "org/books" and removed["evidence"]["old"] == ["README.md:3 [datasets]"]
    assert data["requests"]["total"] == 0


def test_no_scratch_path_and_same_bytes(model_repo: git.Repo, tmp_path: Path) -> None:
    outs = [run_cli(["history", "model", "-f", fmt], cwd=tmp_path) for fmt in ("text", "json", "text")]
    assert all(o.code == 0 for o in outs)
    assert outs[0].out == outs[2].out
    assert "opencheck-history-" not in outs[0].out + outs[1].out and "/tmp" not in outs[1].out


def test_limit_since_and_revisions(model_repo: git.Repo, tmp_path: Path) -> None:
    limited = _json(["model", "--limit", "2"], tmp_path)
    assert [r["title"] for r in limited["revisions"]] == ["empty: nothing changed", "drop books"]
    assert limited["selection"]["truncated"] is True
    # The first revision shown has nothing before it to compare with, even when its evaluation matches.
    assert limited["revisions"][0]["reused_from"] is None
    since = _json(["model", "--since", "2024-02-15"], tmp_path)
    assert [r["title"] for r in since["revisions"]] == ["empty: nothing changed", "drop books"]
    chosen = _json(["model", "--revisions", "v0.1,HEAD"], tmp_path)
    assert [r["names"][0] for r in chosen["revisions"]] == ["v0.1", "HEAD"]
    assert {c["kind"] for c in chosen["revisions"][1]["changes"]} >= {"licence-more-open", "dataset-removed"}


def test_checkpoint_branches_in_step_order(model_repo: git.Repo, tmp_path: Path) -> None:
    first = model_repo.commit("v0.1")
    model_repo.create_head("step1000", model_repo.head.commit)
    model_repo.create_head("step200", first)
    model_repo.create_head("feature-x", first)
    data = _json(["model", "--checkpoints"], tmp_path)
    assert [r["names"][0] for r in data["revisions"]] == ["step200", "step1000"]
    assert data["target"]["mode"] == "checkpoints"


def test_unknown_revision_and_non_repository_exit_2(model_repo: git.Repo, tmp_path: Path) -> None:
    bad = run_cli(["history", "model", "--revisions", "nope"], cwd=tmp_path)
    assert bad.code == 2 and "revision 'nope' not found" in bad.err and bad.err.count("\n") == 1
    (tmp_path / "plain").mkdir()
    plain = run_cli(["history", "plain"], cwd=tmp_path)
    assert plain.code == 2 and "not a git repository" in plain.err
    none = run_cli(["history", "model", "--checkpoints"], cwd=tmp_path)
    assert none.code == 2 and "no checkpoint branches" in none.err


def test_repository_config_never_runs_anything(model_repo: git.Repo, tmp_path: Path) -> None:
    root = Path(model_repo.working_tree_dir or "")
    marker = tmp_path / "pwned"
    with (root / ".git" / "config").open("a") as handle:
        handle.write(f"[core]\n\tfsmonitor = touch {marker}\n\tpager = touch {marker}\n"
                     f"[include]\n\tpath = /dev/zero\n")
    (root / ".git" / "hooks" / "post-checkout").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (root / ".git" / "hooks" / "post-checkout").chmod(0o755)
    result = run_cli(["history", "model"], cwd=tmp_path)
    assert result.code == 0, result.err
    assert not marker.exists()


def test_a_gate_added_is_a_regression_with_its_evidence(model_repo: git.Repo, tmp_path: Path) -> None:
    gated = _card("apache-2.0", ["org/web"]).replace("---\n\n", "extra_gated_prompt: Agree to the terms\n---\n\n", 1)
    _commit(model_repo, {"README.md": gated}, "add a gate", "2024-05-01 10:00:00 +0000")
    data = _json(["model", "--limit", "2"], tmp_path)
    last = data["revisions"][-1]
    assert last["facts"]["gated"] is True and data["revisions"][0]["facts"]["gated"] is False
    change = next(c for c in last["changes"] if c["kind"] == "gating-changed")
    assert change["regression"] is True and (change["old"], change["new"]) == ("false", "true")
    assert change["evidence"]["old"] == [] and any("extra_gated_prompt" in e for e in change["evidence"]["new"])
    assert data["summary"]["regressions"] >= 1


def test_markdown_and_text_name_the_changes(model_repo: git.Repo, tmp_path: Path) -> None:
    _commit(model_repo, {"README.md": _card("mit", ["org/web"])}, "| evil | [x](javascript:alert(1)) <img src=x>",
            "2024-05-01 10:00:00 +0000")
    md = run_cli(["history", "model", "-f", "markdown"], cwd=tmp_path)
    assert md.code == 0, md.err
    assert "# Openness history of model" in md.out and "dataset org/books is no longer named" in md.out
    # Commit titles are attacker text: literal in Markdown (no tag, no link, no table break).
    assert "evil" in md.out and not re.search(r"(?<!\\)<img", md.out)
    assert not re.search(r"(?<!\\)\]\(javascript", md.out) and not re.search(r"(?<!\\)\| evil", md.out)
    text = run_cli(["history", "model"], cwd=tmp_path)
    assert "weights licence CC-BY-NC-4.0" in text.out and "evaluation reused" in text.out
    assert "0 request(s)" in text.out
