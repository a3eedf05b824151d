"""Shared helpers for the hardening tests: run the CLI in-process or as a subprocess and read its problems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.clirunner import REPO, CliResult, run_cli

__all__ = ["REPO", "CliResult", "check_json", "memory_peak", "one_line_error", "problem_codes", "run_cli",
           "run_subprocess"]


def check_json(target: Path | str, *extra: str, cwd: Path | None = None) -> dict[str, Any]:
    """`opencheck check TARGET -p mof -f json`: must exit 0 with no traceback; returns the report."""
    result = run_cli(["check", str(target), "-p", "mof", "-f", "json", *extra], cwd=cwd)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    report: dict[str, Any] = json.loads(result.out)
    return report


def problem_codes(report: dict[str, Any]) -> dict[str, list[str]]:
    """Problem code -> files it was reported for."""
    out: dict[str, list[str]] = {}
    for problem in report["problems"]:
        out.setdefault(problem["code"], []).append(problem["location"].get("file", ""))
    return out


def one_line_error(result: CliResult, code: int) -> str:
    """Assert the run failed with `code` and exactly one `opencheck: error:` line; return that line."""
    assert result.code == code, (result.code, result.err, result.out[:500])
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("opencheck: error: "), lines[0]
    return lines[0]


@contextmanager
def memory_peak() -> Iterator[Callable[[], int]]:
    """Track Python allocations; the yielded callable returns the peak in bytes so far."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    """A minimal environment for a CLI subprocess: no inherited tokens, endpoints or Hub cache."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "HF_HOME": str(home / "hf"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "SOURCE_DATE_EPOCH": "1767225600",
        "PYTHONPATH": str(REPO / "src"),
        "NO_COLOR": "1",
    }
    env.update(extra)
    return env


def run_subprocess(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> CliResult:
    """Run `python -m opencheck ARGS` as its own process (the way CI runs it)."""
    proc = subprocess.run([sys.executable, "-m", "opencheck", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
