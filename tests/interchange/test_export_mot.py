"""`opencheck export mot`: MOT-valid manifests that classify like the original target."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.clirunner import run_cli
from tests.interchange.helpers import EXAMPLES, MOT_TEST_DATA, mot_schema_errors

from opencheck.collect import collect
from opencheck.mot import evaluate_manifest
from opencheck.mot.from_evidence import mot_manifest

TARGETS = [EXAMPLES / "open-model", EXAMPLES / "open-weights-only",
           *sorted(MOT_TEST_DATA.glob("*.yml"))[:8]]


def _classification(target: Path) -> tuple[int, dict[int, float]]:
    result = evaluate_manifest(mot_manifest(collect(str(target))))
    return result.mof_class, result.progress


@pytest.mark.parametrize("target", TARGETS, ids=lambda p: p.name)
def test_export_is_mot_valid_and_classifies_the_same(target: Path, tmp_path: Path) -> None:
    out = tmp_path / "exported.yml"
    result = run_cli(["export", "mot", str(target), "-o", str(out)])
    assert result.code == 0, result.err
    data = yaml.safe_load(out.read_text())
    assert mot_schema_errors(data) == []
    assert _classification(out) == _classification(target)
    original = run_cli(["check", str(target), "-p", "mof"]).out
    exported = run_cli(["check", str(out), "-p", "mof"]).out
    grade = [line for line in original.splitlines() if "grade:" in line]
    assert grade and grade == [line for line in exported.splitlines() if "grade:" in line]


def test_detected_licences_are_spdx_ids(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    for name in ("README.md", "config.json", "model.safetensors"):
        (folder / name).write_bytes((EXAMPLES / "open-weights-only" / name).read_bytes())
    result = run_cli(["export", "mot", str(folder)])
    assert result.code == 0, result.err
    data = yaml.safe_load(result.out)
    licences = {c["license"] for c in data["release"]["components"]}
    assert "llama2" not in licences and "LicenseRef-scancode-llama-2-license-2023" in licences
    assert data["release"]["producer"] == "" and "producer is unknown" in result.err


def test_declared_licences_are_kept_and_non_spdx_ids_reported(tmp_path: Path) -> None:
    manifest = tmp_path / "model.yml"
    manifest.write_text(
        "framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
        "release:\n  name: demo\n  producer: Demo\n  license: {distribution: {name: Apache 2.0}}\n"
        "  components:\n    - {name: Model card, license: CC-BY-4.0}\n    - {name: Training code, license: mit}\n")
    result = run_cli(["export", "mot", str(manifest)])
    assert result.code == 0
    data = yaml.safe_load(result.out)
    assert data["release"]["license"]["distribution"]["name"] == "Apache 2.0"  # kept as declared
    assert [c["license"] for c in data["release"]["components"]] == ["CC-BY-4.0", "mit"]
    assert "release.license.distribution.name: 'Apache 2.0' is not a valid SPDX id" in result.err
    assert "did you mean 'Apache-2.0'?" in result.err
    assert "'mit' is not a valid SPDX id" in result.err and "did you mean 'MIT'?" in result.err
    assert "CC-BY-4.0" not in result.err


def test_export_is_a_group_with_mot() -> None:
    import typer

    from opencheck.cli.app import app

    group = typer.main.get_command(app).commands["export"]  # type: ignore[attr-defined]
    assert "mot" in group.commands  # other exports (e.g. --db) join as sibling sub-commands
