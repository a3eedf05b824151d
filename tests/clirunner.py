"""Run the CLI in-process with an injected environment (shared by the CLI tests)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from opencheck.cli.app import main
from opencheck.environment import Environment

REPO = Path(__file__).resolve().parents[1]
MOT_FIXTURES = REPO / "tests" / "fixtures" / "mot" / "Test_Data"
EXAMPLES = REPO / "examples"


NO_GITHUB = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once
NO_ARXIV = NO_GITHUB  # the same for the arXiv look-up: refused at once, a failed look-up, never a network call


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
                              # GitHub and arXiv look-ups go to a closed local port unless a test names its
                              # server (the hub_server fixture sets $OPENCHECK_ARXIV_API to its /oai2): a test
                              # never reaches the internet, even by mistake.
                              env={"SOURCE_DATE_EPOCH": "1767225600", "OPENCHECK_GITHUB_API": NO_GITHUB,
                                   "OPENCHECK_ARXIV_API": os.environ.get("OPENCHECK_ARXIV_API") or NO_ARXIV,
                                   **(env or {})},
                              cwd=cwd or REPO)
    code = main(args, environment)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())
