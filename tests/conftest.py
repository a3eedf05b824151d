"""Test-session setup shared by every suite: Hub isolation before huggingface_hub loads, and the replay server."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# huggingface_hub reads these at import (reference §4): no telemetry request, no real token file, no inherited
# endpoint or offline switch. A root conftest runs before any test module imports the library.
_HF_HOME = tempfile.mkdtemp(prefix="opencheck-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_TOKEN_PATH"] = str(Path(_HF_HOME) / "token")
_HUB_VARIABLES = ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
for _name in _HUB_VARIABLES:
    os.environ.pop(_name, None)
# GitHub and arXiv look-ups of a test that names no server (in-process or in a subprocess) go to the discard port:
# refused at once, a failed look-up, never a request to the internet. A test's own server (the hub_server fixture
# sets $OPENCHECK_ARXIV_API to its /oai2) or an explicit environment wins.
_NOWHERE = "http://127.0.0.1:9"
for _name in ("OPENCHECK_GITHUB_API", "OPENCHECK_ARXIV_API"):
    os.environ.setdefault(_name, _NOWHERE)

from tests.hubreplay.pytest_plugin import hub_server  # noqa: E402,F401 - the replay Hub fixture, for every suite


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without tokens, endpoint or offline switches from the developer's shell."""
    for name in (*_HUB_VARIABLES, "GITHUB_TOKEN", "HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
