"""`--trust-references`: grade with the curated record as declared evidence marked `origin: reference`."""

from __future__ import annotations

from pathlib import Path

from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer
from tests.references.helpers import check_json


def test_trusted_reference_grades_and_is_marked(hub_server: HubReplayServer, tmp_path: Path) -> None:
    live = check_json(hub_server, tmp_path, "LLM360/Amber", "--no-lookups")
    assert live["summary"]["grades"]["mof"] == "Unclassified"
    trusted = check_json(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "--trust-references")
    assert trusted["summary"]["grades"]["mof"] == "I"
    refs = trusted["references"]
    assert refs["trusted"] is True and refs["trusted_record"] == "mot:Amber"
    assert "Evaluation code" in refs["trusted_components"]
    # The comparison stays about what was found live, so the disagreement is still visible.
    assert refs["records"][0]["live"]["label"] == "Unclassified"
    comps = {c["name"]: c for c in trusted["components"]}
    assert comps["Evaluation code"]["origin"] == "reference"
    assert comps["Evaluation code"]["licence_source"].startswith("reference:mot/models/Amber.yml")
    assert comps["Model parameters (Final)"]["origin"] == "reference+detected"
    assert comps["Model metadata"]["origin"] == "detected"
    findings = [r for p in trusted["packs"] for r in p["results"] if r["rule_id"] == "OC-MOF-EVALUATION-CODE"]
    assert findings and findings[0]["status"] == "pass"
    assert findings[0]["evidence"][0]["file"] == "reference:mot/models/Amber.yml"
    described = [r for p in trusted["packs"] for r in p["results"] if r["rule_id"] == "OC-OPEN-TRAINING-DATA-DESCRIBED"]
    assert described[0]["message"] == "Data card: present (reference+detected)"  # its DataMix section


def test_maintainers_manifest_wins_over_the_reference(tmp_path: Path) -> None:
    (tmp_path / "opencheck.yaml").write_text(
        "framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
        "release:\n  name: Amber\n  version: 7B\n  producer: LLM360\n  license:\n"
        "    distribution: {name: Apache-2.0}\n  components:\n"
        "    - name: Model parameters (Final)\n      license: CC-BY-4.0\n")
    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "user-refs")}
    import json

    result = run_cli(["check", str(tmp_path), "-f", "json", "--trust-references"], env=env)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    record = report["references"]["records"][0]
    assert (record["id"], record["matched_by"]) == ("mot:Amber", "name and producer in the manifest")
    comps = {c["name"]: c for c in report["components"]}
    assert comps["Model parameters (Final)"]["origin"] in ("declared", "both")
    assert comps["Model parameters (Final)"]["licence"] == "CC-BY-4.0"
    assert comps["Datasets"]["origin"] == "reference" and comps["Datasets"]["licence"] == "MIT"
    assert "Model parameters (Final)" not in report["references"]["trusted_components"]
