"""Reports of the real-card folders (tests/fixtures/cards), as a maintainer's local check gives them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.clirunner import REPO, run_cli
from tests.sources.helpers import write_safetensors

CARDS = REPO / "tests" / "fixtures" / "cards"


def card_report(tmp_path: Path, folder: str) -> dict[str, Any]:
    """The JSON report (default packs, no look-ups) of a copy of a card folder with two parameters of weights."""
    target = tmp_path / folder
    shutil.copytree(CARDS / folder, target)
    write_safetensors(target / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(target), "-f", "json", "--no-lookups"])
    assert result.code == 0, result.err
    return json.loads(result.out)
