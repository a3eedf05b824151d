"""Exit codes of --fail-under and --fail-on through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import mot_fixture
from .test_cli_formats import run

CLASS2 = "Class2TTestFile"  # MOF Class II
CLASS1 = "Class1TestFile"  # MOF Class I


@pytest.mark.parametrize(("fixture", "spec", "code"), [
    (CLASS2, "mof=II", 0),
    (CLASS2, "mof=III", 0),
    (CLASS2, "mof=I", 1),
    (CLASS2, "II", 0),
    (CLASS2, "I", 1),
    (CLASS1, "mof=I", 0),
    (CLASS2, "mof=class 2", 0),
])
def test_fail_under_mof(fixture: str, spec: str, code: int) -> None:
    target = mot_fixture(fixture)
    got, _, err = run(["check", str(target), "-p", "mof", "--fail-under", spec, "-f", "json"], target.parent)
    assert got == code, err


def test_fail_under_osaid_and_release(tmp_path: Path) -> None:
    from .conftest import make_model

    make_model(tmp_path / "m")
    # The bare model has no weights, so OSAID fails and the release grade is low.
    code, _, _ = run(["check", "m", "-p", "osaid", "--fail-under", "osaid=pass", "-f", "json"], tmp_path)
    assert code == 1
    code, _, _ = run(["check", "m", "-p", "osaid", "--fail-under", "osaid=fail", "-f", "json"], tmp_path)
    assert code == 0
    code, _, _ = run(["check", "m", "-p", "release", "--fail-under", "release=B", "-f", "json"], tmp_path)
    assert code == 1


def test_fail_under_usage_errors() -> None:
    target = mot_fixture(CLASS2)
    code, _, err = run(["check", str(target), "-p", "mof", "--fail-under", "mof=IV"], target.parent)
    assert code == 2 and "not a grade" in err
    code, _, err = run(["check", str(target), "-p", "mof", "--fail-under", "osaid=pass"], target.parent)
    assert code == 2 and "not being run" in err


def test_fail_on_severity() -> None:
    target = mot_fixture(CLASS2)  # Class II: the Class I components fail at severity error
    code, out, _ = run(["check", str(target), "-p", "mof", "--fail-on", "error", "-f", "json"], target.parent)
    assert code == 1 and '"fail-on:error"' in out
    full = mot_fixture("FullTestFile")  # everything open: nothing fails
    code, _, err = run(["check", str(full), "-p", "mof", "--fail-on", "info", "-f", "json"], full.parent)
    assert code == 0, err
    code, _, _ = run(["check", str(target), "-p", "mof", "--fail-on", "fatal"], target.parent)
    assert code == 2


def test_failed_gates_are_named_on_stderr_when_the_report_goes_to_a_file(tmp_path: Path) -> None:
    target = mot_fixture(CLASS2)
    code, out, err = run(["check", str(target), "-p", "mof", "--fail-under", "mof=I", "--fail-on", "error",
                          "-f", "json", "-o", str(tmp_path / "r.json")], tmp_path)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "opencheck: wrote r.json"
    gate_lines = [line for line in lines if line.startswith("opencheck: gate failed: ")]
    assert len(gate_lines) == 2, err
    assert any("mof" in line and "I" in line for line in gate_lines)


def test_passed_gates_print_nothing_on_stderr(tmp_path: Path) -> None:
    target = mot_fixture(CLASS2)
    code, _, err = run(["check", str(target), "-p", "mof", "--fail-under", "mof=II", "-f", "json",
                        "-o", "r.json"], tmp_path)
    assert code == 0
    assert err == "opencheck: wrote r.json\n"


def test_every_command_words_a_written_file_the_same(tmp_path: Path) -> None:
    from .conftest import make_model

    make_model(tmp_path / "m")
    target = mot_fixture(CLASS2)
    _, _, err = run(["check", str(target), "-p", "mof", "-f", "json", "-o", "out/a.json"], tmp_path)
    assert err == f"opencheck: wrote {Path('out/a.json')}\n"
    _, _, err = run(["diff", "out/a.json", "out/a.json", "-o", "d.txt"], tmp_path)
    assert err == "opencheck: wrote d.txt\n"
    _, _, err = run(["bom", "m", "-o", "bom.json"], tmp_path)
    assert err == "opencheck: wrote bom.json\n"
    _, _, err = run(["init", "m"], tmp_path)
    assert err == f"opencheck: wrote {Path('m/opencheck.yaml')}\n"
