"""`opencheck init`: pre-filled, schema-valid, idempotent, never overwriting, read back by `check`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.clirunner import run_cli
from tests.interchange.helpers import EXAMPLE_DIRS, copy_example, mot_schema_errors

from opencheck.sources.manifest import load_manifest


@pytest.mark.parametrize("example", EXAMPLE_DIRS)
def test_init_writes_a_valid_manifest_and_is_idempotent(example: str, tmp_path: Path) -> None:
    folder = copy_example(example, tmp_path)
    first = run_cli(["init", str(folder)])
    assert first.code == 0, first.err
    path = folder / "opencheck.yaml"
    text = path.read_bytes()
    data, _ = load_manifest(path)  # opencheck's manifest schema
    assert mot_schema_errors(data) == []
    assert b"TODO" in text
    again = run_cli(["init", str(folder)])
    assert again.code == 2 and "--force" in again.err and "Traceback" not in again.err
    assert path.read_bytes() == text
    forced = run_cli(["init", str(folder), "--force"])
    assert forced.code == 0, forced.err
    assert path.read_bytes() == text


def test_init_prefills_open_model(tmp_path: Path) -> None:
    folder = copy_example("open-model", tmp_path)
    assert run_cli(["init", str(folder)]).code == 0
    data = yaml.safe_load((folder / "opencheck.yaml").read_text())
    comps = {c["name"]: c for c in data["release"]["components"]}
    assert comps["Model parameters (Final)"] == {
        "name": "Model parameters (Final)", "description": "detected: 920 parameters {'F16': 920}",
        "license": "Apache-2.0", "component_path": "model.safetensors"}
    assert comps["Training code"]["component_path"] == "train.py"
    assert comps["Research paper"]["component_path"] == "https://arxiv.org/abs/2304.01373"
    assert comps["Datasets"]["license"] == "unlicensed"  # no licence found: stated, not invented
    assert data["release"]["license"] == {"distribution": {"name": "Apache-2.0", "path": "LICENSE"}}
    assert data["framework"] == {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"}


def test_init_marks_missing_components_as_commented_todos(tmp_path: Path) -> None:
    folder = copy_example("open-weights-only", tmp_path)
    assert run_cli(["init", str(folder)]).code == 0
    text = (folder / "opencheck.yaml").read_text()
    data = yaml.safe_load(text)
    names = {c["name"] for c in data["release"]["components"]}
    assert "Training code" not in names and "Datasets" not in names
    assert "# TODO: Training code (required, Class II) was not established." in text
    assert "#   Evidence that would satisfy it" not in text
    assert "# Evidence that would satisfy it: the training code" in text
    assert "#  - name: Training code" not in text and "# - name: Training code" in text
    # Llama 2's licence is written in its SPDX form (a LicenseRef), never as the Hub's `llama2`.
    assert all(c["license"] != "llama2" for c in data["release"]["components"])


def test_check_reads_the_written_manifest(tmp_path: Path) -> None:
    folder = copy_example("open-weights-only", tmp_path)
    assert run_cli(["init", str(folder)]).code == 0
    report = run_cli(["check", str(folder), "-p", "mof"])
    assert "manifest: opencheck.yaml" in report.out
    assert "opencheck.yaml:" in report.out  # findings cite the declared components


def test_init_round_trip_keeps_the_mof_class(tmp_path: Path) -> None:
    folder = copy_example("open-model", tmp_path)
    before = run_cli(["check", str(folder), "-p", "mof"])
    assert run_cli(["init", str(folder)]).code == 0
    after = run_cli(["check", str(folder), "-p", "mof"])
    grade = [line for line in before.out.splitlines() if "grade:" in line]
    assert grade and grade == [line for line in after.out.splitlines() if "grade:" in line]


def test_init_errors_are_one_line(tmp_path: Path) -> None:
    file = tmp_path / "weights.bin"
    file.write_bytes(b"x")
    result = run_cli(["init", str(file)])
    assert result.code == 2 and result.err.count("\n") == 1 and "not a folder" in result.err


def test_init_default_target_is_the_working_folder(tmp_path: Path) -> None:
    folder = copy_example("open-weights-only", tmp_path)
    result = run_cli(["init"], cwd=folder)
    assert result.code == 0, result.err
    assert (folder / "opencheck.yaml").is_file()
