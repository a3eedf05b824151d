"""The few lines every command writes to stderr, worded once: files written and gates that failed."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from opencheck.environment import Environment


def shown_path(env: Environment, path: Path | str) -> str:
    """`path` as a user reads it: relative to the working folder when inside it, else absolute."""
    p = Path(path)
    full = p if p.is_absolute() else env.cwd / p
    try:
        return os.path.normpath(full.relative_to(env.cwd)) if full != env.cwd else "."
    except ValueError:
        return os.path.normpath(full)


def relative_paths(env: Environment, message: str) -> str:
    """`message` with paths under the working folder shown relative to it, so every error names files alike."""
    base = str(env.cwd).rstrip(os.sep)
    if not base or not os.path.isabs(base):  # at the file-system root every path would lose its leading slash
        return message
    return message.replace(base + os.sep, "")


def wrote(env: Environment, path: Path | str) -> None:
    """Report one written file, in the one wording every command uses."""
    env.stderr.write(f"opencheck: wrote {shown_path(env, path)}\n")


def failed_gates(env: Environment, messages: Iterable[str]) -> None:
    """One stderr line per failed gate, so a run whose report went to a file still says why it exits 1."""
    for message in messages:
        env.stderr.write(f"opencheck: gate failed: {message}\n")
