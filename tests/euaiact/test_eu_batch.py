"""Batch rows and exports carry the eu-gpai pack's four verdicts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.batch.helpers import batch, write_targets
from tests.clirunner import run_cli

from opencheck.euaiact.verdict_model import parse_headline


def test_exports_carry_the_four_verdicts(hub_server: Any, tmp_path: Path) -> None:
    """CSV and JSONL rows of eu-gpai have eu:* columns; other packs' rows leave them empty."""
    targets = write_targets(tmp_path / "t.txt", ["HuggingFaceTB/SmolLM3-3B", "nvidia/Nemotron-4-340B-Base"])
    db = tmp_path / "eu.sqlite"
    run = batch(hub_server, tmp_path, str(targets), "--db", str(db), "--pack", "eu-gpai", "--pack", "osaid")
    assert run.code == 0, run.err
    out = run_cli(["export", "--db", str(db), "--format", "csv"], cwd=tmp_path)
    assert out.code == 0, out.err
    rows = {(r["target"], r["pack"]): r for r in csv.DictReader(io.StringIO(out.out))}
    smol = rows[("HuggingFaceTB/SmolLM3-3B", "eu-gpai")]
    assert (smol["eu:gpai"], smol["eu:systemic_risk"], smol["eu:exemption"], smol["eu:still_owed"]) == (
        "likely", "not likely", "likely", "likely")
    assert rows[("nvidia/Nemotron-4-340B-Base", "eu-gpai")]["eu:systemic_risk"] == "likely"
    assert rows[("HuggingFaceTB/SmolLM3-3B", "osaid")]["eu:exemption"] == ""
    jsonl = run_cli(["export", "--db", str(db), "--format", "jsonl"], cwd=tmp_path)
    records = [json.loads(line) for line in jsonl.out.splitlines()]
    eu = [r for r in records if r["pack"] == "eu-gpai"]
    assert len(eu) == 2 and all(r["eu:exemption"] in ("likely", "not likely", "undetermined") for r in eu)
    assert all(r["eu:exemption"] is None for r in records if r["pack"] != "eu-gpai")


def test_headline_round_trips() -> None:
    """parse_headline reads back exactly what Assessment.headline writes; other labels give nothing."""
    label = ("exemption undetermined; GPAI model likely; systemic risk not likely; still owed (likely): copyright "
             "policy not found; training-content summary found. Information, not legal advice.")
    assert parse_headline(label) == {"exemption": "undetermined", "gpai": "likely", "systemic_risk": "not likely",
                                     "still_owed": "likely"}
    assert parse_headline("B (82/100)") == {}
