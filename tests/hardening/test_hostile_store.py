"""A batch store written elsewhere is untrusted (docs/hardening.md): values of the wrong type in any column are
exported as what the schema promises, never an internal error."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from tests.hardening.helpers import run_cli

from opencheck.batch.stored_values import stored_components, typed_value
from opencheck.exit_status import ExitStatus

# Each statement plants one kind of hostile value; SQLite stores it whatever type its column declares.
HOSTILE = {
    "components-list": "UPDATE results SET components = '[1]'",
    "components-strings": "UPDATE results SET components = '{\"Model card\": \"x\"}'",
    "components-number": "UPDATE results SET components = 5",
    "components-deep": "UPDATE results SET components = '" + "[" * 100_000 + "]" * 100_000 + "'",
    "numbers-as-text": "UPDATE results SET score = 'abc', grade_rank = 'x', rules_passed = 'y', gate_passed = 'z'",
    "blobs": "UPDATE results SET score = x'00ff', grade = x'ff00', target = x'ff', org = x'00ff'",
    "huge-numbers": "UPDATE results SET score = 1e308 * 10, requests = 9223372036854775807",
    "text-as-numbers": "UPDATE results SET grade = 5, grade_label = 7, pack = 3, scheme = 4, sha = 12",
    "error-kind-number": "INSERT INTO errors (target, kind, message, run_id, at) VALUES ('x/y', 5, 'm', 1, 't')",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store: `opencheck batch` over two local folders."""
    root = tmp_path_factory.mktemp("store")
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    (root / "targets.txt").write_text(f"{root / 'a'}\n{root / 'b'}\n", encoding="utf-8")
    result = run_cli(["batch", str(root / "targets.txt"), "--db", str(root / "s.db"), "-p", "mof"])
    assert result.code == ExitStatus.SUCCESS, result.err
    return root / "s.db"


def _hostile_copy(store: Path, tmp_path: Path, sql: str) -> Path:
    db = tmp_path / "hostile.db"
    shutil.copy(store, db)
    conn = sqlite3.connect(db)
    conn.executescript(sql + ";")
    conn.commit()
    conn.close()
    return db


@pytest.mark.parametrize("name", list(HOSTILE))
def test_export_of_a_store_with_hostile_values(store: Path, tmp_path: Path, name: str) -> None:
    # Fixed: `components` that was not an object of objects raised AttributeError, a text or blob `score` made the
    # HTML summary raise ValueError, a blob broke JSONL and an infinite score broke the chart: internal errors.
    db = _hostile_copy(store, tmp_path, HOSTILE[name])
    for fmt in ("csv", "jsonl", "html"):
        result = run_cli(["export", "--db", str(db), "-f", fmt])
        assert result.code == ExitStatus.SUCCESS, (fmt, result.err)
        assert result.err == "", (fmt, result.err)
        if fmt == "jsonl":
            for line in result.out.splitlines():
                json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in JSONL"))
    result = run_cli(["export", "--db", str(db), "--diff", str(store)])
    assert result.code == ExitStatus.SUCCESS and "internal error" not in result.err, result.err
    result = run_cli(["export", "--db", str(store), "--diff", str(db)])
    assert result.code == ExitStatus.SUCCESS and "internal error" not in result.err, result.err


def test_typed_values() -> None:
    assert typed_value("score", "abc") is None and typed_value("score", float("inf")) is None
    assert typed_value("score", 50) == 50.0 and typed_value("requests", 3.0) == 3
    assert typed_value("target", b"\xff") == "\ufffd" and typed_value("grade", 5) == "5"
    assert typed_value("gate_passed", "z") is False and typed_value("gate_passed", 1) is True
    assert stored_components('{"a": {"status": 1}, "b": 2}') == {"a": {"status": "1"}}
    assert stored_components(None) == {} and stored_components("[") == {}
