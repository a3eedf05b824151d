"""`opencheck batch` through the replay Hub: listing, resume, rate limits, failing models, exports."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from tests.batch.helpers import batch, rows, write_targets
from tests.clirunner import run_cli

PACKS = ("--pack", "mof", "--pack", "osaid", "--pack", "open-training")


def synthetic(n: int, start: int = 1) -> list[str]:
    return [f"synthetic/model-{i:05d}" for i in range(start, start + n)]


def test_listing_costs_one_request_per_model_and_rerun_skips(hub, tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    # --lookup none: the budget of the core check (look-ups cost the same in batch as in check, tested elsewhere).
    result = batch(hub, tmp_path, "--db", str(db), "--author", "synthetic", "--limit", "30", "--jobs", "4",
                   "--lookup", "none", *PACKS)
    assert result.code == 0, result.err
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT target) FROM results")[0] == (90, 30)
    # The listing (1 page of 50 per request) replaced model_info: one README per model, no /api/models/{id}.
    assert hub.count("/api/models/synthetic/*") == 0
    assert hub.count("/synthetic/*/resolve/*/README.md") == 30
    assert hub.count("/api/models") == 1
    assert "1.03 per checked model" not in result.out  # per-model figure counts checks only
    assert "1.00 per checked model" in result.out
    hub.reset_counts()
    again = batch(hub, tmp_path, "--db", str(db), "--author", "synthetic", "--limit", "30", "--lookup", "none",
                  *PACKS)
    assert again.code == 0, again.err
    assert hub.total == 1  # only the listing page: every model is done at the listed sha
    assert rows(db, "SELECT COUNT(*) FROM results")[0][0] == 90
    assert rows(db, "SELECT checked, skipped FROM runs ORDER BY id DESC LIMIT 1")[0] == (0, 30)


def test_listing_paginates_and_matches_model_info_grades(hub, tmp_path: Path) -> None:
    listed, direct = tmp_path / "listed.sqlite", tmp_path / "direct.sqlite"
    assert batch(hub, tmp_path, "--db", str(listed), "--author", "synthetic", "--limit", "60", *PACKS).code == 0
    assert hub.count("/api/models") == 2  # 50 + 10, via Link rel="next"
    targets = write_targets(tmp_path / "t.txt", synthetic(60))
    assert batch(hub, tmp_path, str(targets), "--db", str(direct), *PACKS).code == 0
    a = rows(listed, "SELECT target, pack, grade, weights_licence_class FROM results ORDER BY 1, 2")
    b = rows(direct, "SELECT target, pack, grade, weights_licence_class FROM results ORDER BY 1, 2")
    assert a == b and len(a) == 180


def test_file_formats_missing_model_and_5xx_model(hub, tmp_path: Path) -> None:
    hub.add_fault("/api/models/synthetic/model-00003", "status", status=503, times=None)
    targets = tmp_path / "t.csv"
    targets.write_text("repo,note\nsynthetic/model-00001,a\nnobody/missing,b\nsynthetic/model-00003,c\n"
                       "EleutherAI/pythia-160m,d\n", encoding="utf-8")
    db = tmp_path / "a.sqlite"
    result = batch(hub, tmp_path, str(targets), "--db", str(db), "--backoff", "0.01", "--max-retries", "2", *PACKS)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    errors = dict((t, k) for t, k in rows(db, "SELECT target, kind FROM errors"))
    assert errors == {"nobody/missing": "not-found", "synthetic/model-00003": "server-error"}
    assert hub.count("/api/models/synthetic/model-00003") == 3  # first try + 2 bounded retries
    assert {t for (t,) in rows(db, "SELECT DISTINCT target FROM results")} == {
        "synthetic/model-00001", "EleutherAI/pythia-160m"}
    # Once the model recovers, the next run checks it and clears its error row.
    hub.clear_faults()
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"repo": "synthetic/model-00003"}\n# c\n', encoding="utf-8")
    assert batch(hub, tmp_path, str(jsonl), "--db", str(db), *PACKS).code == 0
    assert rows(db, "SELECT target FROM errors") == [("nobody/missing",)]
    assert rows(db, "SELECT COUNT(*) FROM results WHERE target = 'synthetic/model-00003'")[0][0] == 3


def test_429_storm_pauses_everyone_and_loses_nothing(hub, tmp_path: Path) -> None:
    hub.add_fault("/synthetic/*/resolve/*", "rate_limit", times=8,
                  headers={"RateLimit": '"resolvers";r=0;t=1',
                           "RateLimit-Policy": '"fixed window";"resolvers";q=3000;w=300'})
    targets = write_targets(tmp_path / "t.txt", synthetic(24))
    db = tmp_path / "a.sqlite"
    started = time.monotonic()
    result = batch(hub, tmp_path, str(targets), "--db", str(db), "--jobs", "8", *PACKS)
    elapsed = time.monotonic() - started
    assert result.code == 0, result.err
    assert rows(db, "SELECT COUNT(DISTINCT target) FROM results")[0][0] == 24
    assert rows(db, "SELECT COUNT(*) FROM errors")[0][0] == 0
    assert elapsed >= 1.0  # the pause was honoured
    # A shared pause: the 8 injected 429s are all that the storm cost (at most a few concurrent ones per pause).
    assert "HTTP 429: 8" in result.out
    readmes = hub.count("/synthetic/*/resolve/*/README.md")
    assert readmes == 24 + 8


def test_refresh_rechecks_without_duplicates(hub, tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "t.txt", synthetic(5))
    db = tmp_path / "a.sqlite"
    assert batch(hub, tmp_path, str(targets), "--db", str(db), *PACKS).code == 0
    hub.reset_counts()
    # A file target already stored costs one `expand=sha` probe, then is skipped.
    assert batch(hub, tmp_path, str(targets), "--db", str(db), *PACKS).code == 0
    assert hub.total == 5 and hub.count("*/README.md") == 0
    hub.reset_counts()
    assert batch(hub, tmp_path, str(targets), "--db", str(db), "--refresh", *PACKS).code == 0
    assert hub.count("*/README.md") == 5
    assert rows(db, "SELECT COUNT(*) FROM results")[0][0] == 15
    assert rows(db, "SELECT COUNT(*) FROM reports")[0][0] == 5


def test_exports_and_compare(hub, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pyarrow")
    targets = write_targets(tmp_path / "t.txt", [*synthetic(4), "EleutherAI/pythia-160m", "mistralai/Mistral-7B-v0.1"])
    db = tmp_path / "a.sqlite"
    assert batch(hub, tmp_path, str(targets), "--db", str(db), "--pack", "all").code == 0
    csv_out = run_cli(["export", "--db", str(db), "--format", "csv"], cwd=tmp_path)
    assert csv_out.code == 0, csv_out.err
    lines = csv_out.out.splitlines()
    assert lines[0].startswith("target,org,sha,pack,pack_version,grade")
    assert "component:Model parameters (Final)" in lines[0]
    from opencheck.rulepacks import builtin_pack_names

    assert len(lines) == 1 + 6 * len(builtin_pack_names())
    jsonl = run_cli(["export", "--db", str(db), "--format", "jsonl", "-o", "out.jsonl"], cwd=tmp_path)
    assert jsonl.code == 0, jsonl.err
    records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert {r["weights_licence_class"] for r in records} == {"osi"}
    assert run_cli(["export", "--db", str(db), "-f", "parquet", "-o", "out.parquet"], cwd=tmp_path).code == 0
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 6 * len(builtin_pack_names()) and "grade" in table.column_names
    page = run_cli(["export", "--db", str(db), "-f", "html", "-o", "out.html"], cwd=tmp_path)
    assert page.code == 0, page.err
    text = (tmp_path / "out.html").read_text()
    assert text.count("<svg") == 5
    assert "MOF classes" in text and "OSAID outcomes" in text and "Openness by organisation" in text
    assert "<script" not in text and 'src="http' not in text and "@import" not in text
    # Compare: pretend the old run graded one model differently.
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.execute(f"VACUUM INTO '{old}'")
    conn.close()
    conn = sqlite3.connect(old)
    # (With its look-ups run, as check runs them, the synthetic model passes OSAID; the old run said fail.)
    conn.execute("UPDATE results SET grade = 'fail', grade_rank = 0 WHERE target = 'synthetic/model-00002' "
                 "AND pack = 'osaid'")
    conn.commit()
    conn.close()
    diff = run_cli(["export", "--db", str(db), "--diff", str(old)], cwd=tmp_path)
    assert diff.code == 0, diff.err
    assert diff.out.splitlines()[1].split("\t")[:5] == ["synthetic/model-00002", "osaid", "fail", "pass",
                                                         "more open"]
    cmp = batch(hub, tmp_path, "--db", str(db), "--compare", str(old))
    assert cmp.code == 0 and "synthetic/model-00002\tosaid" in cmp.out


def test_usage_errors_are_one_line(hub, tmp_path: Path) -> None:
    for args in (["batch", "--author", "x"], ["batch", "--db", "a.sqlite"], ["batch", "nope.txt", "--db", "a.sqlite"],
                 ["export", "--db", "missing.sqlite"], ["export", "--db", "a.sqlite", "-f", "xml"]):
        (tmp_path / "a.sqlite").touch()
        result = run_cli(args, cwd=tmp_path, env={"HF_ENDPOINT": hub.url})
        assert result.code == 2, (args, result.err)
        assert result.err.startswith("opencheck: error:") and "Traceback" not in result.err
    assert run_cli(["export", "--db", "a.sqlite", "-f", "parquet"], cwd=tmp_path).code == 2


def test_evaluation_processes_give_the_same_results(hub, tmp_path: Path) -> None:
    """Rules evaluated in a worker process (the default from --jobs 8) store exactly what threads store."""
    targets = write_targets(tmp_path / "t.txt", [*synthetic(6), "EleutherAI/pythia-160m", "nobody/missing"])
    stored = {}
    for procs in ("0", "1"):
        db = tmp_path / f"p{procs}.sqlite"
        result = batch(hub, tmp_path, str(targets), "--db", str(db), "-j", "8", "--eval-processes", procs)
        assert result.code == 0, result.err
        stored[procs] = (
            rows(db, "SELECT target, sha, pack, grade, score, components FROM results ORDER BY target, pack"),
            rows(db, "SELECT target, kind FROM errors ORDER BY target"),
        )
    assert stored["0"] == stored["1"]
    assert len(stored["0"][0]) == 7 * 3  # seven models, three default packs
    assert stored["0"][1] == [("nobody/missing", "not-found")]


def test_failed_gate_is_named_on_stderr(hub, tmp_path: Path) -> None:
    db = tmp_path / "gate.sqlite"
    result = batch(hub, tmp_path, "--db", str(db), "--author", "synthetic", "--limit", "3", "--pack", "mof",
                   "--fail-under", "mof=I", "--fail-on", "error")
    assert result.code == 1, result.err
    gate_lines = [line for line in result.err.splitlines() if line.startswith("opencheck: gate failed: ")]
    assert gate_lines == ["opencheck: gate failed: 3 models checked in this run failed a gate (their rows in "
                          "gate.sqlite say which)"]
