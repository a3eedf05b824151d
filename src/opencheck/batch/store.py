"""The batch store: one SQLite file (WAL), written by one thread, safe to kill at any moment.

Tables:
    runs     one row per `opencheck batch` invocation (options, start, end, counts)
    reports  the full JSON report of one check: UNIQUE(target, sha, packs)
    results  one row per (target, sha, pack, pack_version): headline grade and key figures; UNIQUE on that key
    errors   the last failure of a target that has no result yet: UNIQUE(target)

Every check is written inside one transaction (report + its result rows + clearing its error; checks that finish
together share one), so after a `kill -9` a target is either fully stored or absent; UNIQUE keys make a rerun
unable to duplicate it.

Faults of the store itself (read-only file system, no permission, locked by another process past the lock
timeout, disk full, not a SQLite file) end the run as one `SourceError` line saying what is wrong and what to
do; the failed transaction is rolled back and every row committed before it stays.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opencheck.errors import SourceError, UsageError

SCHEMA_VERSION = "1"
LOCK_TIMEOUT = 30.0  # seconds a write waits for another process's lock before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    tool_version TEXT NOT NULL,
    options TEXT NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    sha TEXT NOT NULL,
    packs TEXT NOT NULL,
    report TEXT NOT NULL,
    UNIQUE (target, sha, packs)
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    sha TEXT NOT NULL,
    pack TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    org TEXT,
    pack_sha256 TEXT,
    scheme TEXT,
    grade TEXT,
    grade_label TEXT,
    grade_rank INTEGER,
    score REAL,
    rules_passed INTEGER,
    rules_warned INTEGER,
    rules_failed INTEGER,
    rules_inconclusive INTEGER,
    gate_passed INTEGER NOT NULL,
    weights_licence TEXT,
    weights_licence_class TEXT,
    data_licence TEXT,
    data_licence_class TEXT,
    code_licence_class TEXT,
    components TEXT NOT NULL,
    requests INTEGER NOT NULL,
    checked_at TEXT NOT NULL,
    live_class TEXT,
    curated_class TEXT,
    reference TEXT,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    lookups_ran TEXT,
    lookups_failed TEXT,
    UNIQUE (target, sha, pack, pack_version)
);
CREATE INDEX IF NOT EXISTS results_by_pack ON results (pack, target);
CREATE TABLE IF NOT EXISTS errors (
    target TEXT PRIMARY KEY,
    sha TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    requests INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    at TEXT NOT NULL
);
"""

RESULT_COLUMNS = (
    "target", "sha", "pack", "pack_version", "kind", "org", "pack_sha256", "scheme", "grade", "grade_label",
    "grade_rank", "score", "rules_passed", "rules_warned", "rules_failed", "rules_inconclusive", "gate_passed",
    "weights_licence", "weights_licence_class", "data_licence", "data_licence_class", "code_licence_class",
    "components", "requests", "checked_at", "lookups_ran", "lookups_failed", "live_class", "curated_class",
    "reference",
)
# Columns added after a store's creation: (name, SQL type). Old stores gain them on open (NULL = not recorded).
ADDED_RESULT_COLUMNS = (("lookups_ran", "TEXT"), ("lookups_failed", "TEXT"), ("live_class", "TEXT"),
                        ("curated_class", "TEXT"), ("reference", "TEXT"))
_OPTIONAL = frozenset(name for name, _ in ADDED_RESULT_COLUMNS)


def _insert_results_sql(refresh: bool) -> str:
    """The INSERT of one result row (a refresh replaces the row of the same target, commit and pack)."""
    names = ", ".join(RESULT_COLUMNS)
    marks = ", ".join("?" for _ in RESULT_COLUMNS)
    conflict = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in (*RESULT_COLUMNS, "run_id", "report_id"))
                if refresh else "DO NOTHING")
    return (f"INSERT INTO results ({names}, run_id, report_id) VALUES ({marks}, ?, ?) "
            f"ON CONFLICT (target, sha, pack, pack_version) {conflict}")


@dataclass(frozen=True)
class PackKey:
    """A pack as results are keyed: name and version."""

    name: str
    version: str


# SQLite primary result codes (https://sqlite.org/rescode.html) and what each means for a batch store.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 26
_KEPT = "results stored before this are kept"


