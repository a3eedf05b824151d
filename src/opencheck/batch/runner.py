"""Run a batch: stream targets, check them concurrently, write every outcome from this one thread.

Workers (threads here, Dask workers in dask_executor) fetch and evaluate and return plain dicts; only the
thread that called `run_batch` touches the SQLite store. In-flight work is bounded (2 x jobs), so memory
stays flat however many targets stream in.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from opencheck.batch.store import PackKey, Store
from opencheck.batch.targets import BatchTarget
from opencheck.batch.worker import (
    Evaluating,
    WorkerSettings,
    check_target,
    error_outcome,
    is_local,
    pack_keys,
    release_resources,
    run_resources,
)
from opencheck.errors import OpencheckError
from opencheck.output.redact import Redactor, scrub_data


@dataclass
class BatchResult:
    """Counts of one run, for the summary and the exit code."""

    checked: int = 0
    skipped: int = 0
    failed: int = 0
    gate_failed: int = 0
    lookups_failed: int = 0  # checked models with at least one failed look-up (their unknown facts)
    requests: int = 0  # all requests sent (listing, probes, checks, retries)
    check_requests: int = 0  # requests spent by successful checks
    errors: Counter[str] = field(default_factory=Counter)
    grades: dict[str, Counter[str]] = field(default_factory=dict)
    seconds: float = 0.0
    limiter: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def done(self) -> int:
        """Targets handled so far."""
        return self.checked + self.skipped + self.failed


# -- executors ------------------------------------------------------------------------------------------------

class ThreadExecutor:
    """Checks on a thread pool in this process (the default)."""

    def __init__(self, settings: WorkerSettings, redactor: Redactor | None = None) -> None:
        self.settings = settings
        self.redactor = redactor  # outcomes are scrubbed where they are made (threads, evaluation processes)
        self.pool = ThreadPoolExecutor(max_workers=settings.jobs, thread_name_prefix="opencheck-batch")

    def submit(self, item: BatchTarget, done_shas: frozenset[str]) -> Future[dict[str, Any]]:
        """Start one check."""
        return self.pool.submit(check_target, item, done_shas, self.settings, self.redactor)

    @staticmethod
    def wait_any(futures: set[Any], timeout: float) -> tuple[set[Any], set[Any]]:
        """Wait until one future finishes (or the timeout passes)."""
        done, pending = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return set(done), set(pending)

    def limiter_stats(self) -> dict[str, float]:
        """The shared limiter's counters."""
        return run_resources(self.settings)[0].stats()

    def close(self, cancel: bool = False) -> None:
        """Stop the pool (dropping queued work when cancelling)."""
        self.pool.shutdown(wait=True, cancel_futures=cancel)
        release_resources(self.settings.run_key)


# -- the run --------------------------------------------------------------------------------------------------

