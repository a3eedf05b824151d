"""A local replay of the Hugging Face Hub (and GitHub licence API) for offline, request-counting tests."""

from __future__ import annotations

from typing import Any

__all__ = ["Fault", "HubReplayServer", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m tests.hubreplay.server` does not import the module twice.
    if name in __all__:
        from tests.hubreplay import server

        return getattr(server, name)
    raise AttributeError(name)
