"""`opencheck bom`: CycloneDX 1.6 and SPDX 3.0.1 documents validate, are deterministic and state no guesses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli
from tests.hub.helpers import collect as collect_hub
from tests.hubreplay.server import HubReplayServer
from tests.interchange.helpers import EXAMPLE_DIRS, EXAMPLES, HUB_MODELS, cyclonedx_errors, spdx_errors

from opencheck.collect import collect
from opencheck.interchange.bom import build_bom

STAMP = "2026-01-01T00:00:00Z"
AI_RESTRICTED = {"releaseTime", "suppliedBy", "software_downloadLocation", "software_packageVersion",
                 "software_primaryPurpose"}


@pytest.mark.parametrize("example", EXAMPLE_DIRS)
def test_local_examples_validate(example: str) -> None:
    for fmt in ("cyclonedx", "spdx"):
        first = run_cli(["bom", str(EXAMPLES / example), "--format", fmt])
        assert first.code == 0, first.err
        assert run_cli(["bom", str(EXAMPLES / example), "--format", fmt]).out == first.out  # deterministic
        if fmt == "cyclonedx":
            assert cyclonedx_errors(first.out) is None
        else:
            assert spdx_errors(json.loads(first.out)) == []


def test_hub_fixtures_validate(hub_server: HubReplayServer) -> None:
    for repo in HUB_MODELS:
        evidence = collect_hub(hub_server, repo, None, needs=frozenset({"datasets"}))
        cdx = build_bom(evidence, "cyclonedx", STAMP)
        assert cyclonedx_errors(cdx) is None, repo
        spdx = json.loads(build_bom(evidence, "spdx", STAMP))
        assert spdx_errors(spdx) == [], repo
        assert build_bom(evidence, "cyclonedx", STAMP) == cdx
        # The AI profile's restrictions: a Hub model's commit, date, supplier and location are all known.
        model = next(e for e in spdx["@graph"] if e["type"] == "ai_AIPackage" and e["spdxId"].endswith("#model"))
        assert not AI_RESTRICTED - set(model), (repo, AI_RESTRICTED - set(model))
        assert model["software_primaryPurpose"] == "model"


def test_cyclonedx_model_card_from_open_model() -> None:
    doc = json.loads(build_bom(collect(str(EXAMPLES / "open-model")), "cyclonedx", STAMP))
    model = doc["metadata"]["component"]
    assert model["type"] == "machine-learning-model"
    assert model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    card = model["modelCard"]
    assert card["modelParameters"]["task"] == "text-generation"
    assert card["modelParameters"]["inputs"] == [{"format": "text"}] == card["modelParameters"]["outputs"]
    assert card["modelParameters"]["modelArchitecture"] == "LlamaForCausalLM"
    (ref,) = card["modelParameters"]["datasets"]
    data = {c["bom-ref"]: c for c in doc["components"]}
    assert data[ref["ref"]]["type"] == "data" and data[ref["ref"]]["name"] == "example-org/tiny-web-corpus"
    assert card["quantitativeAnalysis"]["performanceMetrics"] == [
        {"type": "perplexity", "value": "412.7", "slice": "Tiny Web Corpus (held-out split)/test"}]
    env = card["considerations"]["environmentalConsiderations"]
    # 12 g CO2eq on the Hub card is 0.000012 tCO2eq; no energy figure, so no energyConsumptions entry.
    assert {"name": "opencheck:co2_eq_emissions:tCO2eq", "value": "0.000012"} in env["properties"]
    assert "energyConsumptions" not in env
    assert card["considerations"]["useCases"] and card["considerations"]["technicalLimitations"]
    assert any(p["name"] == "opencheck:hyperparameter:learning_rate" for p in card["properties"])
    assert doc["metadata"]["timestamp"].startswith("2026-01-01T00:00:00")


def test_cyclonedx_base_model_and_licence_ref() -> None:
    doc = json.loads(build_bom(collect(str(EXAMPLES / "open-weights-only")), "cyclonedx", STAMP))
    model = doc["metadata"]["component"]
    assert model["pedigree"]["ancestors"][0]["name"] == "example-org/tiny-open-lm"
    assert model["licenses"] == [{"expression": "LicenseRef-scancode-llama-2-license-2023"}]


def test_hub_bom_has_hashes_purl_and_ids_from_the_commit(hub_server: HubReplayServer) -> None:
    evidence = collect_hub(hub_server, "EleutherAI/pythia-160m", None, needs=frozenset({"datasets"}))
    sha = evidence.target.resolved_sha
    cdx = json.loads(build_bom(evidence, "cyclonedx", STAMP))
    model = cdx["metadata"]["component"]
    assert model["purl"] == f"pkg:huggingface/EleutherAI/pythia-160m@{sha}" and model["version"] == sha
    weights = next(f for f in evidence.files if f.path == "model.safetensors")
    assert {"alg": "SHA-256", "content": weights.sha256} in model.get("hashes", []) or any(
        weights.sha256 in p["value"] for p in model["properties"])
    spdx = json.loads(build_bom(evidence, "spdx", STAMP))
    ai = next(e for e in spdx["@graph"] if e["type"] == "ai_AIPackage" and e["spdxId"].endswith("#model"))
    assert ai["software_packageVersion"] == sha and ai["releaseTime"].endswith("Z")
    rels = {(r["relationshipType"]) for r in spdx["@graph"] if r["type"] == "Relationship"}
    assert {"trainedOn", "hasDeclaredLicense", "hasConcludedLicense"} <= rels
    datasets = [e for e in spdx["@graph"] if e["type"] == "dataset_DatasetPackage"]
    assert [d["name"] for d in datasets] == ["EleutherAI/pile"]
    # Same target and commit, same ids; serial number is no random UUID.
    again = json.loads(build_bom(evidence, "cyclonedx", STAMP))
    assert again["serialNumber"] == cdx["serialNumber"]


def test_unknown_licence_is_no_assertion(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text('{"architectures": ["X"], "model_type": "x"}')
    spdx = json.loads(build_bom(collect(str(folder)), "spdx", STAMP))
    rel = next(r for r in spdx["@graph"] if r.get("relationshipType") == "hasDeclaredLicense")
    assert rel["to"] == ["expandedlicensing_NoAssertionLicense"]
    assert spdx_errors(spdx) == []
    cdx = json.loads(build_bom(collect(str(folder)), "cyclonedx", STAMP))
    assert "licenses" not in cdx["metadata"]["component"]


def test_bom_writes_file_and_rejects_bad_format(tmp_path: Path) -> None:
    out = tmp_path / "bom.json"
    result = run_cli(["bom", str(EXAMPLES / "open-model"), "-f", "spdx", "-o", str(out)])
    assert result.code == 0 and json.loads(out.read_text())["@graph"]
    bad = run_cli(["bom", str(EXAMPLES / "open-model"), "-f", "xml"])
    assert bad.code == 2 and "Traceback" not in bad.err


def test_stated_energy_and_emissions_in_both_formats(hub_server: HubReplayServer) -> None:
    evidence = collect_hub(hub_server, "allenai/OLMo-7B", None, needs=frozenset({"datasets"}))
    cdx = json.loads(build_bom(evidence, "cyclonedx", STAMP))
    card = cdx["metadata"]["component"]["modelCard"]
    (use,) = card["considerations"]["environmentalConsiderations"]["energyConsumptions"]
    # The card's table row for OLMo 7B: 104 MWh and 75.05 tCO2eq, converted to the schema's kWh and tCO2eq.
    assert use["activity"] == "training"
    assert use["activityEnergyCost"] == {"value": 104000, "unit": "kWh"}
    assert use["co2CostEquivalent"] == {"value": 75.05, "unit": "tCO2eq"}
    assert use["energyProviders"] == [{"organization": {}, "energySource": "unknown",
                                       "energyProvided": {"value": 104000, "unit": "kWh"}}]
    sources = {p["name"]: p["value"] for p in use["properties"]}
    assert sources["opencheck:energy:source"].startswith("README.md:105") and "104 MWh" in sources[
        "opencheck:energy:source"]
    assert card["modelParameters"]["approach"] == {"type": "self-supervised"}
    assert any(p["name"] == "opencheck:approach:source" and p["value"].startswith("README.md:30")
               for p in card["properties"])
    spdx = json.loads(build_bom(evidence, "spdx", STAMP))
    model = next(e for e in spdx["@graph"] if e["type"] == "ai_AIPackage")
    assert model["ai_energyConsumption"] == {"type": "ai_EnergyConsumption", "ai_trainingEnergyConsumption": [
        {"type": "ai_EnergyConsumptionDescription", "ai_energyQuantity": "104000", "ai_energyUnit": "kilowattHour"}]}
    assert "training emissions: 75.05 tCO2eq, stated at README.md:105" in model["ai_informationAboutTraining"]
    assert spdx_errors(spdx) == [] and cyclonedx_errors(json.dumps(cdx)) is None


def _boms_of_card(tmp_path: Path, readme: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """CycloneDX document and the SPDX ai_AIPackage of a folder holding only this README, both validated."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(readme)
    evidence = collect(str(folder))
    cdx = json.loads(build_bom(evidence, "cyclonedx", STAMP))
    spdx = json.loads(build_bom(evidence, "spdx", STAMP))
    assert spdx_errors(spdx) == [] and cyclonedx_errors(json.dumps(cdx)) is None
    return cdx, next(e for e in spdx["@graph"] if e["type"] == "ai_AIPackage")


