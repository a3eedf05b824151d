"""Pytest fixtures for the Hub replay server: register with `pytest_plugins = ["tests.hubreplay.pytest_plugin"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.hubreplay.server import HubReplayServer


@pytest.fixture
def hub_server() -> Iterator[HubReplayServer]:
    """A fresh replay server (own counters and faults) for one test."""
    with HubReplayServer() as server:
        yield server
