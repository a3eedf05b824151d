"""Faults of the batch store are one line saying what is wrong and what to do (exit 3), and lose no stored row:
a lock held by another process (bounded wait), a read-only file system, a file that is not SQLite, a full disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.batch.helpers import rows
from tests.clirunner import CliResult, run_cli
from tests.hardening.helpers import one_line_error

from opencheck.exit_status import ExitStatus

CARD = "---\nlicense: apache-2.0\n---\n# Model {n}\n"
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
conn.execute("ROLLBACK")
"""


def models(root: Path, n: int) -> Path:
    """`n` local model folders and a targets file naming them."""
    lines = []
    for i in range(n):
        folder = root / f"m{i}"
        folder.mkdir(exist_ok=True)
        (folder / "README.md").write_text(CARD.format(n=i), encoding="utf-8")
        lines.append(str(folder))  # absolute: the in-process CLI resolves targets against the process folder
    targets = root / "targets.txt"
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return targets


def batch(root: Path, db: Path, *extra: str, env: dict[str, str] | None = None) -> CliResult:
    """`opencheck batch targets.txt --db DB -p mof` in-process, from `root`."""
    return run_cli(["batch", "targets.txt", "--db", str(db), "-p", "mof", *extra], cwd=root, env=env)


def batch_error(result: CliResult, code: int) -> str:
    """The one `opencheck: error:` line of a batch run (progress lines may precede it), no traceback."""
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err and "internal error" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("opencheck: error: ")]
    assert len(errors) == 1 and result.err.splitlines()[-1] == errors[0], result.err
    return errors[0]


def stored(db: Path) -> list[tuple[object, ...]]:
    """Every result row (target, sha, pack), in order."""
    return rows(db, "SELECT target, sha, pack FROM results ORDER BY target")


@contextmanager
def lock_held_by_another_process(db: Path) -> Iterator[None]:
    """Another process holds an exclusive lock on `db` for the duration."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0


@contextmanager
def tmpfs(folder: Path) -> Iterator[Path]:
    """A real tmpfs at `folder` (the tests run as root), unmounted after; remount it read-only to get EROFS."""
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def remount(folder: Path, mode: str) -> None:
    """Remount the tmpfs at `folder` read-only (`ro`) or read-write (`rw`)."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def test_store_locked_by_another_process_waits_a_bounded_time(tmp_path: Path) -> None:
    models(tmp_path, 3)
    db = tmp_path / "s.sqlite"
    assert batch(tmp_path, db).code == 0
    before = stored(db)
    assert len(before) == 3
    with lock_held_by_another_process(db):
        started = time.monotonic()
        result = batch(tmp_path, db, "--refresh", env={"OPENCHECK_LOCK_TIMEOUT": "1"})
        elapsed = time.monotonic() - started
    line = one_line_error(result, ExitStatus.RUNTIME_ERROR)
    assert str(db.relative_to(tmp_path)) in line and "locked by another process" in line
    assert "OPENCHECK_LOCK_TIMEOUT" in line
    assert "internal error" not in line and "OperationalError" not in line
    assert 1 <= elapsed < 20
    assert stored(db) == before
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert batch(tmp_path, db, "--refresh").code == 0  # the lock gone, the same store works


def test_lock_taken_mid_run_rolls_back_one_check_and_keeps_the_rest(tmp_path: Path) -> None:
    from tests.batch.test_units import _outcome  # type: ignore[attr-defined]

    from opencheck.batch.store import Store
    from opencheck.errors import SourceError

    db = tmp_path / "s.sqlite"
    with Store(db, lock_timeout=0.2) as store:
        run = store.start_run("2026-01-01T00:00:00Z", "test", {})
        store.write_result(_outcome("a/one", "1" * 40), run, refresh=False)
        with lock_held_by_another_process(db), pytest.raises(SourceError) as info:
            store.write_result(_outcome("a/two", "2" * 40), run, refresh=False)
        assert "locked by another process" in str(info.value)
        assert not store.conn.in_transaction
        store.write_result(_outcome("a/three", "3" * 40), run, refresh=False)  # the store is still usable
    assert [r[0] for r in rows(db, "SELECT DISTINCT target FROM results ORDER BY target")] == ["a/one", "a/three"]


