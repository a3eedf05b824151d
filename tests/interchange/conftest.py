"""Interchange tests: Hub isolation (as tests/hub does) and the replay server fixture."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# huggingface_hub reads these at import: no telemetry, no real token file, no inherited endpoint.
_HF_HOME = tempfile.mkdtemp(prefix="opencheck-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_TOKEN_PATH"] = str(Path(_HF_HOME) / "token")
for _name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
    os.environ.pop(_name, None)

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.hubreplay.pytest_plugin import hub_server  # noqa: E402,F401 - re-exported fixture
