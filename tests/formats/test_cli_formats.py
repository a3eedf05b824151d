"""`opencheck check` with several --format values, -o pairing, --output-dir and stdout."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opencheck.cli.app import main
from opencheck.environment import Environment

from .conftest import make_model


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI in-process; return (code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Environment(stdout=out, stderr=err, env={"SOURCE_DATE_EPOCH": "1767225600"}, cwd=cwd))
    return code, out.getvalue(), err.getvalue()


def test_all_formats_from_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # as in CI: the working folder is the checkout, the target relative to it
    make_model(tmp_path / "m")
    code, out, err = run(["check", "m", "-f", "json", "-f", "sarif", "-f", "markdown", "-f", "html",
                          "-f", "junit", "-f", "badge", "--output-dir", "out"], tmp_path)
    assert code == 0, err
    assert out == ""
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["report.badge.json", "report.html", "report.json", "report.junit.xml", "report.md",
                     "report.sarif"]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text())
    assert sarif["runs"][0]["properties"]["grades"] == report["summary"]["grades"]
    ET.fromstring((tmp_path / "out" / "report.junit.xml").read_text())
    assert json.loads((tmp_path / "out" / "report.badge.json").read_text())["schemaVersion"] == 1
    assert (tmp_path / "out" / "report.html").read_text().startswith("<!DOCTYPE html>")
    # SARIF locations are relative to the repository root (the working folder), not the model folder.
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris and all(u.startswith("m/") for u in uris)


def test_output_pairs_in_order_and_rest_to_stdout(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    code, out, err = run(["check", "m", "-f", "sarif", "-o", "r.sarif", "-f", "json", "-o", "r.json",
                          "-f", "badge"], tmp_path)
    assert code == 0, err
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert "schema_version" in json.loads((tmp_path / "r.json").read_text())
    assert json.loads(out)["schemaVersion"] == 1


def test_single_json_to_stdout(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    code, out, _ = run(["check", "m", "-f", "json"], tmp_path)
    assert code == 0
    assert json.loads(out)["schema_version"].startswith("1.")


def test_usage_errors(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    code, _, err = run(["check", "m", "-f", "json", "-f", "sarif"], tmp_path)
    assert code == 2 and "stdout" in err and "Traceback" not in err
    code, _, err = run(["check", "m", "-f", "json", "-o", "a.json", "-o", "b.json"], tmp_path)
    assert code == 2 and "--output" in err
    code, _, err = run(["check", "m", "-f", "json", "-f", "json", "--output-dir", "o"], tmp_path)
    assert code == 2
    code, _, err = run(["check", "m", "-f", "pdf"], tmp_path)
    assert code == 2
