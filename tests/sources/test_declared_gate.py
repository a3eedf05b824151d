"""A local card that sets up the Hub's access form (extra_gated_* / gated) makes the weights gated, never ungated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.sources.helpers import write_safetensors

from opencheck.detect import enrich
from opencheck.detect.weights import GATE_KEYS, declared_gate
from opencheck.evidence import Evidence, Target, TargetKind
from opencheck.sources.card import parse_card

UNGATED_RULES = {"open-training": "OC-OPEN-TRAINING-WEIGHTS-UNGATED", "osaid": "OC-OSAID-PARAMETERS-UNGATED",
                 "fmti": "OC-FMTI-MODEL-ACCESS",
                 "osai-index": "OC-OSAI-INDEX-WEIGHTS-ENDMODEL"}

GATE_VALUES = {
    "extra_gated_prompt": '"You agree to the licence terms."',
    "extra_gated_fields": "\n  Name: text\n  Country: country\n  I accept the terms: checkbox",
    "extra_gated_heading": "Request access",
    "extra_gated_description": "Fill in the form.",
    "extra_gated_button_content": "Submit",
    "extra_gated_eu_disallowed": "true",
}


def _folder(tmp_path: Path, front: str) -> Path:
    (tmp_path / "README.md").write_text(f"---\nlicense: apache-2.0\n{front}\n---\n# Model\n\nA model card.\n")
    (tmp_path / "config.json").write_text('{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}')
    write_safetensors(tmp_path / "model.safetensors", {"w": ("F32", [2, 2])})
    return tmp_path


def _result(folder: Path, pack: str, rule_id: str) -> dict:
    run = run_cli(["check", str(folder), "-p", pack, "-f", "json"])
    assert run.code == 0, run.err
    report = json.loads(run.out)
    return next(r for r in report["packs"][0]["results"] if r["rule_id"] == rule_id)


def test_gate_keys_cover_every_hub_gating_key() -> None:
    assert set(GATE_VALUES) == set(GATE_KEYS)


@pytest.mark.parametrize("key", sorted(GATE_VALUES))
def test_each_extra_gated_key_fails_the_ungated_rule(tmp_path: Path, key: str) -> None:
    folder = _folder(tmp_path, f"{key}: {GATE_VALUES[key]}")
    result = _result(folder, "open-training", UNGATED_RULES["open-training"])
    assert result["status"] == "fail", result
    assert "gated (declared in the card" in result["message"] and key in result["message"]
    assert result["evidence"][0]["file"] == "README.md" and result["evidence"][0]["line"] == 3


@pytest.mark.parametrize("pack", sorted(UNGATED_RULES))
def test_no_pack_passes_a_declared_gate(tmp_path: Path, pack: str) -> None:
    folder = _folder(tmp_path, 'extra_gated_prompt: "Accept the terms"')
    result = _result(folder, pack, UNGATED_RULES[pack])
    assert result["status"] != "pass", result
    assert "without a gate" not in result["message"]


@pytest.mark.parametrize("value", ["true", "auto", "manual", "True"])
def test_gated_key_in_the_card(tmp_path: Path, value: str) -> None:
    folder = _folder(tmp_path, f"gated: {value}")
    result = _result(folder, "osaid", UNGATED_RULES["osaid"])
    assert result["status"] == "fail" and "declared in the card: gated, README.md:3" in result["message"]


@pytest.mark.parametrize("front", ["gated: false", "extra_gated_prompt: ''", "tags: [gated-looking]"])
def test_no_gate_declared_still_passes(tmp_path: Path, front: str) -> None:
    folder = _folder(tmp_path, front)
    result = _result(folder, "open-training", UNGATED_RULES["open-training"])
    assert result["status"] == "pass", result


def test_the_hubs_own_answer_wins_over_the_card() -> None:
    card, _ = parse_card("---\nextra_gated_prompt: old form\n---\n# M\n", "README.md")
    assert declared_gate(card) is not None
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="org/m"), card=card, hub={"gated": False})
    enrich(evidence)
    assert not evidence.weights.gated  # the Hub reports the repo open: the leftover form keys do nothing
    local = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), card=card)
    enrich(local)
    assert local.weights.gated and local.weights.gate is not None and local.weights.gate.line == 2
