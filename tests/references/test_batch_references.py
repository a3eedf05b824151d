"""Batch rows and exports carry the live and the curated MOF class, so an analyst can sort by disagreement."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.batch.helpers import rows, write_targets
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.batch.store import Store


def test_rows_and_exports_carry_live_and_curated_class(hub_server: HubReplayServer, tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "t.txt", ["LLM360/Amber", "EleutherAI/pythia-160m", "tiiuae/falcon-7b"])
    db = tmp_path / "a.sqlite"
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_REFERENCES_DIR": str(tmp_path / "refs")}
    result = run_cli(["batch", str(targets), "--db", str(db), "-p", "mof", "--no-cache"], cwd=tmp_path, env=env)
    assert result.code == 0, result.err
    got = rows(db, "SELECT target, grade, live_class, curated_class, reference FROM results ORDER BY target")
    assert got == [("EleutherAI/pythia-160m", "III", "III", "I", "mot:Pythia-160M"),
                   ("LLM360/Amber", "III", "III", "I", "mot:Amber"),
                   ("tiiuae/falcon-7b", "Unclassified", None, None, None)]
    stored = json.loads(rows(db, "SELECT report FROM reports WHERE target = 'LLM360/Amber'")[0][0])
    assert stored["references"]["records"][0]["id"] == "mot:Amber"
    csv_out = run_cli(["export", "--db", str(db), "--format", "csv"], cwd=tmp_path, env=env)
    header, *lines = csv_out.out.splitlines()
    assert "live_class,curated_class,reference" in header
    amber = next(ln for ln in lines if ln.startswith("LLM360/Amber,"))
    assert ",III,I,mot:Amber," in amber
    jsonl = run_cli(["export", "--db", str(db), "--format", "jsonl"], cwd=tmp_path, env=env)
    records = {r["target"]: r for r in map(json.loads, jsonl.out.splitlines())}
    assert (records["EleutherAI/pythia-160m"]["live_class"], records["EleutherAI/pythia-160m"]["curated_class"]) \
        == ("III", "I")
    assert records["tiiuae/falcon-7b"]["curated_class"] is None


def test_a_store_from_before_the_reference_columns_gains_them(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with Store(db):
        pass
    conn = sqlite3.connect(db)
    for column in ("live_class", "curated_class", "reference"):
        conn.execute(f"ALTER TABLE results DROP COLUMN {column}")
    conn.commit()
    conn.close()
    assert "curated_class" not in {r[1] for r in rows(db, "PRAGMA table_info(results)")}
    exported = run_cli(["export", "--db", str(db), "--format", "csv"], cwd=tmp_path)  # read-only: no migration
    assert exported.code == 0, exported.err
    assert exported.out.splitlines()[0].count("curated_class") == 1
    with Store(db):
        pass
    assert {"live_class", "curated_class", "reference"} <= {r[1] for r in rows(db, "PRAGMA table_info(results)")}
