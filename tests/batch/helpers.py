"""Helpers for the batch tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.clirunner import CliResult, run_cli


def batch(server: Any, tmp: Path, *args: str) -> CliResult:
    """`opencheck batch ...` in-process against the replay server, without the user's Hub cache."""
    # GitHub look-ups (on by default, as for check) go to the replay server too: tests never need the network.
    return run_cli(["batch", *args, "--no-cache"], cwd=tmp,
                   env={"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url})


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Query a store read-only."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write_targets(path: Path, targets: list[str]) -> Path:
    """A targets file, one per line, with a comment and a blank line."""
    path.write_text("# targets\n\n" + "\n".join(targets) + "\n", encoding="utf-8")
    return path
