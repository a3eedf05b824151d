"""The process environment, injected into the CLI so tests need no patching (as HTTPie does)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Environment:
    """Streams, environment variables, working folder and clock used by a command."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path = field(default_factory=Path.cwd)
    now: Callable[[], datetime] = _utcnow
    sleep: Callable[[float], None] = time.sleep  # retry back-off waits (tests inject one that records)

    @property
    def stdout_isatty(self) -> bool:
        """Whether stdout is a terminal (colour and progress bars only then)."""
        try:
            return self.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    def timestamp(self) -> str:
        """ISO-8601 UTC timestamp for `generated_at`; `SOURCE_DATE_EPOCH` pins it for reproducible output."""
        epoch = self.env.get("SOURCE_DATE_EPOCH")
        moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else self.now()
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
