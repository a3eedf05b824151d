"""The replay server honours the contract the real huggingface_hub 2.x client needs (reference §5)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    BadRequestError,
    GatedRepoError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from tests.hubreplay.server import HUB_ROOT, HubReplayServer, git_blob_sha1

PYTHIA = "EleutherAI/pythia-160m"


def test_real_client_model_info_refs_and_download(hub_server: HubReplayServer, tmp_path: Path) -> None:
    api = HfApi(endpoint=hub_server.url, token=False)
    info = api.model_info(PYTHIA, files_metadata=True)
    assert info.sha and info.card_data is not None and info.card_data.license == "apache-2.0"
    readme = next(s for s in info.siblings or [] if s.rfilename == "README.md")
    assert readme.size and readme.blob_id
    weights = next(s for s in info.siblings or [] if s.rfilename == "model.safetensors")
    assert weights.lfs is not None and len(weights.lfs.sha256) == 64
    assert info.safetensors is not None and info.safetensors.total == 162322944
    refs = api.list_repo_refs(PYTHIA)
    assert len([b for b in refs.branches if b.name.startswith("step")]) == 154
    path = hf_hub_download(PYTHIA, "README.md", revision=info.sha, endpoint=hub_server.url, cache_dir=tmp_path,
                           token=False)
    data = Path(path).read_bytes()
    assert git_blob_sha1(data) == readme.blob_id
    assert f"snapshots/{info.sha}/README.md" in Path(path).as_posix()
    assert hub_server.count("/api/agent-harnesses") == 0  # telemetry is off in these tests


def test_real_client_errors(hub_server: HubReplayServer, tmp_path: Path) -> None:
    api = HfApi(endpoint=hub_server.url, token=False)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing")
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("opencheck-test/private-model")
    with pytest.raises(RevisionNotFoundError):
        api.model_info(PYTHIA, revision="nope")
    assert api.model_info("meta-llama/Llama-2-7b-hf").gated == "manual"
    with pytest.raises(GatedRepoError):
        hf_hub_download("meta-llama/Llama-2-7b-hf", "README.md", endpoint=hub_server.url, cache_dir=tmp_path,
                        token=False)
    assert not api.file_exists(PYTHIA, "nope.txt")
    with pytest.raises(BadRequestError):
        api.model_info(PYTHIA, expand=["not-a-property"])  # type: ignore[list-item]


def test_expand_and_blobs(hub_server: HubReplayServer) -> None:
    base = f"{hub_server.url}/api/models/{PYTHIA}"
    sha_only = httpx2.get(base, params={"expand": "sha"}).json()
    assert set(sha_only) == {"_id", "id", "sha"}
    two = httpx2.get(base, params=[("expand", "sha"), ("expand", "gated")]).json()
    assert set(two) == {"_id", "id", "sha", "gated"}
    plain = httpx2.get(base).json()
    assert set(plain["siblings"][0]) == {"rfilename"}
    refs = httpx2.get(f"{base}/refs", params={"include_prs": 1}).json()
    assert refs["pullRequests"] == []


def test_resolve_headers_and_range(hub_server: HubReplayServer) -> None:
    url = f"{hub_server.url}/{PYTHIA}/resolve/main/README.md"
    head = httpx2.head(url)
    sha = json.loads((HUB_ROOT / PYTHIA / "model.json").read_text())["sha"]
    assert head.headers["x-repo-commit"] == sha
    assert head.headers["etag"].strip('"') == git_blob_sha1((HUB_ROOT / PYTHIA / "README.md").read_bytes())
    assert int(head.headers["content-length"]) == (HUB_ROOT / PYTHIA / "README.md").stat().st_size
    assert "x-xet-hash" not in head.headers
    part = httpx2.get(url, headers={"Range": "bytes=0-2"})
    assert part.status_code == 206 and part.content == b"---"
    assert part.headers["content-range"].startswith("bytes 0-2/")
    missing = httpx2.get(f"{hub_server.url}/{PYTHIA}/resolve/main/nope.txt")
    assert missing.status_code == 404 and missing.headers["x-error-code"] == "EntryNotFound"
    assert missing.headers["x-repo-commit"] == sha


def test_github_stub(hub_server: HubReplayServer) -> None:
    ok = httpx2.get(f"{hub_server.url}/repos/EleutherAI/pythia/license").json()
    assert ok["license"]["spdx_id"] == "Apache-2.0"
    assert httpx2.get(f"{hub_server.url}/repos/nobody/nothing/license").status_code == 404


def test_counts_are_thread_safe(hub_server: HubReplayServer) -> None:
    def hit() -> None:
        with httpx2.Client() as client:
            for _ in range(10):
                client.get(f"{hub_server.url}/api/models/{PYTHIA}", params={"expand": "sha"})

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hub_server.count(f"/api/models/{PYTHIA}") == 80


def test_faults_are_consumed(hub_server: HubReplayServer) -> None:
    hub_server.add_fault("/api/models/*", "status", status=503, times=2)
    url = f"{hub_server.url}/api/models/{PYTHIA}"
    assert [httpx2.get(url).status_code for _ in range(3)] == [503, 503, 200]
    hub_server.add_fault("/api/models/*", "latency", delay=0.01, times=None)
    hub_server.clear_faults()
    assert httpx2.get(url).status_code == 200


def test_synthetic_models_are_generated(hub_server: HubReplayServer) -> None:
    info = httpx2.get(f"{hub_server.url}/api/models/synthetic/model-00007", params={"blobs": "true"}).json()
    assert info["id"] == "synthetic/model-00007" and len(info["sha"]) == 40
    readme = httpx2.get(f"{hub_server.url}/synthetic/model-00007/resolve/{info['sha']}/README.md")
    assert readme.status_code == 200 and readme.content.startswith(b"---")
