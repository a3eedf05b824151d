"""`opencheck check MODEL -p eu-gpai` over the replay Hub: the seven cases of issue 21, verdicts and their reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli

from opencheck.exit_status import ExitStatus


def _pack(server: Any, tmp_path: Path, repo: str, *extra: str) -> dict[str, Any]:
    env = {"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url}
    result = run_cli(["check", repo, "-p", "eu-gpai", "-f", "json", "--no-cache", *extra], env=env, cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    (pack,) = json.loads(result.out)["packs"]
    return pack


def _verdicts(pack: dict[str, Any]) -> dict[str, str]:
    return {k: v["verdict"] for k, v in pack["grade"]["details"]["verdicts"].items()}


def _result(pack: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(r for r in pack["results"] if r["rule_id"] == rule)


def test_open_model_with_token_count_is_likely_exempt_and_owes_both(hub_server: Any, tmp_path: Path) -> None:
    """Apache-2.0, 11.2T tokens stated: GPAI likely, exemption likely; the summary is found, the policy is not."""
    pack = _pack(hub_server, tmp_path, "HuggingFaceTB/SmolLM3-3B")
    assert _verdicts(pack) == {"gpai": "likely", "systemic_risk": "not likely", "exemption": "likely",
                               "still_owed": "likely"}
    assert pack["grade"]["value"] == "exemption likely"
    est = pack["grade"]["details"]["compute_estimate"]
    assert est["parameters"]["value"] == 3075098624 and est["tokens"]["value"] == 11.2e12
    assert est["text"] == "6 x 3.08e9 parameters (total) x 1.12e13 training tokens = 2.07e23 FLOP"
    assert est["tokens"]["source"].startswith("README.md:")
    duties = {d["key"]: d for d in pack["grade"]["details"]["duties"]}
    assert duties["training_summary"]["found"] and duties["training_summary"]["link"].endswith(
        "/blob/main/training_content_summary.md")
    assert not duties["copyright_policy"]["found"]
    assert _result(pack, "OC-EU-COPYRIGHT-POLICY")["status"] == "fail"
    assert "Information, not legal advice" in pack["grade"]["label"]
    assert any("2024-06-13" in step and "2025-07-24" in step for step in pack["grade"]["next_steps"])


def test_use_restricted_licence_is_not_eligible(hub_server: Any, tmp_path: Path) -> None:
    """BLOOM's RAIL licence decides the exemption: not likely, decided by the licence condition."""
    pack = _pack(hub_server, tmp_path, "bigscience/bloom")
    verdict = pack["grade"]["details"]["verdicts"]["exemption"]
    assert verdict["verdict"] == "not likely" and verdict["deciding_condition"] == "licence"
    assert "restricted" in verdict["message"]
    assert _result(pack, "OC-EU-EXEMPT-LICENCE")["status"] == "fail"
    # "Total seen tokens: **366B**" is read: 6 x 1.76e11 x 3.66e11 = 3.87e23 FLOP.
    assert _verdicts(pack)["gpai"] == "likely"


def test_gated_weights_are_a_condition_not_shown(hub_server: Any, tmp_path: Path) -> None:
    """A gated model's weights are never counted as public; the card is gated too, so the tokens are missing."""
    pack = _pack(hub_server, tmp_path, "meta-llama/Llama-2-7b-hf")
    weights = _result(pack, "OC-EU-EXEMPT-WEIGHTS")
    assert weights["status"] == "inconclusive" and "gated" in weights["message"]
    conditions = {c["key"]: c["state"] for c in pack["grade"]["details"]["exemption_conditions"]}
    assert conditions["weights"] == "not shown"
    assert _verdicts(pack)["exemption"] == "not likely"  # the Llama 2 licence decides


