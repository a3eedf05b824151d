"""Where a batch's CPU work runs: Hub evidence is detected, graded and scrubbed in the evaluation processes, and
what is stored is the same, byte for byte, as when one thread does everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.batch.helpers import batch, rows, write_targets

from opencheck.batch.store import RESULT_COLUMNS
from opencheck.output.redact import REDACTED

# Every stored column but the row ids and the time of writing (order and clock differ between runs).
COLUMNS = ", ".join(c for c in RESULT_COLUMNS if c != "checked_at")


def test_detection_and_scrubbing_in_evaluation_processes_store_the_same_bytes(
        hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A secret-named variable whose value is in a model name, its card and its report: every mode must redact it.
    monkeypatch.setenv("BENCH_CANARY_TOKEN", "pythia-160m")
    targets = write_targets(tmp_path / "t.txt", ["synthetic/model-00001", "synthetic/model-00002",
                                                 "EleutherAI/pythia-160m", "nobody/missing", "EleutherAI/gpt-neox-20b"])
    stored = {}
    for procs in ("0", "1", "2"):
        db = tmp_path / f"p{procs}.sqlite"
        result = batch(hub, tmp_path, str(targets), "--db", str(db), "-j", "4", "--eval-processes", procs)
        assert result.code == 0, result.err
        stored[procs] = (rows(db, f"SELECT {COLUMNS} FROM results ORDER BY target, pack"),
                         rows(db, "SELECT target, sha, packs, report FROM reports ORDER BY target"),
                         rows(db, "SELECT target, sha, kind, message, requests FROM errors ORDER BY target"))
    assert stored["0"] == stored["1"] == stored["2"]
    results, reports, errors = stored["0"]
    assert len(results) == 4 * 3 and len(reports) == 4
    assert errors == [("nobody/missing", None, "not-found", errors[0][3], errors[0][4])]
    everything = repr(stored["0"])
    assert "pythia-160m" not in everything and f"EleutherAI/{REDACTED}" in everything
    assert '"licence_class"' in reports[0][3]  # the reports are whole, detected facts included


def test_a_thread_hands_the_evaluation_over_and_gets_a_scrubbed_outcome_back(hub) -> None:
    from opencheck.batch.targets import BatchTarget
    from opencheck.batch.worker import Evaluating, WorkerSettings, check_target, release_resources
    from opencheck.check import CheckOptions
    from opencheck.collect import HubOptions
    from opencheck.output.redact import Redactor
    from opencheck.rulepacks import load_pack

    options = CheckOptions(packs=[load_pack("mof")], hub=HubOptions(endpoint=hub.url, use_cache=False))
    settings = WorkerSettings(options=options, generated_at="2026-01-01T00:00:00Z", jobs=2, run_key="handover",
                              eval_processes=1)
    try:
        # The thread returns as soon as the model is fetched: the evaluation is under way in the process.
        pending = check_target(BatchTarget("synthetic/model-00007"), frozenset(), settings, Redactor(["model-00007"]))
        assert isinstance(pending, Evaluating) and pending.target == "synthetic/model-00007"
        outcome = pending.future.result(timeout=120)
    finally:
        release_resources("handover")
    assert outcome["status"] == "ok" and outcome.pop("scrubbed") is True
    assert "model-00007" not in repr(outcome) and outcome["target"] == f"synthetic/{REDACTED}"
    assert outcome["rows"][0]["pack"] == "mof" and '"components"' in outcome["report"]
