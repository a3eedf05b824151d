"""Pytest fixtures for the Hub replay server: register with `pytest_plugins = ["tests.hubreplay.pytest_plugin"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.hubreplay.server import HubReplayServer


@pytest.fixture
def hub_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubReplayServer]:
    """A fresh replay server (own counters and faults) for one test; it also answers the arXiv look-up, which
    reads $OPENCHECK_ARXIV_API when a command is not told otherwise (so in-process and subprocess checks use it)."""
    with HubReplayServer() as server:
        monkeypatch.setenv("OPENCHECK_ARXIV_API", f"{server.url}/oai2")
        yield server
