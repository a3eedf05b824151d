"""Targets are read ahead by a thread of their own: a slow listing page does not hold back the outcomes before it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.hubreplay.server import HubReplayServer


def _stored(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_the_first_page_is_stored_while_the_second_is_still_on_its_way(tmp_path: Path) -> None:
    db = tmp_path / "ahead.sqlite"
    with HubReplayServer(synthetic_count=100) as hub:
        hub.add_fault("/api/models", "latency", times=None, delay=2.0)  # every listing page (50 models) takes 2 s
        env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1",
               "HF_HOME": str(tmp_path / "hf")}
        proc = subprocess.Popen([sys.executable, "-m", "opencheck", "batch", "--author", "synthetic", "--limit",
                                 "100", "--db", str(db), "--jobs", "4", "--no-cache", "--pack", "mof",
                                 "--lookup", "none"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        first_page_at = second_page_at = None
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            n = _stored(db)
            now = time.monotonic()
            if n >= 50 and first_page_at is None:
                first_page_at = now
            if n > 50:
                second_page_at = now
                break
            time.sleep(0.02)
        _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert _stored(db) == 100
    assert first_page_at is not None and second_page_at is not None
    # Read on demand, the second page was asked for only when the run needed its first model, and the last
    # checks of the first page waited with it: every model of page 1 stored only once page 2 had come.
    assert second_page_at - first_page_at > 1.0, second_page_at - first_page_at
