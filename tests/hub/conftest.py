"""Hub test setup: environment isolation before huggingface_hub is imported, and the replay server."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# huggingface_hub reads these at import (reference §4): no telemetry request, no real token file, no
# inherited endpoint or offline switch. Set before anything imports it.
_HF_HOME = tempfile.mkdtemp(prefix="opencheck-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_TOKEN_PATH"] = str(Path(_HF_HOME) / "token")
for _name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
    os.environ.pop(_name, None)

# `tests.hubreplay` is imported as a package of the repository root, whatever pytest's rootdir insertion did.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pytest  # noqa: E402
from tests.hubreplay.pytest_plugin import hub_server  # noqa: E402,F401 - re-exported fixture


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without tokens, endpoint or offline switches from the developer's shell."""
    for name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN",
                 "GITHUB_TOKEN", "HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