def test_emissions_without_energy_invent_no_energy(tmp_path: Path) -> None:
    cdx, model = _boms_of_card(tmp_path, "# M\n\n**Carbon Footprint** Pretraining used 3.3M GPU hours (TDP of 400W). "
                                         "Estimated total emissions were 539 tCO2eq.\n")
    env = cdx["metadata"]["component"]["modelCard"]["considerations"]["environmentalConsiderations"]
    assert "energyConsumptions" not in env  # CycloneDX needs kWh for that; 400W is power, not energy
    props = {p["name"]: p["value"] for p in env["properties"]}
    assert props["opencheck:co2_eq_emissions:tCO2eq"] == "539"
    assert props["opencheck:co2:source"].startswith("README.md:3")
    assert "ai_energyConsumption" not in model


def test_fine_tune_energy_is_fine_tuning(tmp_path: Path) -> None:
    cdx, model = _boms_of_card(tmp_path, "---\nbase_model: org/base\nlicense: mit\n---\n# Tuned\n\n"
                                         "We applied supervised fine-tuning; the run used 12 kWh of energy.\n")
    card = cdx["metadata"]["component"]["modelCard"]
    assert card["considerations"]["environmentalConsiderations"]["energyConsumptions"][0]["activity"] == "fine-tuning"
    assert card["modelParameters"]["approach"] == {"type": "supervised"}
    assert list(model["ai_energyConsumption"]) == ["ai_finetuningEnergyConsumption", "type"]


