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


NO_GITHUB = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once


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
                              # GitHub look-ups go to a closed local port unless a test names its server: a
                              # test never reaches the internet, even by mistake.
                              env={"SOURCE_DATE_EPOCH": "1767225600", "OPENCHECK_GITHUB_API": NO_GITHUB,
                                   **(env or {})},
                              cwd=cwd or REPO)
    code = main(args, environment)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())
