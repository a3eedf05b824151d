"""Rule-evaluation processes never import code from the folder `opencheck batch` is run in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.batch.helpers import rows, write_targets
from tests.clirunner import run_cli

CARD = "---\nlicense: apache-2.0\n---\n# Tiny model\n\nA tiny model.\n"


def _models(tmp_path: Path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        folder = tmp_path / "models" / f"m{i}"
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(CARD, encoding="utf-8")
        paths.append(str(folder))
    return paths


def test_spawned_evaluators_do_not_import_the_working_folder(tmp_path: Path) -> None:
    """A spawned child starts as `python -c`, working folder first on its path, before it imports multiprocessing."""
    work = tmp_path / "work"
    (work / "multiprocessing").mkdir(parents=True)
    marker = tmp_path / "pwned"
    (work / "multiprocessing" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nraise SystemExit(97)\n", encoding="utf-8")
    targets = write_targets(tmp_path / "t.txt", _models(tmp_path, 3))
    db = tmp_path / "audit.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSAFEPATH", "PYTHONPATH")}
    proc = subprocess.run([str(Path(sys.executable).parent / "opencheck"), "batch", str(targets), "--db", str(db),
                           "--jobs", "2", "--eval-processes", "1", "--pack", "mof"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert not marker.exists()
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "SELECT COUNT(*) FROM results")[0][0] == 3


def test_the_process_environment_is_given_back(tmp_path: Path) -> None:
    before = os.environ.get("PYTHONSAFEPATH")
    targets = write_targets(tmp_path / "t.txt", _models(tmp_path, 2))
    result = run_cli(["batch", str(targets), "--db", str(tmp_path / "a.sqlite"), "--jobs", "2",
                      "--eval-processes", "1", "--pack", "mof"], cwd=tmp_path)
    assert result.code == 0, result.err
    assert os.environ.get("PYTHONSAFEPATH") == before
