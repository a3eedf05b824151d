"""The Dask executor on a local cluster (127.0.0.1): workers check, the client writes the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.batch.helpers import batch, rows, write_targets


def test_dask_executor_on_local_cluster(hub, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    targets = write_targets(tmp_path / "t.txt", [*(f"synthetic/model-{i:05d}" for i in range(1, 13)),
                                                  "nobody/missing"])
    db = tmp_path / "a.sqlite"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://",
                                  dashboard_address=None) as cluster:
        result = batch(hub, tmp_path, str(targets), "--db", str(db), "--executor", "dask", "--scheduler",
                       cluster.scheduler_address, "--pack", "mof", "--pack", "osaid", "--jobs", "4")
        assert result.code == 0, result.err
        again = batch(hub, tmp_path, str(targets), "--db", str(db), "--executor", "dask", "--scheduler",
                      cluster.scheduler_address, "--pack", "mof", "--pack", "osaid")
        assert again.code == 0, again.err
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT target) FROM results")[0] == (24, 12)
    assert rows(db, "SELECT target, kind FROM errors") == [("nobody/missing", "not-found")]
    assert "skipped (already in the store) │     12" in again.out
    assert hub.count("*/README.md") == 12


def test_dask_needs_a_scheduler(tmp_path: Path, hub) -> None:
    result = batch(hub, tmp_path, "t.txt", "--db", "a.sqlite", "--executor", "dask")
    assert result.code == 2 and "--scheduler" in result.err
