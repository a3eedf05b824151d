"""Pack tests that replay Hub fixtures need the same isolation as the Hub tests (set before huggingface_hub loads)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_HF_HOME = tempfile.mkdtemp(prefix="opencheck-packs-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_TOKEN_PATH"] = str(Path(_HF_HOME) / "token")
for _name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
    os.environ.pop(_name, None)

from tests.hubreplay.pytest_plugin import hub_server  # noqa: E402,F401 - re-exported fixture