def store_fault(path: Path, exc: BaseException, lock_timeout: float = LOCK_TIMEOUT) -> SourceError:
    """One line for a fault of the store: what is wrong with `path` and what to do about it."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    lowered = text.lower()
    os_errno = getattr(exc, "errno", None)
    if primary in (_BUSY, _LOCKED) or "locked" in lowered or "busy" in lowered:
        return SourceError(f"{path}: the database is locked by another process (waited {lock_timeout:g} s); let "
                           f"that process finish, or set OPENCHECK_LOCK_TIMEOUT to wait longer; {_KEPT}")
    if primary == _FULL or os_errno == errno.ENOSPC or "disk is full" in lowered:
        return SourceError(f"{path}: the disk is full; free some space and rerun the same command to resume; "
                           f"{_KEPT}")
    if (primary in (_READONLY, _CANTOPEN, _PERM) or os_errno in (errno.EROFS, errno.EACCES, errno.EPERM)
            or "readonly" in lowered or "unable to open" in lowered):
        return SourceError(f"{path}: cannot write the database (read-only file system, or no permission: "
                           f"{getattr(exc, 'strerror', None) or text}); give a --db path in a writable folder; "
                           f"{_KEPT}")
    if primary in (_NOTADB, _CORRUPT) or "not a database" in lowered or "malformed" in lowered:
        return SourceError(f"{path}: not an opencheck batch database (not an SQLite file, or a damaged one: {text}); "
                           "give another --db file")
    if primary == _IOERR or isinstance(exc, OSError):
        return SourceError(f"{path}: I/O error on the database ({getattr(exc, 'strerror', None) or text}); "
                           f"check the disk, then rerun the same command to resume; {_KEPT}")
    return SourceError(f"{path}: database error: {text}")


def _connect(path: Path, *, readonly: bool = False, lock_timeout: float = LOCK_TIMEOUT,
             immutable: bool = False) -> sqlite3.Connection:
    if readonly and not path.is_file():
        raise UsageError(f"{path}: no such database")
    try:
        if readonly:
            query = "mode=ro&immutable=1" if immutable else "mode=ro"
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, timeout=lock_timeout)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
        return conn
    except (sqlite3.Error, OSError) as exc:
        raise store_fault(path, exc, lock_timeout) from None


class Store:
    """Read/write access to a batch database; all writes go through the one thread that owns it."""

    def __init__(self, path: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.conn = _connect(path, lock_timeout=lock_timeout)
        try:
            with self._faults():
                # WAL: readers (exports, progress probes) never block the writer; NORMAL sync survives kill -9.
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA foreign_keys = ON")
                self.conn.executescript(SCHEMA)
                self._check_version()
                self._add_columns()
        except BaseException:
            self.conn.close()
            raise

    @contextmanager
    def _faults(self) -> Iterator[None]:
        """Turn SQLite faults into one line naming the store (see store_fault); an open transaction rolls back."""
        try:
            yield
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):  # the original fault is what the user must see
                    self.conn.execute("ROLLBACK")
            raise store_fault(self.path, exc, self.lock_timeout) from None

    def _check_version(self) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self.conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        elif row["value"] != SCHEMA_VERSION:
            raise UsageError(f"{self.path}: store schema version {row['value']}, this opencheck writes "
                             f"{SCHEMA_VERSION}; use a new --db file")

    def _add_columns(self) -> None:
        """Columns of later releases, added to an older store of the same schema version (NULL in its old rows)."""
        have = {row["name"] for row in self.conn.execute("PRAGMA table_info(results)")}
        for name, kind in ADDED_RESULT_COLUMNS:
            if name not in have:
                self.conn.execute(f"ALTER TABLE results ADD COLUMN {name} {kind}")

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ----------------------------------------------------------------------------------------------
    def start_run(self, started_at: str, tool_version: str, options: dict[str, Any]) -> int:
        """Record a new run and return its id."""
        with self._faults():
            cur = self.conn.execute("INSERT INTO runs (started_at, tool_version, options) VALUES (?, ?, ?)",
                                    (started_at, tool_version, json.dumps(options, sort_keys=True)))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, finished_at: str, counts: dict[str, int]) -> None:
        """Stamp the end of a run with its counts."""
        with self._faults():
            self.conn.execute("UPDATE runs SET finished_at = ?, checked = ?, skipped = ?, failed = ?, "
                              "requests = ? WHERE id = ?", (finished_at, counts.get("checked", 0),
                                                            counts.get("skipped", 0), counts.get("failed", 0),
                                                            counts.get("requests", 0), run_id))

    # -- what is done ----------------------------------------------------------------------------------------
    def is_done(self, target: str, sha: str | None, packs: Sequence[PackKey]) -> bool:
        """Whether every pack (at its version) has a result for `target` at `sha` (any sha when None)."""
        if not packs:
            return False
        clause = " OR ".join("(pack = ? AND pack_version = ?)" for _ in packs)
        args: list[Any] = [target]
        sql = "SELECT sha, COUNT(DISTINCT pack) AS n FROM results WHERE target = ?"
        if sha is not None:
            sql += " AND sha = ?"
            args.append(sha)
        sql += f" AND ({clause}) GROUP BY sha HAVING n = ? LIMIT 1"
        for p in packs:
            args += [p.name, p.version]
        args.append(len(packs))
        with self._faults():
            return self.conn.execute(sql, args).fetchone() is not None

    def done_shas(self, target: str, packs: Sequence[PackKey]) -> list[str]:
        """The commits of `target` for which every pack (at its version) has a result."""
        clause = " OR ".join("(pack = ? AND pack_version = ?)" for _ in packs)
        args: list[Any] = [target]
        for p in packs:
            args += [p.name, p.version]
        with self._faults():
            rows = self.conn.execute(f"SELECT sha FROM results WHERE target = ? AND ({clause}) GROUP BY sha "
                                     "HAVING COUNT(DISTINCT pack) = ?", [*args, len(packs)])
            return [r["sha"] for r in rows]

    def has_target(self, target: str) -> bool:
        """Whether any result exists for `target` (then a rerun must learn its current sha to decide)."""
        with self._faults():
            return self.conn.execute("SELECT 1 FROM results WHERE target = ? LIMIT 1",
                                     (target,)).fetchone() is not None

    # -- writes ----------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around the writes inside it: all are stored or none (checks that finished together
        cost one commit instead of one each, and each check is still whole or absent after a kill -9)."""
        conn = self.conn
        with self._faults():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                # Only when the transaction is still open (a failed COMMIT may have ended it already).
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    def write_result(self, outcome: dict[str, Any], run_id: int, *, refresh: bool) -> None:
        """Store one successful check (report + one row per pack) in a single transaction (or the open one)."""
        with self._faults(), (self.transaction() if not self.conn.in_transaction else nullcontext()):
            self._insert_result(outcome, run_id, refresh)

    def _insert_result(self, outcome: dict[str, Any], run_id: int, refresh: bool) -> None:
        conn = self.conn
        cur = conn.execute(
            "INSERT INTO reports (target, sha, packs, report) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (target, sha, packs) DO UPDATE SET report = excluded.report RETURNING id",
            (outcome["target"], outcome["sha"], outcome["packs_key"], outcome["report"]))
        report_id = cur.fetchone()[0]
        cur.close()
        conn.executemany(_insert_results_sql(refresh),
                         [[row.get(c) if c in _OPTIONAL else row[c] for c in RESULT_COLUMNS] + [run_id, report_id]
                          for row in outcome["rows"]])
        conn.execute("DELETE FROM errors WHERE target = ?", (outcome["target"],))

    def write_error(self, target: str, sha: str | None, kind: str, message: str, requests: int, run_id: int,
                    at: str) -> None:
        """Record (or update) the failure of one target."""
        with self._faults():
            self.conn.execute(
                "INSERT INTO errors (target, sha, kind, message, requests, run_id, at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET sha = excluded.sha, kind = excluded.kind, "
                "message = excluded.message, attempts = errors.attempts + 1, requests = excluded.requests, "
                "run_id = excluded.run_id, at = excluded.at",
                (target, sha, kind, message, requests, run_id, at))


