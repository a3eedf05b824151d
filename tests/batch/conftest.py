"""Batch test fixtures (Hub isolation and `hub_server` come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.hubreplay.server import HubReplayServer


@pytest.fixture
def hub() -> Iterator[HubReplayServer]:
    """A replay server that lists 120 synthetic models besides the fixtures."""
    with HubReplayServer(synthetic_count=120) as server:
        yield server