def test_mixture_of_experts_uses_the_stated_active_parameters(hub_server: Any, tmp_path: Path) -> None:
    """DeepSeek-V3: 37B active of 671B; the estimate uses the active count and says so (3.29e24, not 6.08e25)."""
    pack = _pack(hub_server, tmp_path, "deepseek-ai/DeepSeek-V3")
    est = pack["grade"]["details"]["compute_estimate"]
    assert est["mixture_of_experts"] and est["parameters"]["value"] == 37e9
    assert est["parameters_kind"].startswith("active")
    assert "the total 6.85e11 is not used" in est["text"] and est["text"].endswith("= 3.29e24 FLOP")
    assert _verdicts(pack)["systemic_risk"] == "not likely"
    assert _verdicts(pack)["gpai"] == "likely"
    # license: other + license_name: deepseek is read through license_name.
    assert "deepseek" in _result(pack, "OC-EU-EXEMPT-LICENCE")["message"].lower()


def test_model_above_ten_to_the_25_presumes_systemic_risk(hub_server: Any, tmp_path: Path) -> None:
    """Nemotron-4-340B: 340B parameters (stated in the card: no safetensors) x 9T tokens = 1.84e25 FLOP."""
    pack = _pack(hub_server, tmp_path, "nvidia/Nemotron-4-340B-Base")
    assert _verdicts(pack)["systemic_risk"] == "likely"
    assert _result(pack, "OC-EU-SYSTEMIC-RISK")["status"] == "fail"
    assert _result(pack, "OC-EU-EXEMPT-NOT-SYSTEMIC")["status"] == "fail"
    assert _verdicts(pack)["exemption"] == "not likely"
    assert "not_systemic_risk" in pack["grade"]["details"]["verdicts"]["exemption"]["deciding_condition"]


def test_card_without_token_count_is_undetermined_and_names_the_number(hub_server: Any, tmp_path: Path) -> None:
    """Mistral-7B-v0.1's card states no token count: every compute verdict is undetermined, naming the tokens."""
    pack = _pack(hub_server, tmp_path, "mistralai/Mistral-7B-v0.1")
    verdicts = _verdicts(pack)
    assert verdicts["gpai"] == verdicts["systemic_risk"] == verdicts["exemption"] == "undetermined"
    assert "number of training tokens" in pack["grade"]["details"]["verdicts"]["gpai"]["message"]
    assert pack["grade"]["details"]["compute_estimate"]["flop"] is None
    assert any("the estimate needs the number of training tokens" in s for s in pack["grade"]["next_steps"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "sarif", "junit"])
def test_every_format_carries_the_verdicts_and_the_disclaimer(hub_server: Any, tmp_path: Path, fmt: str) -> None:
    """The four verdicts and "not legal advice" reach every report format."""
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url}
    result = run_cli(["check", "HuggingFaceTB/SmolLM3-3B", "-p", "eu-gpai", "-f", fmt, "--no-cache"], env=env,
                     cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    text = " ".join(result.out.split())
    for phrase in ("exemption likely", "GPAI model likely", "systemic risk not likely",
                   "still owed (likely)", "training-content summary found", "not legal advice"):
        assert phrase in text, phrase


def test_licence_condition_and_osaid_completeness_are_kept_apart(hub_server: Any, tmp_path: Path) -> None:
    """"Apache-2.0 but not open source AI" in one line for Mistral; Pythia's completeness agrees with osaid."""
    mistral = _pack(hub_server, tmp_path, "mistralai/Mistral-7B-v0.1")
    line = next(n for n in mistral["grade"]["details"]["notes"] if n.startswith("licence condition"))
    assert line == ("licence condition met (Apache-2.0 is osi); OSAID 1.0 completeness fails: training code, "
                    "data-processing code not found, so the licence alone does not make it open source AI")
    assert line in mistral["grade"]["next_steps"]
    pythia = _pack(hub_server, tmp_path, "EleutherAI/pythia-160m")
    line = next(n for n in pythia["grade"]["details"]["notes"] if n.startswith("licence condition"))
    assert line.endswith("OSAID 1.0 completeness: data information, training code and data-processing code found")
