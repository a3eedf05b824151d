"""Look-up answers about things many models share (datasets, papers, code repositories) are cached once for all."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer


def _check(hub: HubReplayServer, tmp_path: Path, repo: str) -> dict:
    result = run_cli(["check", repo, "-f", "json", "--cache-dir", str(tmp_path / "cache"), "--no-references"],
                     cwd=tmp_path, env={"HF_ENDPOINT": hub.url, "OPENCHECK_GITHUB_API": hub.url,
                                        "OPENCHECK_ARXIV_API": f"{hub.url}/oai2"})
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def test_a_family_asks_once_for_what_its_members_share(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """Two Pythia models name the same dataset, paper and repositories: the second check asks only about itself."""
    first = _check(hub_server, tmp_path, "EleutherAI/pythia-1b")
    shared = ("/api/datasets/EleutherAI/pile", "/repos/EleutherAI/pythia/license", "/repos/EleutherAI/pythia/git/*",
              "/oai2*")
    before = {p: hub_server.count(p) for p in shared}
    assert all(before.values()), before  # the first check did ask about each of them
    second = _check(hub_server, tmp_path, "EleutherAI/pythia-410m")
    assert {p: hub_server.count(p) for p in shared} == before
    # ... and reads the same answers from the shared cache.
    assert second["target"]["requests"] < first["target"]["requests"]
    mof = [next(p for p in r["packs"] if p["name"] == "mof")["grade"]["value"] for r in (first, second)]
    assert mof[0] == mof[1]


def test_the_shared_cache_lives_outside_every_model_folder(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """Shared answers are files under the cache's shared folder, named for the dataset, paper or repository."""
    _check(hub_server, tmp_path, "EleutherAI/pythia-1b")
    names = sorted(p.name for p in (tmp_path / "cache").rglob("*.json") if "shared" in p.parts)
    assert any(n.startswith("dataset--") for n in names), names
    assert any(n.startswith("github--") for n in names), names
    assert any(n.startswith("arxiv--") for n in names), names
    model_extras = [p.name for p in (tmp_path / "cache").rglob("extras/*.json")]
    assert not [n for n in model_extras if n.startswith(("dataset--", "github--", "arxiv--"))], model_extras
