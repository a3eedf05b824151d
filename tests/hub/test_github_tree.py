"""A linked GitHub repository's file tree (one request each): code roles recognised from its paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.sources.github_tree import MAX_TREE_PATHS, parse_tree


def _check(hub: HubReplayServer, tmp_path: Path, *args: str) -> dict:
    result = run_cli(["check", "EleutherAI/pythia-160m", "-p", "mof", "--cache-dir", str(tmp_path / "c"), "-f",
                      "json", "--no-references", *args], cwd=tmp_path,
                     env={"HF_ENDPOINT": hub.url, "OPENCHECK_GITHUB_API": hub.url})
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _trees(hub: HubReplayServer) -> list[str]:
    return sorted(r.path for r in hub.requests if r.path.endswith("/git/trees/HEAD"))


def test_tree_paths_become_code_evidence_with_the_repositorys_licence(hub_server: HubReplayServer,
                                                                      tmp_path: Path) -> None:
    report = _check(hub_server, tmp_path)
    assert _trees(hub_server) == ["/repos/EleutherAI/gpt-neox/git/trees/HEAD",
                                  "/repos/EleutherAI/lm-evaluation-harness/git/trees/HEAD",
                                  "/repos/EleutherAI/pythia/git/trees/HEAD"]
    assert all("recursive=1" in r.query for r in hub_server.requests if r.path.endswith("/git/trees/HEAD"))
    assert report["target"]["requests"] == hub_server.total
    comps = {c["name"]: c for c in report["components"]}
    prep = comps["Data preprocessing code"]
    assert prep["status"] == "present" and prep["licence"] == "Apache-2.0"
    assert ("tools/datasets/preprocess_data.py <https://github.com/EleutherAI/gpt-neox/blob/HEAD/tools/datasets/"
            "preprocess_data.py>: preprocessing code in EleutherAI/gpt-neox") in prep["evidence"]
    assert any(e.startswith("train.py <https://github.com/EleutherAI/gpt-neox/blob/HEAD/train.py>")
               for e in comps["Training code"]["evidence"])
    # The harness tree came back truncated: what it shows is a lower bound, and the report says so.
    assert any(p["code"] == "github-tree-truncated" and "lm-evaluation-harness" in p["message"]
               for p in report["problems"])


def test_trees_are_cached_an_absent_one_too(hub_server: HubReplayServer, tmp_path: Path) -> None:
    # GitHub answers 404 for EleutherAI/pythia's tree (no such tree): the absence is remembered like a tree.
    hub_server.add_fault("/repos/EleutherAI/pythia/git/trees/HEAD", "status", status=404, times=None)
    _check(hub_server, tmp_path)
    hub_server.reset_counts()
    warm = _check(hub_server, tmp_path)
    assert _trees(hub_server) == []
    assert warm["target"]["requests"] == hub_server.total
    comps = {c["name"]: c for c in warm["components"]}
    assert comps["Data preprocessing code"]["licence"] == "Apache-2.0"


def test_no_github_and_no_lookups_fetch_no_tree(hub_server: HubReplayServer, tmp_path: Path) -> None:
    _check(hub_server, tmp_path, "--no-github")
    _check(hub_server, tmp_path, "--no-lookups")
    assert _trees(hub_server) == []


def test_rate_limited_tree_is_a_problem(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault("/repos/*/git/trees/HEAD", "status", status=403, times=None,
                         headers={"x-ratelimit-remaining": "0"})
    report = _check(hub_server, tmp_path)
    assert any(p["code"] == "github-unavailable" and "file tree" in p["message"] and "rate limited" in p["message"]
               for p in report["problems"])


def test_parse_tree_keeps_code_and_config_blobs() -> None:
    body = {"truncated": False, "tree": [
        {"path": "train.py", "type": "blob"}, {"path": "configs", "type": "tree"},
        {"path": "configs/a.yml", "type": "blob"}, {"path": "docs/logo.png", "type": "blob"},
        {"path": "README.md", "type": "blob"}, "junk", {"type": "blob"}]}
    assert parse_tree(body) == {"status": "found", "truncated": False, "paths": ["configs/a.yml", "train.py"]}
    many = {"tree": [{"path": f"f{i:06d}.py", "type": "blob"} for i in range(MAX_TREE_PATHS + 1)]}
    parsed = parse_tree(many)
    assert parsed["truncated"] is True and len(parsed["paths"]) == MAX_TREE_PATHS
    for bad in ([], {"tree": "x"}, None):
        with pytest.raises(ValueError):
            parse_tree(bad)


def test_another_publishers_repository_is_not_read_from_its_tree(hub_server: HubReplayServer,
                                                                   tmp_path: Path) -> None:
    # Aquila-VL-2B (BAAI) links VLMEvalKit (open-compass) in its Evaluation section and LLaVA-NeXT (LLaVA-VL) in its
    # usage code: their licences are asked for, their trees (benchmark-preparation and other models' training
    # scripts) are not, and neither lends the model a role the card does not give it.
    result = run_cli(["check", "BAAI/Aquila-VL-2B-llava-qwen", "-p", "mof", "--cache-dir", str(tmp_path / "c"),
                      "-f", "json", "--no-references"], cwd=tmp_path,
                     env={"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url})
    assert result.code in (0, 1), result.err
    report = json.loads(result.out)
    assert _trees(hub_server) == []
    assert sorted(r.path for r in hub_server.requests if r.path.endswith("/license")) == [
        "/repos/LLaVA-VL/LLaVA-NeXT/license", "/repos/open-compass/VLMEvalKit/license"]
    comps = {c["name"]: c for c in report["components"]}
    assert comps["Data preprocessing code"]["status"] != "present"
    evaluation = comps["Evaluation code"]
    assert evaluation["status"] == "present" and evaluation["licence"] == "Apache-2.0"
    assert evaluation["evidence"] == [
        "README.md:33 <https://github.com/open-compass/VLMEvalKit>: open-compass/VLMEvalKit, not the publisher's "
        "(BAAI) repository: linked in section 'Evaluation' as the code used for evaluating the model: \"We evaluated "
        "the model using the VLMEvalKit tool.\""]
    training = comps["Training code"]
    assert training["status"] == "present" and training["licence"] == "Apache-2.0"
    assert training["evidence"][0].startswith("README.md:21 <https://github.com/LLaVA-VL/LLaVA-NeXT>: ")
    assert "trained based on the LLava-one-vision framework" in training["evidence"][0]
    assert all("/blob/HEAD/" not in e for c in comps.values() for e in c["evidence"])
