"""Progress of a batch on stderr: a rich bar (rate, ETA, counts by outcome) on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from typing import Any, TextIO

from opencheck.batch.runner import BatchResult


def _counts(result: BatchResult) -> str:
    return f"ok {result.checked}, skipped {result.skipped}, failed {result.failed}"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class Progress:
    """Call `update(result, event)` after each outcome; `close()` at the end."""

    def __init__(self, stream: TextIO, total: int | None, *, tty: bool, interval: float = 5.0) -> None:
        self.stream = stream
        self.total = total
        self.tty = tty
        self.interval = interval
        self.started = time.monotonic()
        self._last = 0.0
        self._bar: Any = None
        self._task: Any = None
        if tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self._bar = RichProgress(
                TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f}/s"), TimeElapsedColumn(), TextColumn("ETA"),
                TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
                console=Console(file=stream, stderr=True), transient=False, refresh_per_second=4)
            self._bar.start()
            self._task = self._bar.add_task("batch", total=total, rate=0.0, counts="")

    def update(self, result: BatchResult, event: str) -> None:
        """Show the new counts (plain mode: at most one line per interval)."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = (result.checked + result.failed) / elapsed
        if self._bar is not None:
            self._bar.update(self._task, completed=result.done, rate=rate, counts=_counts(result))
            return
        now = time.monotonic()
        if event == "final" or now - self._last >= self.interval:
            self._last = now
            of = f"/{self.total}" if self.total is not None else ""
            eta = ""
            if self.total and rate > 0:
                eta = f", ETA {_duration(max(self.total - result.done, 0) / rate)}"
            self.stream.write(f"opencheck: batch: {result.done}{of} ({_counts(result)}), {rate:.1f} models/s{eta}\n")
            self.stream.flush()

    def close(self, result: BatchResult) -> None:
        """Stop the bar (or write the last line)."""
        if self._bar is not None:
            self.update(result, "final")
            self._bar.stop()
        else:
            self.update(result, "final")
