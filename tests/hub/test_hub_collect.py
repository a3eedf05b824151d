"""Collecting Hub evidence through the replay server: budget, pinning, cache, offline, extras."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.hub.helpers import collect
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

from opencheck.errors import SourceError
from opencheck.evidence import FileKind, TargetKind

PYTHIA = "EleutherAI/pythia-160m"
PYTHIA_SHA = json.loads((HUB_ROOT / PYTHIA / "model.json").read_text())["sha"]
ALL = frozenset({"refs", "datasets", "github"})


def test_plain_check_makes_two_requests_and_records_the_sha(hub_server: HubReplayServer, tmp_path: Path) -> None:
    evidence = collect(hub_server, PYTHIA, tmp_path)
    assert hub_server.total == 2 and evidence.requests == 2
    assert hub_server.count(f"/api/models/{PYTHIA}") == 1
    assert hub_server.count(f"/{PYTHIA}/resolve/{PYTHIA_SHA}/README.md") == 1  # README pinned to the sha
    info_request = hub_server.requests[0]
    assert "blobs=true" in info_request.query
    assert evidence.target.kind == TargetKind.HUB
    assert evidence.target.id == PYTHIA and evidence.target.revision is None
    assert evidence.target.resolved_sha == PYTHIA_SHA
    assert evidence.hub["sha"] == PYTHIA_SHA and evidence.hub["card_status"] == "present"
    weights = {f.path: f for f in evidence.files}
    assert weights["model.safetensors"].kind == FileKind.WEIGHTS
    assert weights["model.safetensors"].sha256 and len(weights["model.safetensors"].sha256) == 64
    assert weights["model.safetensors"].size == 324662984
    assert weights["README.md"].sha256 is None
    assert evidence.card is not None and evidence.card.metadata["license"] == "apache-2.0"
    assert evidence.weights.parameters == 162322944
    assert evidence.config["model_type"] == "gpt_neox"
    assert any(s.raw == "apache-2.0" and s.scope == "repository" for s in evidence.licences)
    assert any(link.url == "https://arxiv.org/abs/2304.01373" for link in evidence.links)
    assert "branches" not in evidence.hub  # not asked for
    assert evidence.checkpoints == []
    assert evidence.components  # facts.enrich ran


def test_every_fixture_model_stays_within_budget(hub_server: HubReplayServer, tmp_path: Path) -> None:
    for repo in ("EleutherAI/gpt-neox-20b", "allenai/OLMo-7B", "LLM360/Amber", "bigscience/bloom",
                 "meta-llama/Llama-2-7b-hf", "mistralai/Mistral-7B-v0.1", "tiiuae/falcon-7b", "microsoft/phi-2"):
        hub_server.reset_counts()
        evidence = collect(hub_server, repo, None)
        assert hub_server.total <= 2, repo
        assert evidence.requests == hub_server.total
        assert evidence.target.resolved_sha == json.loads((HUB_ROOT / repo / "model.json").read_text())["sha"]


def test_bloom_rail_licence_and_model_index(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, "bigscience/bloom", None)
    assert any(s.raw == "bigscience-bloom-rail-1.0" for s in evidence.licences)
    assert evidence.hub["model_index"]
    assert evidence.weights.parameters == 176247271424
    assert len([f for f in evidence.files if f.kind == FileKind.WEIGHTS]) == 72


def test_warm_cache_makes_one_request(hub_server: HubReplayServer, tmp_path: Path) -> None:
    first = collect(hub_server, PYTHIA, tmp_path)
    hub_server.reset_counts()
    second = collect(hub_server, PYTHIA, tmp_path)
    assert hub_server.total == 1 and second.requests == 1
    (request,) = hub_server.requests
    assert request.path == f"/api/models/{PYTHIA}" and "expand=sha" in request.query
    assert second.target.resolved_sha == first.target.resolved_sha
    assert second.card is not None and second.card.text == first.card.text  # type: ignore[union-attr]
    assert [f.path for f in second.files] == [f.path for f in first.files]


def test_pinned_sha_with_warm_cache_makes_no_request(hub_server: HubReplayServer, tmp_path: Path) -> None:
    collect(hub_server, PYTHIA, tmp_path)
    hub_server.reset_counts()
    evidence = collect(hub_server, f"{PYTHIA}@{PYTHIA_SHA}", tmp_path)
    assert hub_server.total == 0 and evidence.requests == 0
    assert evidence.target.revision == PYTHIA_SHA and evidence.target.resolved_sha == PYTHIA_SHA
    assert evidence.hub["from_cache"] is True


def test_pinned_sha_cold_makes_two_requests(hub_server: HubReplayServer, tmp_path: Path) -> None:
    evidence = collect(hub_server, f"{PYTHIA}@{PYTHIA_SHA}", tmp_path)
    assert hub_server.total == 2
    assert hub_server.count(f"/api/models/{PYTHIA}/revision/{PYTHIA_SHA}") == 1
    assert evidence.target.resolved_sha == PYTHIA_SHA


def test_branch_revision_is_resolved_and_everything_pinned(hub_server: HubReplayServer, tmp_path: Path) -> None:
    evidence = collect(hub_server, f"{PYTHIA}@step1000", tmp_path)
    sha = evidence.target.resolved_sha
    assert sha and sha != PYTHIA_SHA
    assert hub_server.count(f"/api/models/{PYTHIA}/revision/step1000") == 1
    assert hub_server.count(f"/{PYTHIA}/resolve/{sha}/README.md") == 1


def test_old_revision_has_its_own_licence(hub_server: HubReplayServer) -> None:
    old = "e22cfa2447db6f33ea412059aac9784b503948e5"
    evidence = collect(hub_server, f"microsoft/phi-2@{old}", None)
    assert evidence.card is not None and evidence.card.metadata["license"] == "other"
    assert evidence.card.metadata["license_name"] == "microsoft-research-license"
    current = collect(hub_server, "microsoft/phi-2", None)
    assert current.card is not None and current.card.metadata["license"] == "mit"


def test_changed_repo_refetches(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    shutil.copytree(HUB_ROOT / PYTHIA, root / PYTHIA)
    cache = tmp_path / "cache"
    with HubReplayServer(root) as server:
        collect(server, PYTHIA, cache)
    info = json.loads((root / PYTHIA / "model.json").read_text())
    info["sha"] = "f" * 40
    (root / PYTHIA / "model.json").write_text(json.dumps(info))
    with HubReplayServer(root) as server:
        evidence = collect(server, PYTHIA, cache)
        assert evidence.target.resolved_sha == "f" * 40
        assert server.total == 3  # sha lookup, model info at the new sha, README at the new sha
        assert server.count(f"/{PYTHIA}/resolve/{'f' * 40}/README.md") == 1


def test_no_cache_always_fetches(hub_server: HubReplayServer, tmp_path: Path) -> None:
    collect(hub_server, PYTHIA, None)
    collect(hub_server, PYTHIA, None)
    assert hub_server.total == 4
    assert not any(tmp_path.iterdir())


def test_offline_from_cache(hub_server: HubReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    online = collect(hub_server, PYTHIA, tmp_path, needs=ALL, github_api=hub_server.url)
    hub_server.reset_counts()
    offline = collect(hub_server, PYTHIA, tmp_path, offline=True, needs=ALL, github_api=hub_server.url)
    assert hub_server.total == 0 and offline.requests == 0
    assert offline.target.resolved_sha == PYTHIA_SHA
    assert offline.card is not None and offline.card.text == online.card.text  # type: ignore[union-attr]
    assert len(offline.checkpoints) == len(online.checkpoints) == 154
    assert offline.dataset_licences.keys() == online.dataset_licences.keys()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    again = collect(hub_server, PYTHIA, tmp_path)
    assert hub_server.total == 0 and again.target.resolved_sha == PYTHIA_SHA


def test_offline_cold_fails_clearly(hub_server: HubReplayServer, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SourceError, match="offline and not in the cache"):
        collect(hub_server, PYTHIA, tmp_path, offline=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(SourceError, match="offline"):
        collect(hub_server, f"{PYTHIA}@{'a' * 40}", tmp_path)
    with pytest.raises(SourceError, match="cache is disabled"):
        collect(hub_server, PYTHIA, None)
    assert hub_server.total == 0


def test_refs_give_pythia_checkpoints(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, PYTHIA, None, needs=frozenset({"refs"}))
    assert hub_server.total == 3 and evidence.requests == 3
    assert hub_server.count(f"/api/models/{PYTHIA}/refs") == 1
    names = [name for name, _ in evidence.checkpoints]
    assert len(names) == 154 and "step0" in names and "step143000" in names and "main" not in names
    assert any(b["name"] == "main" for b in evidence.hub["branches"])


def test_dataset_licences_when_asked(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, "allenai/OLMo-7B", None, needs=frozenset({"datasets"}))
    assert hub_server.count("/api/datasets/allenai/dolma") == 1
    assert evidence.requests == hub_server.total == 3
    (statement,) = evidence.dataset_licences["allenai/dolma"]
    assert statement.raw == "odc-by" and statement.scope == "data"
    assert evidence.hub["datasets"]["allenai/dolma"]["status"] == "found"


def test_missing_dataset_is_a_problem_not_a_failure(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, "EleutherAI/gpt-neox-20b", None, needs=frozenset({"datasets"}))
    assert evidence.hub["datasets"]["the_pile"]["status"] == "not-found"
    assert any(p.code == "dataset-not-found" for p in evidence.problems)


def test_dataset_server_error_is_a_problem(hub_server: HubReplayServer) -> None:
    hub_server.add_fault("/api/datasets/*", "status", status=503, times=None)
    evidence = collect(hub_server, "allenai/OLMo-7B", None, needs=frozenset({"datasets"}))
    assert evidence.hub["datasets"]["allenai/dolma"]["status"] == "error"
    assert any(p.code == "dataset-unavailable" and "503" in p.message for p in evidence.problems)


def test_github_licences(hub_server: HubReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_fixture_hf_token_xyz")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_fixture_github_token")
    evidence = collect(hub_server, PYTHIA, None, needs=frozenset({"github"}), github_api=hub_server.url)
    github = [r for r in hub_server.requests if r.path.startswith("/repos/")]
    assert {r.path for r in github} >= {"/repos/EleutherAI/pythia/license", "/repos/EleutherAI/gpt-neox/license"}
    assert evidence.requests == hub_server.total == 2 + len(github)
    assert all(r.headers.get("authorization") == "Bearer ghp_fixture_github_token" for r in github)
    hub_requests = [r for r in hub_server.requests if not r.path.startswith("/repos/")]
    assert all(r.headers.get("authorization") == "Bearer hf_fixture_hf_token_xyz" for r in hub_requests)
    assert evidence.hub["github"]["EleutherAI/pythia"]["spdx_id"] == "Apache-2.0"
    assert any(s.raw == "Apache-2.0" and s.scope == "code-repository" for s in evidence.licences)


def test_no_github_flag(hub_server: HubReplayServer) -> None:
    collect(hub_server, PYTHIA, None, needs=ALL, github_api=hub_server.url, no_github=True)
    assert hub_server.count("/repos/*") == 0


def test_endpoint_from_environment(hub_server: HubReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.hub.helpers import fast_retry

    from opencheck.collect import collect_hub
    from opencheck.sources.hub_target import parse_hub_target

    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    evidence = collect_hub(parse_hub_target(PYTHIA), use_cache=False, retry=fast_retry())
    assert evidence.hub["endpoint"] == hub_server.url and hub_server.total == 2


def test_synthetic_models(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, "synthetic/model-00042", None, needs=frozenset({"datasets"}))
    assert evidence.card is not None and evidence.weights.parameters == 70426624
    assert evidence.dataset_licences["synthetic/corpus"][0].raw == "cc-by-4.0"


def test_repo_without_readme_needs_one_request(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    shutil.copytree(HUB_ROOT / PYTHIA, root / PYTHIA)
    info = json.loads((root / PYTHIA / "model.json").read_text())
    info["siblings"] = [s for s in info["siblings"] if s["rfilename"] != "README.md"]
    (root / PYTHIA / "model.json").write_text(json.dumps(info))
    with HubReplayServer(root) as server:
        evidence = collect(server, PYTHIA, tmp_path / "cache")
        assert server.total == 1 and evidence.card is None and evidence.hub["card_status"] == "absent"
        server.reset_counts()
        assert collect(server, f"{PYTHIA}@{info['sha']}", tmp_path / "cache").requests == 0


def test_unknown_needs_is_a_usage_error(hub_server: HubReplayServer) -> None:
    from opencheck.errors import UsageError

    with pytest.raises(UsageError):
        collect(hub_server, PYTHIA, None, needs=frozenset({"everything"}))
    assert hub_server.total == 0


def test_concurrent_checks_share_a_cache(hub_server: HubReplayServer, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    repos = [f"synthetic/model-{i:05d}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda r: collect(hub_server, r, tmp_path), repos))
    assert [e.target.id for e in results] == repos
    assert sum(e.requests for e in results) == hub_server.total == 24
