"""`opencheck diff` and `check --baseline`: regressions, exit codes, text and JSON output."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from opencheck.cli.app import main
from opencheck.environment import Environment
from opencheck.report.diff import diff_reports

MOT = Path(__file__).resolve().parent / "fixtures" / "mot" / "Test_Data"


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI in-process; return (code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Environment(stdout=out, stderr=err, env={"SOURCE_DATE_EPOCH": "1767225600"}, cwd=cwd))
    return code, out.getvalue(), err.getvalue()


def mot(prefix: str) -> Path:
    """A MOT fixture manifest by name prefix."""
    return next(p for p in sorted(MOT.glob("*.yml")) if p.name.startswith(prefix))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """JSON reports of a complete (Class I), a Class II and a Class III manifest."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name, prefix in (("c1", "FullTestFile"), ("c2", "Class2TTestFile"), ("c3", "Class3TTestFile")):
        code, _, err = run(["check", str(mot(prefix)), "-p", "mof", "-p", "osaid", "-f", "json", "-o",
                            str(folder / f"{name}.json")], folder)
        assert code == 0, err
        out[name] = folder / f"{name}.json"
    return out


def _report(components: list[dict[str, Any]], grade: str = "II") -> dict[str, Any]:
    return {
        "schema_version": "1.0", "target": {"id": "m"},
        "packs": [{"name": "mof", "grade": {"value": grade, "order": ["Unclassified", "III", "II", "I"],
                                            "rank": ["Unclassified", "III", "II", "I"].index(grade)},
                   "results": []}],
        "components": components,
    }


def _comp(name: str, status: str = "present", cls: str | None = "osi", lic: str | None = "MIT") -> dict[str, Any]:
    return {"name": name, "status": status, "licence_class": cls, "normalised": lic, "licence": lic}


def test_no_change() -> None:
    old = _report([_comp("Training code")])
    result = diff_reports(old, copy.deepcopy(old))
    assert result.changes == [] and result.regressions == []


def test_component_lost() -> None:
    old = _report([_comp("Training code"), _comp("Datasets", cls="open-data", lic="CC-BY-4.0")])
    new = _report([_comp("Training code"), _comp("Datasets", status="absent", cls=None, lic=None)])
    kinds = [(c.kind, c.subject) for c in diff_reports(old, new).regressions]
    assert kinds == [("component-lost", "Datasets")]


@pytest.mark.parametrize(("before", "after", "regression"), [
    ("osi", "free", True),
    ("free", "open-data", True),
    ("open-data", "unknown", True),
    ("open-data", None, True),
    ("ambiguous", "non-commercial", True),
    ("unknown", "proprietary", True),
    ("proprietary", "osi", False),
    ("restricted", "non-commercial", False),  # both closed: no worse
    ("unknown", "ambiguous", False),
])
def test_licence_ordering(before: str | None, after: str | None, regression: bool) -> None:
    old = _report([_comp("Model parameters (Final)", cls=before, lic="A")])
    new = _report([_comp("Model parameters (Final)", cls=after, lic="B")])
    assert bool(diff_reports(old, new).regressions) is regression


def test_grade_dropped_and_rose() -> None:
    comps = [_comp("Training code")]
    assert [c.kind for c in diff_reports(_report(comps, "I"), _report(comps, "III")).regressions] == \
        ["grade-dropped"]
    up = diff_reports(_report(comps, "III"), _report(comps, "I"))
    assert not up.regressions and [c.kind for c in up.changes] == ["grade-rose"]


def test_cli_exit_codes(reports: dict[str, Path], tmp_path: Path) -> None:
    code, out, _ = run(["diff", str(reports["c1"]), str(reports["c2"])], tmp_path)
    assert code == 1 and "REGRESSION" in out and "grade-dropped" in out
    code, out, _ = run(["diff", str(reports["c2"]), str(reports["c1"])], tmp_path)
    assert code == 0 and "no regressions" in out
    code, out, _ = run(["diff", str(reports["c2"]), str(reports["c2"])], tmp_path)
    assert code == 0 and "no changes" in out


def test_cli_json_output(reports: dict[str, Path], tmp_path: Path) -> None:
    code, out, _ = run(["diff", str(reports["c1"]), str(reports["c3"]), "-f", "json"], tmp_path)
    assert code == 1
    data = json.loads(out)
    assert data["regression"] is True
    kinds = {c["kind"] for c in data["changes"] if c["regression"]}
    assert "grade-dropped" in kinds and "component-lost" in kinds
    assert data["changes"] == sorted(data["changes"], key=lambda c: (not c["regression"], c["kind"], c["subject"]))


def test_cli_invalid_input(reports: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"version": "2.1.0", "runs": []}')
    (tmp_path / "list.json").write_text("[]")
    for bad in ("bad.json", "other.json", "list.json", "missing.json"):
        code, _, err = run(["diff", bad, str(reports["c1"])], tmp_path)
        assert code == 2, bad
        assert "Traceback" not in err and bad in err


def test_check_baseline(reports: dict[str, Path], tmp_path: Path) -> None:
    code, out, err = run(["check", str(mot("Class2TTestFile")), "-p", "mof", "-p", "osaid", "--baseline",
                          str(reports["c1"]), "-f", "json"], tmp_path)
    assert code == 1, err
    gates = json.loads(out)["gates"]
    assert gates[-1]["name"] == "baseline" and gates[-1]["passed"] is False
    code, out, err = run(["check", str(mot("FullTestFile")), "-p", "mof", "-p", "osaid", "--baseline",
                          str(reports["c2"]), "-f", "json"], tmp_path)
    assert code == 0, err
    code, _, err = run(["check", str(mot("Class1TestFile")), "-p", "mof", "--baseline", "nope.json"], tmp_path)
    assert code == 2 and "nope.json" in err
