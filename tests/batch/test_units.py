"""Unit tests: the shared limiter, the store's keys and transactions, target files."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.batch.limiter import SharedLimiter
from opencheck.batch.store import PackKey, Store
from opencheck.batch.targets import read_targets
from opencheck.errors import UsageError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_limiter_pauses_everyone_after_429_and_paces_near_quota_end() -> None:
    clock = Clock()
    limiter = SharedLimiter(clock=clock, sleep=clock.sleep)
    limiter.acquire()
    assert clock.slept == []
    limiter.observe(429, {"Retry-After": "3"})
    limiter.acquire()  # any thread now waits until the pause ends
    assert sum(clock.slept) == pytest.approx(3.0)
    limiter.observe(200, {"RateLimit": '"api";r=4;t=10'})
    clock.slept.clear()
    limiter.acquire()
    limiter.acquire()
    assert sum(clock.slept) == pytest.approx(2.0)  # 10 s / (4 + 1) between requests
    limiter.observe(200, {"RateLimit": '"api";r=400;t=10'})
    assert limiter.stats()["rate_limited"] == 1


def test_limiter_backs_off_exponentially_without_hint() -> None:
    clock = Clock()
    limiter = SharedLimiter(clock=clock, sleep=clock.sleep)
    limiter.observe(429, {})
    limiter.observe(429, {})
    limiter.acquire()
    assert sum(clock.slept) == pytest.approx(2.0)


def _outcome(target: str, sha: str) -> dict:
    row = dict.fromkeys(("org", "pack_sha256", "scheme", "grade_label", "grade_rank", "score", "weights_licence",
                         "weights_licence_class", "data_licence", "data_licence_class", "code_licence_class"))
    row.update(target=target, sha=sha, pack="mof", pack_version="1.0.0", kind="hub", grade="III", rules_passed=1,
               rules_warned=0, rules_failed=0, rules_inconclusive=0, gate_passed=1, components="{}", requests=1,
               checked_at="2026-01-01T00:00:00Z")
    return {"target": target, "sha": sha, "packs_key": "mof@1.0.0", "report": "{}", "rows": [row]}


def test_store_unique_keys_and_done(tmp_path: Path) -> None:
    keys = [PackKey("mof", "1.0.0")]
    with Store(tmp_path / "s.sqlite") as store:
        run = store.start_run("t", "0", {})
        store.write_error("a/b", None, "server-error", "x", 2, run, "t")
        store.write_error("a/b", None, "server-error", "x", 2, run, "t")
        assert store.conn.execute("SELECT attempts FROM errors").fetchone()[0] == 2
        store.write_result(_outcome("a/b", "1" * 40), run, refresh=False)
        store.write_result(_outcome("a/b", "1" * 40), run, refresh=False)
        assert store.conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 1
        assert store.conn.execute("SELECT COUNT(*) FROM errors").fetchone()[0] == 0
        assert store.is_done("a/b", "1" * 40, keys)
        assert not store.is_done("a/b", "2" * 40, keys)
        assert not store.is_done("a/b", "1" * 40, [*keys, PackKey("osaid", "1.0.0")])
        assert store.done_shas("a/b", keys) == ["1" * 40]
    assert Store(tmp_path / "s.sqlite").conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_rejects_a_non_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not sqlite" * 100)
    with pytest.raises(Exception) as info:
        Store(bad)
    assert "not an opencheck batch database" in str(info.value)


def test_target_files(tmp_path: Path) -> None:
    lines = tmp_path / "a.txt"
    lines.write_text("# c\n\norg/a\n  ./local  \n", encoding="utf-8")
    assert [t.target for t in read_targets(lines)] == ["org/a", "./local"]
    csv_file = tmp_path / "b.csv"
    csv_file.write_text("name,repo\nx,org/a\ny,org/b\n", encoding="utf-8")
    assert [t.target for t in read_targets(csv_file)] == ["org/a", "org/b"]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"repo": "org/a"}\n\n{"repo": "org/b"}\n', encoding="utf-8")
    assert [t.target for t in read_targets(jsonl)] == ["org/a", "org/b"]
    jsonl.write_text('{"repo": "org/a"}\n{"x": 1}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=":2:"):
        list(read_targets(jsonl))
    no_column = tmp_path / "d.csv"
    no_column.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="'repo' column"):
        list(read_targets(no_column))
