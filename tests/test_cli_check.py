"""End-to-end tests of `opencheck check` on manifests and folders, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.clirunner import MOT_FIXTURES, run_cli

from opencheck._resources import schema_path
from opencheck.exit_status import ExitStatus

EXPECTED = json.loads((MOT_FIXTURES / "expected_classification.json").read_text())
MOT_FILES = sorted(MOT_FIXTURES.glob("*.yml"))
CLASS_VALUE = {0: "Unclassified", 1: "I", 2: "II", 3: "III"}


def _report(path: Path, *extra: str) -> dict:
    result = run_cli(["check", str(path), "-p", "mof", "-f", "json", *extra])
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_all_27_mot_fixtures_are_present():
    assert len(MOT_FILES) == 27
    assert len(EXPECTED) == 27


@pytest.mark.parametrize("path", MOT_FILES, ids=lambda p: p.stem[:40])
def test_mot_fixture_reproduced_through_cli(path: Path):
    release_name = yaml.safe_load(path.read_text())["release"]["name"]
    want = EXPECTED[release_name]
    grade = _report(path)["packs"][0]["grade"]
    assert grade["value"] == CLASS_VALUE[want["class"]]
    assert grade["details"]["class"] == want["class"]
    for c in ("1", "2", "3"):
        assert grade["details"]["progress"][c] == pytest.approx(want["progress"][c], abs=0.01)


def test_json_report_validates_against_schema_and_is_deterministic():
    import jsonschema

    schema = json.loads(schema_path("report.schema.json").read_text())
    path = MOT_FILES[0]
    first = run_cli(["check", str(path), "-f", "json", "-p", "mof"]).out
    second = run_cli(["check", str(path), "-f", "json", "-p", "mof"]).out
    assert first == second
    jsonschema.validate(json.loads(first), schema)


def test_generated_at_is_the_only_varying_field():
    path = MOT_FILES[0]
    a = run_cli(["check", str(path), "-f", "json", "-p", "mof"], env={"SOURCE_DATE_EPOCH": "0"}).out
    b = run_cli(["check", str(path), "-f", "json", "-p", "mof"], env={"SOURCE_DATE_EPOCH": "86400"}).out
    da, db = json.loads(a), json.loads(b)
    assert da["generated_at"] != db["generated_at"]
    da.pop("generated_at")
    db.pop("generated_at")
    assert da == db


def test_text_report_names_grade_and_next_steps():
    path = next(p for p in MOT_FILES if p.name.startswith("Class3R"))
    result = run_cli(["check", str(path), "-p", "mof"])
    assert result.code == 0
    assert "Class III - Open Model" in result.out
    assert "next steps" in result.out
    assert "Class II needs Training code" in result.out


def test_fail_under_gate_exit_codes():
    class2 = next(p for p in MOT_FILES if p.name.startswith("Class2T"))
    assert run_cli(["check", str(class2), "-p", "mof", "--fail-under", "III"]).code == ExitStatus.SUCCESS
    assert run_cli(["check", str(class2), "-p", "mof", "--fail-under", "mof=II"]).code == ExitStatus.SUCCESS
    failed = run_cli(["check", str(class2), "-p", "mof", "--fail-under", "I"])
    assert failed.code == ExitStatus.GATE_FAILED
    assert "gate FAILED" in failed.out
    bad = run_cli(["check", str(class2), "-p", "mof", "--fail-under", "mof=Z"])
    assert bad.code == ExitStatus.USAGE_ERROR
    assert "not a grade of pack 'mof'" in bad.err


def test_fail_on_severity():
    class1 = next(p for p in MOT_FILES if p.name.startswith("Class1"))
    # Class1 fixture: its technical report slot is filled by the paper, so no error-severity rule fails.
    assert run_cli(["check", str(class1), "-p", "mof", "--fail-on", "error"]).code == ExitStatus.SUCCESS
    minimal = next(p for p in MOT_FILES if p.name.startswith("MinimalFile"))
    assert run_cli(["check", str(minimal), "-p", "mof", "--fail-on", "error"]).code == ExitStatus.GATE_FAILED


def test_output_file_written(tmp_path: Path):
    out = tmp_path / "sub" / "report.json"
    result = run_cli(["check", str(MOT_FILES[0]), "-p", "mof", "-f", "json", "-o", str(out)])
    assert result.code == 0
    assert result.out == ""
    assert json.loads(out.read_text())["tool"]["name"] == "opencheck"
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_output_to_unwritable_place_is_runtime_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli(["check", str(MOT_FILES[0]), "-p", "mof", "-o", str(blocker / "r.json")])
    assert result.code == ExitStatus.RUNTIME_ERROR
    assert result.err.startswith("opencheck: error:")
    assert "Traceback" not in result.err


# --- bad input -------------------------------------------------------------------------------------------

def test_missing_path(tmp_path: Path):
    result = run_cli(["check", str(tmp_path / "nope")])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "no such file or folder" in result.err
    assert result.err.count("\n") == 1


def test_file_that_is_not_a_manifest(tmp_path: Path):
    f = tmp_path / "weights.bin"
    f.write_bytes(b"\x00\x01")
    result = run_cli(["check", str(f)])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "not a folder or a manifest" in result.err


def test_invalid_manifest_points_at_file_line_and_path(tmp_path: Path):
    f = tmp_path / "model.yml"
    f.write_text(
        "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n"
        "release:\n  name: x\n  producer: y\n  license: {}\n  components:\n"
        "    - name: Model architecture\n      license: 42\n"
    )
    result = run_cli(["check", str(f), "-p", "mof"])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "model.yml:11: $.release.components[0].license:" in result.err
    assert "Traceback" not in result.err


def test_manifest_with_unknown_component_is_rejected(tmp_path: Path):
    f = tmp_path / "model.yml"
    f.write_text(
        "framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
        "release:\n  name: x\n  producer: y\n  license: {}\n  components:\n    - name: Weights\n"
    )
    result = run_cli(["check", str(f), "-p", "mof"])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "$.release.components[0].name" in result.err


def test_manifest_with_python_tag_is_rejected(tmp_path: Path):
    f = tmp_path / "model.yaml"
    f.write_text("framework: !!python/object/apply:os.system ['echo pwned']\n")
    result = run_cli(["check", str(f)])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "model.yaml:1:" in result.err


def test_empty_folder_is_checked_and_unclassified(tmp_path: Path):
    result = run_cli(["check", str(tmp_path), "-p", "mof", "-f", "json"])
    assert result.code == ExitStatus.SUCCESS, result.err
    report = json.loads(result.out)
    assert report["packs"][0]["grade"]["value"] == "Unclassified"
    assert report["target"]["kind"] == "local"


def test_unknown_pack_is_usage_error():
    result = run_cli(["check", str(MOT_FILES[0]), "-p", "no-such-pack"])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "unknown rule pack 'no-such-pack'" in result.err


def test_bad_option_is_usage_error():
    result = run_cli(["check", str(MOT_FILES[0]), "--format", "pdf"])
    assert result.code == ExitStatus.USAGE_ERROR


def test_version_and_help(capsys):
    assert run_cli(["--version"]).out.startswith("opencheck ")
    helped = run_cli(["check", "--help"])
    assert helped.code == 0
    assert "Exit codes" in capsys.readouterr().out