def test_read_only_file_system_is_one_line_and_keeps_rows(tmp_path: Path) -> None:
    models(tmp_path, 2)
    with tmpfs(tmp_path / "fs") as fs:
        db = fs / "s.sqlite"
        assert batch(tmp_path, db).code == 0
        before = stored(db)
        remount(fs, "ro")
        try:
            line = one_line_error(batch(tmp_path, db, "--refresh"), ExitStatus.RUNTIME_ERROR)
            assert str(db.relative_to(tmp_path)) in line and "read-only" in line and "writable folder" in line
            line = one_line_error(batch(tmp_path, fs / "new" / "s.sqlite"), ExitStatus.RUNTIME_ERROR)
            assert "read-only" in line and "internal error" not in line
            line = one_line_error(batch(tmp_path, fs / "other.sqlite"), ExitStatus.RUNTIME_ERROR)
            assert "read-only" in line
        finally:
            remount(fs, "rw")
        assert stored(db) == before
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_disk_full_is_one_line_and_keeps_rows(tmp_path: Path) -> None:
    models(tmp_path, 40)
    with tmpfs(tmp_path / "fs") as fs:
        subprocess.run(["mount", "-o", "remount,size=256k", str(fs)], check=True)
        db = fs / "s.sqlite"
        line = batch_error(batch(tmp_path, db), ExitStatus.RUNTIME_ERROR)
        assert str(db.relative_to(tmp_path)) in line and "disk is full" in line and "rerun the same command" in line
        subprocess.run(["mount", "-o", "remount,size=16m", str(fs)], check=True)
        kept = stored(db)
        assert 0 < len(kept) < 40  # the disk filled mid-run, after some checks were stored
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]
        assert batch(tmp_path, db).code == 0  # with room again, the same command resumes
        assert set(kept) <= set(stored(db)) and len(stored(db)) == 40


def test_not_a_sqlite_file_is_one_line(tmp_path: Path) -> None:
    models(tmp_path, 1)
    db = tmp_path / "notes.sqlite"
    db.write_text("these are my notes, not a database\n" * 50)
    line = one_line_error(batch(tmp_path, db), ExitStatus.RUNTIME_ERROR)
    assert "not an opencheck batch database" in line and "another --db" in line
    assert db.read_text().startswith("these are my notes")


def test_bad_lock_timeout_is_a_usage_error(tmp_path: Path) -> None:
    models(tmp_path, 1)
    line = one_line_error(batch(tmp_path, tmp_path / "s.sqlite", env={"OPENCHECK_LOCK_TIMEOUT": "soon"}),
                          ExitStatus.USAGE_ERROR)
    assert "OPENCHECK_LOCK_TIMEOUT" in line


def test_store_errors_never_mask_the_fault_with_a_rollback_error(tmp_path: Path) -> None:
    # A failed BEGIN leaves no transaction: the old code's ROLLBACK then raised "no transaction is active".
    from tests.batch.test_units import _outcome  # type: ignore[attr-defined]

    from opencheck.batch.store import Store
    from opencheck.errors import SourceError

    db = tmp_path / "s.sqlite"
    with Store(db, lock_timeout=0.1) as store:
        run = store.start_run("2026-01-01T00:00:00Z", "test", {})
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(SourceError) as info:
                store.write_result(_outcome("a/b", "1" * 40), run, refresh=False)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert "no transaction" not in str(info.value)


def test_export_reads_a_store_on_a_read_only_file_system(tmp_path: Path) -> None:
    # A WAL store on a read-only mount cannot create its -shm file: it read as "not an opencheck batch database".
    models(tmp_path, 2)
    with tmpfs(tmp_path / "fs") as fs:
        db = fs / "s.sqlite"
        assert batch(tmp_path, db).code == 0
        assert sorted(p.name for p in fs.iterdir()) == ["s.sqlite"]  # closed cleanly: no -wal, no -shm
        copy = tmp_path / "copy.sqlite"
        copy.write_bytes(db.read_bytes())
        writable = run_cli(["export", "--db", str(copy), "-f", "csv"], cwd=tmp_path)
        remount(fs, "ro")
        try:
            archived = run_cli(["export", "--db", str(db), "-f", "csv"], cwd=tmp_path)
        finally:
            remount(fs, "rw")
    assert archived.code == 0, archived.err
    assert archived.out == writable.out and archived.out.count("\n") == 3
