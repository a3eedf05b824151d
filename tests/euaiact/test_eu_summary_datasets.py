"""The draft's dataset fields: the size band from dataset sizes, where each licence was read, the Hub card's state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.exit_status import ExitStatus


def _run(server: HubReplayServer, tmp_path: Path, repo: str, *extra: str) -> str:
    result = run_cli(["eu-summary", repo, "--no-cache", *extra], env={"HF_ENDPOINT": server.url}, cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    return result.out


def _fields(text: str) -> dict[str, dict[str, Any]]:
    draft = json.loads(text)
    return {f["name"]: f for s in draft["sections"] for f in s["fields"]}


def test_size_band_is_a_hint_from_dataset_sizes_never_filled(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """No token count stated: 1.3 gives the band the whole estimated range falls in, as a hint saying so."""
    fields = _fields(_run(hub_server, tmp_path, "opencheck-test/eu-dataset-sizes", "-f", "json"))
    size = fields["Training data size (text)"]
    assert size["status"] == "hint" and size["value"] == "1 billion to 10 trillion tokens"
    assert size["source"].startswith("estimated from dataset sizes, not stated: 4.8e11 to 1.2e12 training tokens")
    rows = {d["id"]: d for d in fields["List of large publicly available datasets"]["value"]}
    assert rows["opencheck-test/web-corpus"]["bytes"] == 2_000_000_000_000
    form = {f["name"]: f for f in json.loads(_run(hub_server, tmp_path, "opencheck-test/eu-dataset-sizes", "-f",
                                                  "json"))["model_documentation_form"]}
    compute = form["Training compute (estimate from dataset sizes)"]
    assert compute["status"] == "hint" and compute["value"] == "3.17e21 to 7.92e21 FLOP"
    assert "estimated from dataset sizes, not stated" in compute["source"]


def test_licence_stated_elsewhere_and_missing_datasets_are_said_so(hub_server: HubReplayServer,
                                                                    tmp_path: Path) -> None:
    """2.1 marks a licence read from the model card, and says which datasets the Hub does not have."""
    rows = {d["id"]: d for d in _fields(_run(hub_server, tmp_path, "opencheck-test/dataset-licences-elsewhere",
                                             "-f", "json"))["List of large publicly available datasets"]["value"]}
    withdrawn = rows["opencheck-test/withdrawn-corpus"]
    assert withdrawn["licence"] == "ODC-By 1.0" and withdrawn["card"] == "not-found"
    assert withdrawn["licence_source"].startswith("README.md:22: licence of opencheck-test/withdrawn-corpus as the "
                                                  "model card states it (stated elsewhere")
    markdown = _run(hub_server, tmp_path, "opencheck-test/dataset-licences-elsewhere")
    assert ("| opencheck-test/withdrawn-corpus | not on the Hub (gone, renamed or never published there) | "
            "ODC-By 1.0 (stated elsewhere: README.md:22) |") in markdown


def test_form_licence_other_names_the_licence_it_points_at(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """DeepSeek-V3's `license: other` + `license_name: deepseek`: the form shows both, not a bare 'other'."""
    draft = json.loads(_run(hub_server, tmp_path, "deepseek-ai/DeepSeek-V3", "-f", "json", "--no-lookup", "datasets"))
    form = {f["name"]: f for f in draft["model_documentation_form"]}
    assert form["Licence"]["value"] == "other (deepseek)"


def test_no_lookup_documents_skips_the_published_summary(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """eu-summary --no-lookup documents: the repository's summary file is not downloaded, and the draft says so."""
    draft = json.loads(_run(hub_server, tmp_path, "opencheck-test/eu-summary-model", "-f", "json",
                            "--no-lookup", "documents"))
    assert hub_server.count("/opencheck-test/eu-summary-model/resolve/*/TRAINING_SUMMARY.md") == 0
    assert draft["existing_summary"] is None and "not downloaded" in draft["existing_summary_note"]
    assert hub_server.count("/api/datasets/*") == 3  # the datasets look-up still runs


def test_unknown_look_up_name_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["eu-summary", "org/model", "--no-lookup", "github"], cwd=tmp_path)
    assert result.code == int(ExitStatus.USAGE_ERROR) and result.err.count("\n") <= 2