class StoreReader:
    """Read-only access for exports and comparisons (streams rows; never loads a whole table)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = _connect(path, readonly=True)
        try:
            self._probe()
        except sqlite3.OperationalError as exc:
            self.conn.close()
            # A WAL store on a read-only medium (an archive, a read-only mount) cannot make its -shm file; with no
            # -wal file beside it every row is in the main file, so reading it as immutable is exact.
            if "unable to open" not in str(exc) or Path(f"{path}-wal").exists():
                raise self._fault(exc) from None
            self.conn = _connect(path, readonly=True, immutable=True)
            try:
                self._probe()
            except sqlite3.DatabaseError as again:
                self.conn.close()
                raise self._fault(again) from None
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise self._fault(exc) from None

    def _probe(self) -> None:
        self.conn.execute("SELECT 1 FROM results LIMIT 1")

    def _fault(self, exc: sqlite3.DatabaseError) -> Exception:
        if "no such table" in str(exc):
            return UsageError(f"{self.path}: not an opencheck batch database")
        fault = store_fault(self.path, exc)
        if "not an opencheck batch database" in str(fault):
            return UsageError(f"{self.path}: not an opencheck batch database")
        return SourceError(f"{self.path}: cannot read the database: {exc}")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def latest_rows(self) -> Iterator[sqlite3.Row]:
        """The newest result per (target, pack), ordered by target then pack."""
        return self.conn.execute(
            "SELECT r.* FROM results r WHERE r.id = (SELECT r2.id FROM results r2 WHERE r2.target = r.target "
            "AND r2.pack = r.pack ORDER BY r2.checked_at DESC, r2.id DESC LIMIT 1) ORDER BY r.target, r.pack")

    def errors(self) -> Iterator[sqlite3.Row]:
        """Targets whose last attempt failed and that have no result."""
        return self.conn.execute("SELECT * FROM errors ORDER BY target")

    def count(self, table: str) -> int:
        """Rows in a table (results, errors, reports, runs)."""
        if table not in ("results", "errors", "reports", "runs"):
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
