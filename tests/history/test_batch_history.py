"""`opencheck batch --history`: one row per (model, revision, pack) in the store, resumable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.batch.helpers import batch, rows, write_targets
from tests.clirunner import run_cli
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

MODEL = "opencheck-test/history-model"
SHAS = [c["id"] for c in reversed(json.loads((HUB_ROOT / MODEL / "commits.json").read_text()))]


def test_one_row_per_model_revision_and_pack_and_resume(hub_server: HubReplayServer, tmp_path: Path) -> None:
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "README.md").write_text("---\nlicense: mit\n---\n# Local\n")
    local = str(tmp_path / "local")
    targets = write_targets(tmp_path / "t.txt", [MODEL, "synthetic/model-00001", local])
    db = tmp_path / "a.sqlite"
    result = batch(hub_server, tmp_path, str(targets), "--db", str(db), "--history", "--history-limit", "3",
                   "--pack", "osaid", "--jobs", "2")
    assert result.code == 0, result.err
    stored = rows(db, "SELECT target, sha, pack, grade FROM results WHERE target = ? ORDER BY sha", MODEL)
    assert sorted(s for _t, s, _p, _g in stored) == sorted(SHAS[-3:])  # the newest three commits, one row each
    # Each row is what `opencheck history` grades at that commit (both run the look-ups the rules read by default).
    shown = run_cli(["history", MODEL, "-p", "osaid", "--no-cache", "-f", "json"],
                    env={"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url})
    expected = {r["sha"]: r["grades"]["osaid"] for r in json.loads(shown.out)["revisions"]}
    assert {s: g for _t, s, _p, g in stored} == {sha: expected[sha] for sha in SHAS[-3:]}
    assert rows(db, "SELECT COUNT(*) FROM results WHERE target = 'synthetic/model-00001'")[0][0] == 1
    assert rows(db, "SELECT COUNT(*) FROM results WHERE target = ?", local)[0][0] == 1
    # Widening the window checks only the commits not stored yet; the others are skipped without a request.
    hub_server.reset_counts()
    again = batch(hub_server, tmp_path, str(targets), "--db", str(db), "--history", "--history-limit", "5",
                  "--pack", "osaid")
    assert again.code == 0, again.err
    assert rows(db, "SELECT COUNT(*) FROM results WHERE target = ?", MODEL)[0][0] == 5
    assert rows(db, "SELECT grade FROM results WHERE target = ? AND sha = ?", MODEL, SHAS[0]) == [(expected[SHAS[0]],)]
    checked = {r.path for r in hub_server.requests if "/revision/" in r.path}
    assert checked == {f"/api/models/{MODEL}/revision/{sha}" for sha in SHAS[:2]}


def test_history_since_needs_history(hub_server: HubReplayServer, tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "t.txt", [MODEL])
    result = batch(hub_server, tmp_path, str(targets), "--db", str(tmp_path / "a.sqlite"),
                   "--history-since", "2024-01-01")
    assert result.code == 2 and "--history-since needs --history" in result.err
