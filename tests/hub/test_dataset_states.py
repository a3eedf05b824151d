"""Datasets that are gated or not on the Hub: said so in the finding, and remembered for a day like found ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer


def _check(hub: HubReplayServer, tmp_path: Path, target: str) -> dict:
    result = run_cli(["check", target, "-p", "osaid", "-p", "open-training", "--cache-dir", str(tmp_path / "c"),
                      "-f", "json", "--no-references", "--no-github"], cwd=tmp_path, env={"HF_ENDPOINT": hub.url})
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _messages(report: dict) -> list[str]:
    return [r["message"] for p in report["packs"] for r in p["results"] if "licence unknown for" in r["message"]]


def test_missing_dataset_is_named_in_the_finding_and_cached(hub_server: HubReplayServer, tmp_path: Path) -> None:
    # gpt-neox-20b's card names `the_pile`, which the (replay) Hub does not have.
    cold = _check(hub_server, tmp_path, "EleutherAI/gpt-neox-20b")
    assert hub_server.count("/api/datasets/the_pile") == 1
    assert _messages(cold)
    assert all("the_pile (not on the Hub: gone, renamed or never published there)" in m for m in _messages(cold))
    assert any(p["code"] == "dataset-not-found" and "never published there" in p["message"]
               for p in cold["problems"])
    hub_server.reset_counts()
    warm = _check(hub_server, tmp_path, "EleutherAI/gpt-neox-20b")
    assert hub_server.count("/api/datasets/the_pile") == 0  # a warm re-check costs the one model-info request
    assert warm["target"]["requests"] == hub_server.total == 1
    assert _messages(warm) == _messages(cold)


def test_gated_dataset_is_named_in_the_finding_and_cached(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault("/api/datasets/allenai/dolma", "status", status=403, times=None,
                         headers={"X-Error-Code": "GatedRepo", "X-Error-Message": "Access to dataset is restricted"})
    cold = _check(hub_server, tmp_path, "allenai/OLMo-7B")
    assert any("allenai/dolma (gated on the Hub: its card could not be read)" in m for m in _messages(cold))
    hub_server.reset_counts()
    _check(hub_server, tmp_path, "allenai/OLMo-7B")
    assert hub_server.count("/api/datasets/allenai/dolma") == 0


def test_a_gated_dataset_whose_card_is_readable_is_said_gated(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """allenai/dolma is gated (`auto`) but its metadata is readable: the licence counts, and the finding says gated."""
    report = _check(hub_server, tmp_path, "allenai/OLMo-7B")
    messages = [r["message"] for p in report["packs"] for r in p["results"] if "named dataset" in r["message"]]
    assert messages and all(m.endswith("(gated on the Hub, access after a form: allenai/dolma)") for m in messages)
