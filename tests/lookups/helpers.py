"""Run `opencheck` in-process against the replay Hub with a recorded (never slept) retry back-off."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.clirunner import NO_ARXIV
from tests.hub.helpers import FakeSleep
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

from opencheck.cli.app import main
from opencheck.environment import Environment

PYTHIA = "EleutherAI/pythia-160m"
PYTHIA_SHA = json.loads((HUB_ROOT / PYTHIA / "model.json").read_text())["sha"]
# The replay paths of each optional look-up, for fault injection.
LOOKUP_PATHS = {"refs": f"/api/models/{PYTHIA}/refs", "datasets": "/api/datasets/*", "github": "/repos/*"}
# An open-training rule each look-up feeds on Pythia: pass or fail with the facts, inconclusive without them.
FED_RULE = {"refs": "OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS", "datasets": "OC-OPEN-TRAINING-DATA-LICENSED",
            "github": "OC-OPEN-TRAINING-CODE-TRAINING"}


@dataclass
class Run:
    """Exit code, streams and the back-off waits of one CLI run."""

    code: int
    out: str
    err: str
    sleeps: list[float] = field(default_factory=list)

    def json(self) -> Any:
        """stdout as JSON."""
        return json.loads(self.out)


def closed_port_url() -> str:
    """The URL of a port nothing listens on (a refused connection)."""
    with HubReplayServer() as server:
        url = server.url
    return url


def opencheck(args: list[str], hub: HubReplayServer | str, tmp: Path, *, github: str | None = None,
              arxiv: str | None = None, cache: bool = False) -> Run:
    """`opencheck ARGS` with the Hub at `hub`, GitHub at `github` and arXiv's OAI-PMH at `arxiv` (default: the
    replay server; when `hub` is a bare URL, a dead host for instance, arXiv must be named or is refused)."""
    url = hub if isinstance(hub, str) else hub.url
    stdout, stderr, sleep = io.StringIO(), io.StringIO(), FakeSleep()
    env = Environment(stdout=stdout, stderr=stderr, cwd=tmp, sleep=sleep,
                      env={"SOURCE_DATE_EPOCH": "1767225600", "HF_ENDPOINT": url,
                           "OPENCHECK_GITHUB_API": github or url,
                           "OPENCHECK_ARXIV_API": arxiv or (NO_ARXIV if isinstance(hub, str) else f"{url}/oai2")})
    extra = [] if args[0] not in ("check", "batch") else ["--cache-dir", str(tmp / "cache")] if cache \
        else ["--no-cache"]
    code = main([*args, *extra], env)
    return Run(code, stdout.getvalue(), stderr.getvalue(), sleep.calls)


def result(report: dict[str, Any], rule_id: str) -> dict[str, Any]:
    """One rule's result in a JSON report."""
    return next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == rule_id)


def grade(report: dict[str, Any], pack: str) -> dict[str, Any]:
    """One pack's grade in a JSON report."""
    return next(p["grade"] for p in report["packs"] if p["name"] == pack)
