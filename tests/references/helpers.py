"""Shared helpers for the reference tests: the CLI against the replay Hub, with an isolated user reference folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clirunner import CliResult, run_cli
from tests.hubreplay.server import HubReplayServer


def hub_env(hub: HubReplayServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a check against the replay Hub; refreshed references (if any) live under tmp_path."""
    return {"HF_ENDPOINT": hub.url, "OPENCHECK_GITHUB_API": hub.url,
            "OPENCHECK_REFERENCES_DIR": str(tmp_path / "user-refs"), **extra}


def check(hub: HubReplayServer, tmp_path: Path, *args: str, **extra: str) -> CliResult:
    """`opencheck check ARGS` in-process against the replay Hub."""
    return run_cli(["check", *args, "--cache-dir", str(tmp_path / "cache")], cwd=tmp_path,
                   env=hub_env(hub, tmp_path, **extra))


def check_json(hub: HubReplayServer, tmp_path: Path, *args: str, **extra: str) -> dict[str, Any]:
    """The JSON report of a check that must succeed."""
    result = check(hub, tmp_path, *args, "-f", "json", **extra)
    assert result.code == 0, result.err
    return json.loads(result.out)
