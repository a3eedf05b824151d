"""Replay fixtures of models MOT classifies (issue 15 §3): what each one exercises that the others do not.

Mixtral: a mixture of experts whose card states neither the active parameters nor its training data; Aquila-VL:
a vision-language model whose datasets and evaluation toolkit are linked; Granite: a renamed repository's old id,
a dataset id without its organisation, and recorded GitHub trees and arXiv records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer


def _report(hub: HubReplayServer, tmp_path: Path, repo: str, *packs: str) -> dict[str, Any]:
    args = [a for pack in packs for a in ("-p", pack)]
    result = run_cli(["check", repo, *args, "-f", "json", "--cache-dir", str(tmp_path / "cache"), "--no-references"],
                     cwd=tmp_path, env={"HF_ENDPOINT": hub.url, "OPENCHECK_GITHUB_API": hub.url,
                                        "OPENCHECK_ARXIV_API": f"{hub.url}/oai2"})
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _pack(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in report["packs"] if p["name"] == name)


def _status(report: dict[str, Any], rule: str) -> str:
    return next(r["status"] for p in report["packs"] for r in p["results"] if r["rule_id"] == rule)


def test_mixtral_fails_osaid_from_live_evidence(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """Apache-2.0 weights, but no training code, no data-processing code and no named training data (issue 15)."""
    report = _report(hub_server, tmp_path, "mistralai/Mixtral-8x7B-v0.1", "osaid")
    grade = _pack(report, "osaid")["grade"]
    assert grade["value"] == "fail"
    assert sorted(grade["details"]["failed"]) == [
        "OC-OSAID-CODE-DATA-PROCESSING", "OC-OSAID-CODE-TRAINING", "OC-OSAID-DATA-INFORMATION"]
    assert _status(report, "OC-OSAID-PARAMETERS-TERMS") == "pass"  # the weights licence is not the reason
    # The card links vLLM and transformers: both were asked about, neither is training code.
    assert hub_server.count("/repos/vllm-project/vllm/license") == 1
    assert hub_server.count("/repos/huggingface/transformers/license") == 1


def test_mixture_of_experts_without_active_parameters_is_an_upper_bound(hub_server: HubReplayServer,
                                                                          tmp_path: Path) -> None:
    """Mixtral's card states no active parameters: the total (46.7B) is used, and said to be an upper bound."""
    report = _report(hub_server, tmp_path, "mistralai/Mixtral-8x7B-v0.1", "eu-gpai")
    estimate = _pack(report, "eu-gpai")["grade"]["details"]["compute_estimate"]
    assert estimate["mixture_of_experts"] and estimate["upper_bound"]
    assert estimate["parameters"]["value"] == 46_702_792_704
    assert estimate["parameters_kind"].startswith("total (upper bound")


def test_vision_language_model_names_its_datasets_and_modality(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """Aquila-VL: pipeline_tag visual-question-answering, three BAAI datasets (one gated, stating no licence)."""
    report = _report(hub_server, tmp_path, "BAAI/Aquila-VL-2B-llava-qwen", "fmti", "osaid", "mof")
    assert _status(report, "OC-FMTI-MODEL-INPUT-MODALITY") == "pass"
    for dataset in ("BAAI/Infinity-MM", "BAAI/Infinity-Instruct", "BAAI/Infinity-Preference"):
        assert hub_server.count(f"/api/datasets/{dataset}") == 1
    components = {c["name"]: c for c in report["components"]}
    assert components["Model parameters (Final)"]["status"] == "present"
    # The technical report's arXiv record states no licence: arXiv's non-exclusive licence, not open.
    assert "nonexclusive" in components["Technical report"]["normalised"]
    # LLaVA-NeXT (LLaVA-VL's, not BAAI's) is the framework the card says it was trained with (its project page
    # llava-vl.github.io): training code under that repository's licence, from the card's words, not its tree.
    assert hub_server.count("/repos/LLaVA-VL/LLaVA-NeXT/license") == 1
    assert hub_server.count("/repos/LLaVA-VL/LLaVA-NeXT/git/trees/HEAD") == 0
    assert components["Training code"]["evidence"][0].startswith("README.md:21 <https://github.com/LLaVA-VL/LLaVA-NeXT>")
    assert _status(report, "OC-OSAID-CODE-TRAINING") == "pass"


def test_granite_code_model_under_its_first_name(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """MOT links granite-34b-code-instruct (later renamed -8k): served under that id, with the family's links."""
    report = _report(hub_server, tmp_path, "ibm-granite/granite-34b-code-instruct", "osaid", "mof")
    assert report["target"]["id"] == "ibm-granite/granite-34b-code-instruct"
    assert hub_server.count("/repos/ibm-granite/granite-code-models/license") == 1
    assert hub_server.count("/repos/ibm-granite/granite-code-models/git/trees/HEAD") == 1
    # `glaive-function-calling-v2` has no organisation: not a Hub dataset, and said so.
    assert any(p["code"] == "dataset-not-found" and "glaive-function-calling-v2" in p["message"]
               for p in report["problems"])
    components = {c["name"]: c for c in report["components"]}
    assert components["Evaluation results"]["status"] == "present"  # model-index


def test_granite4_base_card_states_tokens_and_active_parameters(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """The base card states ~15T training tokens and 32B parameters with 9B active: the estimate uses the 9B."""
    report = _report(hub_server, tmp_path, "ibm-granite/granite-4.0-h-small-base", "eu-gpai")
    estimate = _pack(report, "eu-gpai")["grade"]["details"]["compute_estimate"]
    assert estimate["tokens"]["value"] == 15e12 and estimate["parameters"]["value"] == 9e9
    assert estimate["parameters_kind"].startswith("active")


def test_granite4_preview_links_no_code_repository(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """The May 2025 previews link only the transformers pull request that added their architecture."""
    report = _report(hub_server, tmp_path, "ibm-granite/granite-4.0-tiny-base-preview", "osaid")
    assert hub_server.count("/repos/ibm-granite/granite-4.0-language-models/license") == 0
    assert hub_server.count("/repos/huggingface/transformers/license") == 1
    assert _status(report, "OC-OSAID-CODE-TRAINING") == "fail"


def test_granite4_base_and_instruct_share_the_family_repository(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """Granite 4.0: instruct cards name their base model; both link the family's GitHub repository and no paper."""
    instruct = _report(hub_server, tmp_path, "ibm-granite/granite-4.0-h-small", "osaid")
    base = _report(hub_server, tmp_path, "ibm-granite/granite-4.0-h-small-base", "osaid")
    # The family's repository is asked about once: look-up answers about shared things are cached across models.
    assert hub_server.count("/repos/ibm-granite/granite-4.0-language-models/license") == 1
    assert hub_server.count("/repos/ibm-granite/granite-4.0-language-models/git/trees/HEAD") == 1
    assert hub_server.count("/oai2") == 0
    for report in (instruct, base):
        assert _pack(report, "osaid")["grade"]["value"] == "fail"
    # The instruct card's bold-labelled "**Training Data:**" paragraph is a data card; the base card has none.
    assert _status(instruct, "OC-OSAID-DATA-INFORMATION") == "pass"
    assert _status(base, "OC-OSAID-DATA-INFORMATION") == "fail"