def _relations(doc: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(type, from's local id, [(to's type, to's name)]) of every relationship of an SPDX document."""
    by_id = {e["spdxId"]: e for e in doc["@graph"] if "spdxId" in e}
    return [(r["relationshipType"], r["from"].rsplit("#", 1)[-1],
             [(by_id[t]["type"], by_id[t].get("name", "")) if t in by_id else (t, "") for t in r["to"]])
            for r in doc["@graph"] if r["type"] == "Relationship"]


def test_spdx_training_evaluation_and_base_model_relationships() -> None:
    open_model = json.loads(build_bom(collect(str(EXAMPLES / "open-model")), "spdx", STAMP))
    relations = _relations(open_model)
    assert ("trainedOn", "model", [("dataset_DatasetPackage", "example-org/tiny-web-corpus")]) in relations
    # The model-index's held-out split is an evaluation dataset: testedOn, not trainedOn.
    assert ("testedOn", "model", [("dataset_DatasetPackage", "example-org/tiny-web-corpus-heldout")]) in relations
    assert not any(kind == "descendantOf" for kind, _, _ in relations)
    fine_tune = json.loads(build_bom(collect(str(EXAMPLES / "open-weights-only")), "spdx", STAMP))
    assert ("descendantOf", "model", [("ai_AIPackage", "example-org/tiny-open-lm")]) in _relations(fine_tune)
    assert spdx_errors(open_model) == [] and spdx_errors(fine_tune) == []


def test_inputs_and_outputs_come_from_known_tasks_only(tmp_path: Path) -> None:
    cdx, _ = _boms_of_card(tmp_path, "---\npipeline_tag: automatic-speech-recognition\n---\n# M\n")
    params = cdx["metadata"]["component"]["modelCard"]["modelParameters"]
    assert params["inputs"] == [{"format": "audio"}] and params["outputs"] == [{"format": "text"}]
    (tmp_path / "m").rename(tmp_path / "first")
    cdx, _ = _boms_of_card(tmp_path, "---\npipeline_tag: some-future-task\n---\n# M\n")
    params = cdx["metadata"]["component"]["modelCard"]["modelParameters"]
    assert params["task"] == "some-future-task" and "inputs" not in params and "outputs" not in params


@pytest.mark.parametrize(("value", "ancestors"), [("5", []), ("[org/a, 7, org/b]", ["org/a", "org/b"]),
                                                  ("{relation: adapter}", []), ("org/base", ["org/base"])])
def test_base_model_of_any_shape(tmp_path: Path, value: str, ancestors: list[str]) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(f"---\nbase_model: {value}\n---\n# M\n")
    result = run_cli(["bom", str(tmp_path / "m")])
    assert result.code == 0, result.err
    pedigree = json.loads(result.out)["metadata"]["component"].get("pedigree", {})
    assert [a["name"] for a in pedigree.get("ancestors", [])] == ancestors


def test_a_toolkit_the_card_links_is_not_the_models_vcs(hub_server: HubReplayServer) -> None:
    # Aquila-VL-2B (BAAI) links VLMEvalKit (evaluated with) and LLaVA-NeXT (installed to run it): neither is the
    # model's own repository. Pythia's EleutherAI repositories are.
    from opencheck.interchange.init_manifest import init_manifest_text

    aquila = collect_hub(hub_server, "BAAI/Aquila-VL-2B-llava-qwen", None)
    doc = json.loads(build_bom(aquila, "cyclonedx", STAMP))
    refs = doc["metadata"]["component"].get("externalReferences", [])
    assert [r for r in refs if r["type"] == "vcs"] == []
    assert "\n  repository:" not in init_manifest_text(aquila)
    pythia = collect_hub(hub_server, "EleutherAI/pythia-160m", None)
    doc = json.loads(build_bom(pythia, "cyclonedx", STAMP))
    vcs = {r["url"] for r in doc["metadata"]["component"]["externalReferences"] if r["type"] == "vcs"}
    assert "https://github.com/EleutherAI/pythia" in vcs and "https://github.com/EleutherAI/gpt-neox" in vcs
    assert "\n  repository: \"https://github.com/EleutherAI/pythia\"\n" in init_manifest_text(pythia)
