"""Verdicts pinned end to end through the CLI: the bundled examples and the replayed Hub fixtures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.clirunner import EXAMPLES, run_cli
from tests.packs.builders import result, run

from opencheck.collect import collect
from opencheck.exit_status import ExitStatus
from opencheck.results import RuleStatus

ALL = ("open-training", "mof", "osaid", "osai-index", "fmti", "release")


def _grades(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, dict]:
    result = run_cli(["check", *args, "-f", "json", *(a for p in ALL for a in ("-p", p))], env=env, cwd=cwd)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    return {p["name"]: p for p in json.loads(result.out)["packs"]}


def _example(name: str, tmp_path: Path) -> Path:
    src = EXAMPLES / name
    if not src.is_dir():
        pytest.skip(f"examples/{name} is not there yet")
    # A copy, so a configuration file in the developer's working folder cannot change the verdict.
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def test_open_model_example_is_openly_trained(tmp_path: Path):
    packs = _grades([str(_example("open-model", tmp_path))], cwd=tmp_path)
    assert packs["open-training"]["grade"]["value"] == "A"
    assert packs["osaid"]["grade"]["value"] == "pass"
    assert packs["mof"]["grade"]["value"] == "I"
    assert float(packs["osai-index"]["grade"]["value"]) >= 0.9
    assert packs["release"]["grade"]["value"] in ("A", "B")


def test_open_weights_only_example_is_not_openly_trained(tmp_path: Path):
    packs = _grades([str(_example("open-weights-only", tmp_path))], cwd=tmp_path)
    grade = packs["open-training"]["grade"]
    assert grade["value"] == "F"
    assert grade["details"]["weakest"] in ("code", "data", "evaluation", "hyperparameters")
    assert packs["osaid"]["grade"]["value"] == "fail"
    assert "OC-OSAID-PARAMETERS-TERMS" in packs["osaid"]["grade"]["details"]["failed"]
    assert float(packs["osai-index"]["grade"]["value"]) < 0.5


# --- replayed Hub fixtures: OSI's published validation ------------------------------------------------------------

OSAID = [
    ("EleutherAI/pythia-160m", "pass"),
    ("allenai/OLMo-7B", "pass"),
    ("LLM360/Amber", "pass"),
    ("meta-llama/Llama-2-7b-hf", "fail"),
    ("microsoft/phi-2", "fail"),
    ("mistralai/Mistral-7B-v0.1", "fail"),  # OSI reviewed Mixtral; the Mistral base model fails the same way
    ("bigscience/bloom", "fail"),  # "would pass if its licence terms changed": it fails on the RAIL terms
]


def _hub_env(server) -> dict[str, str]:
    return {"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url}


@pytest.mark.parametrize(("repo", "verdict"), OSAID, ids=[r for r, _ in OSAID])
def test_osaid_agrees_with_osi_validation(hub_server, tmp_path: Path, repo: str, verdict: str):
    packs = _grades([repo, "--no-cache"], env=_hub_env(hub_server), cwd=tmp_path)
    assert packs["osaid"]["grade"]["value"] == verdict, packs["osaid"]["grade"]["details"]


def test_hub_reasons_for_failing(hub_server, tmp_path: Path):
    env = _hub_env(hub_server)
    llama = _grades(["meta-llama/Llama-2-7b-hf", "--no-cache"], env=env, cwd=tmp_path)
    assert "OC-OSAID-PARAMETERS-TERMS" in llama["osaid"]["grade"]["details"]["failed"]
    assert llama["open-training"]["grade"]["value"] == "F"
    assert llama["osai-index"]["grade"]["details"]["dimensions"]["weights_endmodel"] == "partial"  # gated
    phi = _grades(["microsoft/phi-2", "--no-cache"], env=env, cwd=tmp_path)
    assert "OC-OSAID-CODE-TRAINING" in phi["osaid"]["grade"]["details"]["failed"]
    bloom = _grades(["bigscience/bloom", "--no-cache"], env=env, cwd=tmp_path)
    assert "OC-OSAID-PARAMETERS-TERMS" in bloom["osaid"]["grade"]["details"]["failed"]


def test_openly_trained_models_outgrade_open_weights_models(hub_server, tmp_path: Path):
    env = _hub_env(hub_server)
    score = {repo: _grades([repo, "--no-cache"], env=env, cwd=tmp_path)["open-training"]["grade"]["score"]
             for repo in ("allenai/OLMo-7B", "LLM360/Amber", "meta-llama/Llama-2-7b-hf", "microsoft/phi-2")}
    assert min(score["allenai/OLMo-7B"], score["LLM360/Amber"]) > max(score["meta-llama/Llama-2-7b-hf"],
                                                                       score["microsoft/phi-2"])


def test_fmti_energy_and_emissions_cite_the_stated_figure(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(
        "# M\n\n| Model | Power Consumption | Carbon Emissions (tCO2eq) |\n|---|---|---|\n| m | 2 MWh | 0.5 |\n")
    pack = run("fmti", collect(str(folder)))
    energy = result(pack, "OC-FMTI-COMPUTE-ENERGY")
    assert energy.status == RuleStatus.PASS and "2000 kWh (stated as 2 MWh)" in energy.message
    assert energy.evidence[0].line == 5
    emissions = result(pack, "OC-FMTI-COMPUTE-EMISSIONS")
    assert emissions.status == RuleStatus.PASS and "0.5 tCO2eq" in emissions.message
    (folder / "README.md").write_text("# M\n\nNothing about energy here.\n")
    assert result(run("fmti", collect(str(folder))), "OC-FMTI-COMPUTE-ENERGY").status == RuleStatus.FAIL