def run_batch(targets: Iterable[BatchTarget], store: Store, settings: WorkerSettings, *, run_id: int,
              refresh: bool = False, executor: Any = None, on_progress: Callable[[BatchResult, str], None]
              | None = None, clock: Callable[[], str] | None = None) -> BatchResult:
    """Check every target, write outcomes to the store as they arrive, and return the counts."""
    keys = pack_keys(settings.options)
    # What goes into the store is redacted: model names, error texts and report values may carry a token.
    scrubber = Redactor.from_env(os.environ, (settings.options.hub.token, settings.options.hub.github_token))
    # Threads and this machine's evaluation processes scrub what they return; a Dask worker elsewhere is not given
    # this process's secrets, so its outcomes are scrubbed here.
    executor = executor or ThreadExecutor(settings, scrubber)
    result = BatchResult(grades={k.name: Counter() for k in keys})
    started = time.monotonic()
    now = clock or (lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    flight = _InFlight(executor)
    cap = max(2, settings.jobs * 2)
    report = on_progress or (lambda _r, _e: None)

    def collect(timeout: float) -> bool:
        """Store the checks that finish within `timeout`; whether any did."""
        outcomes = flight.settle(timeout)
        if outcomes:
            _write(outcomes, result, store, scrubber, run_id=run_id, refresh=refresh, now=now)
            for outcome in outcomes:
                report(result, outcome["status"])
        return outcomes is not None

    def drain(limit: int) -> None:
        while len(flight) > limit:
            if not collect(1.0):
                report(result, "tick")

    try:
        for item in _dedupe(_read_ahead(targets, cap)):
            if item is None:  # the next target is not here yet (a listing page on its way): store what finished
                if len(flight):
                    collect(0.05)
                continue
            decision = _plan(item, store, keys, refresh)
            if decision is None:
                result.skipped += 1
                report(result, "skipped")
                continue
            flight.add(executor.submit(item, decision))
            drain(cap - 1)
        drain(0)
    except KeyboardInterrupt:
        result.interrupted = True
        executor.close(cancel=True)
        # Checks that finished before the interrupt are kept; the rest is retried by the next run.
        _write(flight.finished(), result, store, scrubber, run_id=run_id, refresh=refresh, now=now)
        raise
    finally:
        result.seconds = time.monotonic() - started
        result.limiter = executor.limiter_stats()
        result.requests = int(result.limiter.get("requests", 0))
        if not result.interrupted:
            executor.close()
    return result


class _InFlight:
    """The checks under way: the executor's futures, and the evaluations some of them handed to a process."""

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.futures: set[Any] = set()
        self.evaluating: dict[Any, str] = {}  # evaluation-process futures and their targets

    def __len__(self) -> int:
        return len(self.futures)

    def add(self, future: Any) -> None:
        """Count one more check under way."""
        self.futures.add(future)

    def settle(self, timeout: float) -> list[dict[str, Any]] | None:
        """Wait up to `timeout` for checks to finish: their outcomes (None when none finished)."""
        done, self.futures = self.executor.wait_any(self.futures, timeout)
        if not done:
            return None
        outcomes, handed_on = _settle(done, self.evaluating)
        self.futures |= handed_on
        return outcomes

    def finished(self) -> list[dict[str, Any]]:
        """The outcomes of the checks that finished (after an interrupt, when the rest is cancelled)."""
        done = {f for f in self.futures if f.done() and not f.cancelled() and f.exception() is None}
        return _settle(done, self.evaluating)[0]


def _settle(done: set[Any], evaluating: dict[Any, str]) -> tuple[list[dict[str, Any]], set[Any]]:
    """The outcomes of finished futures, and the evaluation-process futures some of them handed on.

    A thread that fetched a target hands its evaluation to a process and moves on to the next fetch; the run
    waits for that evaluation like for any other check (the in-flight bound counts both)."""
    outcomes: list[dict[str, Any]] = []
    handed_on: set[Any] = set()
    for future in done:
        target = evaluating.pop(future, None)
        try:
            value = future.result()
        except Exception as exc:  # an evaluation process died (a broken pool): that target's error row
            if target is None:
                raise
            value = error_outcome(target, exc)
        if isinstance(value, Evaluating):
            evaluating[value.future] = value.target
            handed_on.add(value.future)
        else:
            outcomes.append(value)
    return outcomes, handed_on


def _write(outcomes: list[dict[str, Any]], result: BatchResult, store: Store, scrubber: Redactor, *, run_id: int,
           refresh: bool, now: Callable[[], str]) -> None:
    """Store outcomes (scrubbing those not scrubbed where they were made) and count them in `result`."""
    outcomes[:] = [o if o.pop("scrubbed", False) else scrub_data(o, scrubber.scrub) for o in outcomes]
    # Checks that finished together are written in one transaction: one commit, not one per check.
    with store.transaction():
        for outcome in outcomes:
            _record(outcome, result, store, run_id=run_id, refresh=refresh, now=now)


def _record(outcome: dict[str, Any], result: BatchResult, store: Store, *, run_id: int, refresh: bool,
            now: Callable[[], str]) -> None:
    """Write one (redacted) worker outcome to the store and count it in `result`."""
    status = outcome["status"]
    if status == "ok":
        stamp = now()
        for row in outcome["rows"]:
            row["checked_at"] = stamp
        store.write_result(outcome, run_id, refresh=refresh)
        result.checked += 1
        result.check_requests += outcome["requests"]
        result.gate_failed += bool(outcome["gate_failed"])
        result.lookups_failed += bool(outcome.get("lookups_failed"))
        for pack, grade in outcome["grades"].items():
            result.grades.setdefault(pack, Counter())[grade] += 1
    elif status == "skipped":
        result.skipped += 1
    else:
        store.write_error(outcome["target"], outcome.get("sha"), outcome["kind"], outcome["message"],
                          outcome.get("requests", 0), run_id, now())
        result.failed += 1
        result.errors[outcome["kind"]] += 1


def _read_ahead(targets: Iterable[BatchTarget], size: int) -> Iterator[BatchTarget | None]:
    """`targets` read by a thread of their own, up to `size` ahead, and None whenever the next one is not there
    yet: a listing page's request (one per 50 models) no longer stalls the thread that writes outcomes and
    submits work. Ends with the listing's error, if any."""
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(size, 1))
    stop = threading.Event()

    def read() -> None:
        try:
            for item in targets:
                while not stop.is_set():
                    try:
                        box.put(("item", item), timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # handed to the run, which raises it where the listing would have
            box.put(("error", exc))

    reader = threading.Thread(target=read, name="opencheck-batch-targets", daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, value = box.get(timeout=0.05)
            except queue.Empty:
                yield None  # nothing yet: the run stores what finished meanwhile instead of waiting here
                continue
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def _dedupe(targets: Iterable[BatchTarget | None], window: int = 100_000) -> Iterator[BatchTarget | None]:
    """Drop repeated targets (a file and a listing may overlap) with a bounded memory of recent ones (a None,
    "nothing yet", passes)."""
    seen: dict[str, None] = {}
    for item in targets:
        if item is None:
            yield item
            continue
        if item.key in seen:
            continue
        seen[item.key] = None
        if len(seen) > window:
            seen.pop(next(iter(seen)))
        yield item


def _plan(item: BatchTarget, store: Store, keys: list[PackKey], refresh: bool) -> frozenset[str] | None:
    """None = already done, skip; else the shas already done for this target (the worker probes if any)."""
    if refresh:
        return frozenset()
    target = item.target
    sha = item.info.get("sha") if item.info else item.revision
    if isinstance(sha, str):
        return None if store.is_done(target, sha, keys) else frozenset()
    if is_local(target):
        # A folder is identified by its content (listing and git refs), so an edited one is checked again.
        from opencheck.batch.local_identity import local_identity

        return None if store.is_done(target, local_identity(target), keys) else frozenset()
    from opencheck.sources.hub_target import is_commit_sha, parse_hub_target

    try:
        revision = parse_hub_target(target).revision
    except OpencheckError:
        return frozenset()  # the worker records the invalid target
    if revision and is_commit_sha(revision):
        return None if store.is_done(target, revision, keys) else frozenset()
    if not store.has_target(target):
        return frozenset()
    return frozenset(store.done_shas(target, keys)) or frozenset()
