"""Run the CLI in-process with an injected environment (shared by the CLI tests)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from opencheck.cli.app import main
from opencheck.environment import Environment

REPO = Path(__file__).resolve().parents[1]
MOT_FIXTURES = REPO / "tests" / "fixtures" / "mot" / "Test_Data"
EXAMPLES = REPO / "examples"


@dataclass
class CliResult:
    """Exit code and captured streams of one CLI run."""

    code: int
    out: str
    err: str


def run_cli(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run `opencheck ARGS` in-process with captured streams and a pinned clock."""
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = Environment(stdout=stdout, stderr=stderr,
                              env={"SOURCE_DATE_EPOCH": "1767225600", **(env or {})},
                              cwd=cwd or REPO)
    code = main(args, environment)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())
