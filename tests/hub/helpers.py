"""Shared helpers for the Hub tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opencheck.collect import collect_hub
from opencheck.evidence import Evidence
from opencheck.sources.hub import RetryPolicy
from opencheck.sources.hub_target import HubTarget, parse_hub_target


class FakeSleep:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def fast_retry(sleep: FakeSleep | None = None, **kwargs: Any) -> RetryPolicy:
    """A retry policy that never really sleeps."""
    return RetryPolicy(sleep=sleep or FakeSleep(), **kwargs)


def collect(server: Any, target: str | HubTarget, cache: Path | None, **kwargs: Any) -> Evidence:
    """collect_hub against the replay server with a fast retry policy."""
    hub_target = parse_hub_target(target) if isinstance(target, str) else target
    kwargs.setdefault("retry", fast_retry())
    kwargs.setdefault("timeout", 5.0)
    return collect_hub(hub_target, endpoint=server.url, cache_dir=cache, use_cache=cache is not None, **kwargs)
