"""kill -9 the batch subprocess mid-run, then resume: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.helpers import rows, write_targets
from tests.hubreplay.server import HubReplayServer

N = 80


def _done(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(DISTINCT target) FROM results").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_kill_9_mid_run_then_resume(tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "t.txt", [f"synthetic/model-{i:05d}" for i in range(1, N + 1)])
    db = tmp_path / "audit.sqlite"
    with HubReplayServer(latency=0.05) as hub:
        env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1",
               "HF_HOME": str(tmp_path / "hf"), "OPENCHECK_DEBUG": "0"}
        args = [sys.executable, "-m", "opencheck", "batch", str(targets), "--db", str(db), "--jobs", "4",
                "--no-cache", "--pack", "mof", "--pack", "osaid", "--lookup", "none"]
        proc = subprocess.Popen(args, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _done(db) < 10 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        proc.stderr.close()  # type: ignore[union-attr]
        done = _done(db)
        assert 10 <= done < N, "the kill must land mid-run"
        # Every stored target is complete: both packs, one report (a transaction per model).
        assert rows(db, "SELECT COUNT(*) FROM results")[0][0] == 2 * done
        assert rows(db, "SELECT COUNT(*) FROM reports")[0][0] == done
        hub.reset_counts()
        resumed = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert resumed.returncode == 0, resumed.stderr
        assert "Traceback" not in resumed.stderr
        # Only the models not stored before the kill were downloaded again; stored ones cost one sha probe.
        assert hub.count("*/README.md") == N - done
        assert hub.count("/api/models/synthetic/*") == N
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT target) FROM results")[0] == (2 * N, N)
    assert rows(db, "SELECT COUNT(*) FROM (SELECT target, sha, pack, pack_version FROM results "
                    "GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1)")[0][0] == 0
    assert rows(db, "SELECT COUNT(*) FROM errors")[0][0] == 0
    assert rows(db, "SELECT COUNT(*) FROM runs")[0][0] == 2
