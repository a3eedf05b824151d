"""`opencheck init --from-reference`: a manifest that starts from the curated record, each fact commented."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirunner import run_cli

from opencheck.mot import evaluate_manifest
from opencheck.references.init_from import reference_manifest_text
from opencheck.references.store import load_index, packaged_root
from opencheck.sources.manifest import load_manifest


def test_every_curated_record_becomes_a_valid_manifest_of_the_same_class(tmp_path: Path) -> None:
    index = load_index({"OPENCHECK_REFERENCES_DIR": str(tmp_path / "none")})
    assert index.root == packaged_root().resolve()
    for entry in (e for e in index.entries if e.source == "mot"):
        record = index.load(entry)
        path = tmp_path / "opencheck.yaml"
        path.write_text(reference_manifest_text(entry, record, index.sources["mot"]), encoding="utf-8")
        written, _ = load_manifest(path)  # validated against the manifest schema
        assert evaluate_manifest(written).progress == evaluate_manifest(record).progress, entry.id


def test_init_from_reference_for_a_hub_id_needs_no_request(tmp_path: Path) -> None:
    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "refs"), "HF_ENDPOINT": "http://127.0.0.1:9"}  # unreachable
    result = run_cli(["init", "LLM360/Amber", "--from-reference"], cwd=tmp_path, env=env)
    assert result.code == 0, result.err
    text = (tmp_path / "opencheck.yaml").read_text()
    assert "# It starts from the curated record mot:Amber: MOT curators 8b5d30e (2026-05), mot/models/Amber.yml" in text
    assert "  producer: LLM360  # curated: release.producer\n" in text
    assert "    # curated: release.components[8] (MOT curators 8b5d30e (2026-05), mot/models/Amber.yml)\n" \
           "    - name: Datasets\n" in text
    report = json.loads(run_cli(["check", str(tmp_path), "-f", "json", "-p", "mof"], env=env).out)
    assert report["summary"]["grades"]["mof"] == "I"
    # The folder now declares the curated facts itself: the reference agrees with what is found.
    record = report["references"]["records"][0]
    assert record["matched_by"] == "Hub id llm360/amber" and record["live"]["class"] == 1


def test_init_from_reference_names_the_record_for_a_folder(tmp_path: Path) -> None:
    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "refs")}
    model = tmp_path / "model"
    model.mkdir()
    missing = run_cli(["init", str(model), "--from-reference"], env=env)
    assert missing.code == 2 and missing.err.count("\n") == 1 and "--reference ID" in missing.err
    result = run_cli(["init", str(model), "--from-reference", "--reference", "mot:GPT-NeoX-20B"], env=env)
    assert result.code == 0, result.err
    assert "name: GPT-NeoX-20B  # curated: release.name" in (model / "opencheck.yaml").read_text()
    again = run_cli(["init", str(model), "--from-reference", "--reference", "mot:GPT-NeoX-20B"], env=env)
    assert again.code == 2 and "already exists" in again.err
    lone = run_cli(["init", str(model), "--reference", "mot:Amber"], env=env)
    assert lone.code == 2 and "--reference ID goes with --from-reference" in lone.err
