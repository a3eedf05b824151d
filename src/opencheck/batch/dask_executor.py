"""Run a batch's checks on a Dask cluster (optional extra `dask`): workers fetch and evaluate, the client writes.

Settings (packs, options) are scattered once to every worker; each task returns a plain outcome dict. Each
worker process has its own limiter (processes cannot share one), so `--rate` is per worker process.
"""

from __future__ import annotations

import contextlib
from typing import Any

from opencheck.batch.targets import BatchTarget
from opencheck.batch.worker import WorkerSettings, check_target, release_resources
from opencheck.errors import SourceError, UsageError


def _remote_check(item: BatchTarget, done_shas: frozenset[str], settings: WorkerSettings) -> dict[str, Any]:
    return check_target(item, done_shas, settings)


class DaskExecutor:
    """Submit checks to a `distributed` scheduler; the same interface as the thread executor."""

    def __init__(self, scheduler: Any, settings: WorkerSettings) -> None:
        try:
            import distributed
        except ImportError:
            raise UsageError("--executor dask needs dask.distributed: pip install 'opencheck[dask]'") from None
        self._distributed = distributed
        self.settings = settings
        self._own_client = not isinstance(scheduler, distributed.Client)
        try:
            self.client = distributed.Client(scheduler, timeout=30) if self._own_client else scheduler
        except (OSError, TimeoutError) as exc:
            raise SourceError(f"cannot connect to the Dask scheduler {scheduler}: {exc}") from None
        self._settings_future = self.client.scatter(settings, broadcast=True)
        self._stats: dict[str, float] = {"requests": 0, "rate_limited": 0, "pauses": 0, "paused_seconds": 0.0}

    def submit(self, item: BatchTarget, done_shas: frozenset[str]) -> Any:
        """Start one check on the cluster."""
        return self.client.submit(_remote_check, item, done_shas, self._settings_future, pure=False)

    def wait_any(self, futures: set[Any], timeout: float) -> tuple[set[Any], set[Any]]:
        """Wait until one future finishes (or the timeout passes)."""
        try:
            done, pending = self._distributed.wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:  # distributed raises the builtin TimeoutError when nothing finished in time
            return set(), set(futures)
        return set(done), set(pending)

    def limiter_stats(self) -> dict[str, float]:
        """Limiter counters summed over the workers."""
        key = self.settings.run_key

        def stats() -> dict[str, float]:
            from opencheck.batch.worker import _RESOURCES

            entry = _RESOURCES.get(key)
            return entry[0].stats() if entry else {}

        try:
            per_worker = self.client.run(stats)
        except Exception:  # statistics are best effort; the results are already stored
            return self._stats
        total: dict[str, float] = dict.fromkeys(self._stats, 0)
        for values in per_worker.values():
            for name, value in values.items():
                total[name] = total.get(name, 0) + value
        return total

    def close(self, cancel: bool = False) -> None:
        """Release worker resources and disconnect (closing the client only if we opened it)."""
        key = self.settings.run_key
        # A worker that died has nothing left to release.
        with contextlib.suppress(Exception):
            self.client.run(release_resources, key)
        if self._own_client:
            self.client.close()
