"""The quick start is two commands (`make demo`, `make test`); .ci/run runs exactly those, and set-up is idempotent."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _readme_quick_start() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quick start"):]
    section = section[:section.index("\n## ", 1)]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the quick start has no sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.split("#")[0].strip()]


def _ci_commands() -> list[str]:
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash" and "set -euo pipefail" in lines
    return [line.strip() for line in lines
            if line.strip() and not line.startswith("#") and line.strip() != "set -euo pipefail"
            and not line.startswith("cd ")]


def test_ci_runs_exactly_the_readme_quick_start() -> None:
    assert _readme_quick_start() == ["make demo", "make test"]
    assert _ci_commands() == _readme_quick_start()


def _plan(folder: Path, target: str) -> str:
    """The commands `make TARGET` would run (dry run), in a copy of the Makefile with the given state."""
    proc = subprocess.run(["make", "-n", target], cwd=folder, capture_output=True, text=True, check=True)
    return proc.stdout


def test_set_up_runs_only_when_needed(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    os.utime(tmp_path / "pyproject.toml", (1_000_000, 1_000_000))
    for target in ("demo", "test"):  # nothing installed yet: create the venv, install, then the command
        plan = _plan(tmp_path, target)
        assert "-m venv .venv" in plan and 'pip install -q -e ".[dev]"' in plan, plan
    assert ".venv/bin/opencheck check examples/open-model" in _plan(tmp_path, "demo")
    test_plan = _plan(tmp_path, "test")
    assert ".venv/bin/ruff check src tests benchmarks" in test_plan and ".venv/bin/python -m pytest" in test_plan
    # The HTML report is tested in a real browser: `make test` installs Debian's chromium when it is missing.
    assert "apt-get install -y -qq chromium" in test_plan and "chromium" not in _plan(tmp_path, "demo")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".opencheck-installed").touch()
    os.utime(tmp_path / ".venv" / ".opencheck-installed", (2_000_000, 2_000_000))
    for target in ("demo", "test"):  # installed after the last pyproject.toml change: straight to the command
        assert "pip install" not in _plan(tmp_path, target)
    os.utime(tmp_path / "pyproject.toml", (3_000_000, 3_000_000))
    assert 'pip install -q -e ".[dev]"' in _plan(tmp_path, "demo")  # pyproject.toml changed: reinstall
