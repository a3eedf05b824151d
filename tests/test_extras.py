"""A command that needs an optional extra says which `pip install` to run, in one line, exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.clirunner import EXAMPLES, run_cli

import opencheck.batch.export as export


def test_an_extra_imported_without_its_own_guard_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's last resort: a ModuleNotFoundError for an extra's module becomes the install hint, not exit 3."""
    targets = tmp_path / "t.txt"
    targets.write_text(f"{EXAMPLES / 'open-model'}\n", encoding="utf-8")
    stored = run_cli(["batch", str(targets), "--db", str(tmp_path / "a.sqlite"), "--pack", "mof"], cwd=tmp_path)
    assert stored.code == 0, stored.err
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if `opencheck[parquet]` were not installed

    def unguarded(*_args: object, **_kwargs: object) -> int:
        import pyarrow  # noqa: F401 - a code path that forgot its own "needs the extra" message

        return 0

    monkeypatch.setattr(export, "write_parquet", unguarded)
    result = run_cli(["export", "--db", str(tmp_path / "a.sqlite"), "-f", "parquet", "-o", "out.parquet"],
                     cwd=tmp_path)
    assert result.code == 2
    assert result.err == ("opencheck: error: this needs the optional extra 'parquet' (pyarrow is not installed): "
                          'pip install "opencheck[parquet]"\n')
