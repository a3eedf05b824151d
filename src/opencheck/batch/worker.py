"""One batch target's work, on whichever worker runs it: probe, fetch, evaluate, and return a plain dict.

Workers share one rate limiter and one connection pool per run and process (and, with evaluation processes,
one process pool); `run_batch` (runner.py) writes what they return.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from opencheck.batch.limiter import SharedLimiter
from opencheck.batch.store import PackKey
from opencheck.batch.targets import BatchTarget
from opencheck.check import CheckOptions
from opencheck.errors import OpencheckError, UsageError
from opencheck.output.redact import Redactor
from opencheck.untrusted_json import loads_untrusted

DEFAULT_JOBS = 8


WEIGHTS, DATA, CODE = "Model parameters (Final)", "Datasets", "Training code"


@dataclass
class WorkerSettings:
    """What a worker needs besides the target: picklable, so Dask can ship it once to each worker."""

    options: CheckOptions
    generated_at: str
    max_retries: int = 5
    backoff: float = 1.0
    max_total_wait: float = 300.0
    rate: float | None = None
    timeout: float = 10.0
    jobs: int = DEFAULT_JOBS
    run_key: str = ""  # identifies the per-process limiter/connection pool of this run
    eval_processes: int = 0  # >0: rules are evaluated in that many worker processes (threads only fetch)


# -- per-process resources (one limiter and one connection pool per run and process) ----------------------------

_RESOURCES: dict[str, tuple[SharedLimiter, Any]] = {}


_RESOURCES_LOCK = threading.Lock()


def run_resources(settings: WorkerSettings) -> tuple[SharedLimiter, Any]:
    """This run\'s rate limiter and HTTP client in this process, made on first use."""
    with _RESOURCES_LOCK:
        if settings.run_key not in _RESOURCES:
            from opencheck.sources.hub_http import make_http_client

            _RESOURCES[settings.run_key] = (SharedLimiter(settings.rate),
                                            make_http_client(settings.timeout, max(settings.jobs * 2, 10)))
        return _RESOURCES[settings.run_key]


def release_resources(run_key: str) -> None:
    """Close this run's limiter, connection pool and evaluation processes."""
    pool = _POOLS.pop(run_key, None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
    with _RESOURCES_LOCK:
        if not _POOLS and _SAVED_SAFEPATH:  # the last pool is gone: give the process its environment back
            before = _SAVED_SAFEPATH.pop()
            if before is None:
                os.environ.pop("PYTHONSAFEPATH", None)
            else:
                os.environ["PYTHONSAFEPATH"] = before
    _release_http(run_key)


def _release_http(run_key: str) -> None:
    """Close the connection pool of a finished run."""
    with _RESOURCES_LOCK:
        entry = _RESOURCES.pop(run_key, None)
    if entry is not None:
        entry[1].close()


def retry_policy(settings: WorkerSettings) -> Any:
    """The retry policy of this run, sharing its limiter."""
    from opencheck.sources.hub_http import RetryPolicy

    limiter, _http = run_resources(settings)
    return RetryPolicy(max_retries=settings.max_retries, base_delay=settings.backoff,
                       max_total_wait=settings.max_total_wait, limiter=limiter)


# -- classification ---------------------------------------------------------------------------------------------

def error_kind(message: str) -> str:
    """A short category for an error message (used for counts and the errors table)."""
    text = message.lower()
    for needle, kind in (("rate limited", "rate-limited"), ("not found", "not-found"), ("gated", "gated"),
                         ("server error", "server-error"), ("timed out", "timeout"), ("cannot connect", "network"),
                         ("connection", "network"), ("invalid json", "bad-response"),
                         ("unexpected response", "bad-response"), ("access denied", "access-denied")):
        if needle in text:
            return kind
    return "error"


def is_local(target: str) -> bool:
    """Whether a target names an existing path (as `collect` decides)."""
    return os.path.lexists(target)


def pack_keys(options: CheckOptions) -> list[PackKey]:
    """The (name, version) of each pack of a run."""
    return [PackKey(p.name, p.version) for p in options.packs]


def packs_key(keys: list[PackKey]) -> str:
    """A stable text key for a set of packs (reports are unique per target, sha and this key)."""
    return ",".join(sorted(f"{k.name}@{k.version}" for k in keys))


# -- the work of one target (runs on a worker) -----------------------------------------------------------------

def _probe_sha(target: str, settings: WorkerSettings) -> str:
    """One `?expand=sha` request: the commit a Hub target points at now."""
    from opencheck.sources.hub_http import CountingClient
    from opencheck.sources.hub_target import parse_hub_target

    hub = settings.options.hub
    parsed = parse_hub_target(target)
    endpoint = (hub.endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    _limiter, http = run_resources(settings)
    client = CountingClient(timeout=settings.timeout, retry=retry_policy(settings), http=http)
    from urllib.parse import quote

    path = f"/api/models/{parsed.repo_id}" + (f"/revision/{quote(parsed.revision, safe='')}"
                                              if parsed.revision else "")
    headers = {"Authorization": f"Bearer {hub.token}"} if hub.token else {}
    result = client.fetch(f"{endpoint}{path}", what=f"model info for {target}", params={"expand": ["sha"]},
                          headers=headers)
    if result.status == 200:
        try:
            sha = loads_untrusted(result.body).get("sha")
        except (ValueError, AttributeError):
            sha = None
        if isinstance(sha, str):
            return sha
    return ""  # unknown: the full check will report the real problem


@dataclass(frozen=True)
class Evaluating:
    """A target whose evidence is being evaluated in an evaluation process: `future` gives its outcome."""

    target: str
    future: Future[dict[str, Any]]


def check_target(item: BatchTarget, done_shas: frozenset[str], settings: WorkerSettings,
                 redactor: Redactor | None = None) -> dict[str, Any] | Evaluating:
    """Check one target and return a plain, picklable outcome (or, with evaluation processes, the evaluation
    under way); never raises. With a `redactor` the outcome comes back already scrubbed (marked `scrubbed`), so
    the thread that writes the store does not spend its time on it."""
    from opencheck.check import build_report
    from opencheck.collect import collect

    target = item.target
    try:
        local = is_local(target)
        if done_shas and not local and item.revision is None:
            sha = _probe_sha(target, settings)
            if sha and sha in done_shas:
                return {"status": "skipped", "target": target, "sha": sha, "requests": 1}
        options = settings.options
        identity = None
        pool = _evaluation_pool(settings, redactor)
        if local:
            from opencheck.batch.local_identity import local_identity

            identity = local_identity(target)  # before reading: an edit made meanwhile is seen by the next run
            evidence = collect(target, source=options.source, hub=options.hub)
        else:
            from opencheck.collect import collect_hub
            from opencheck.sources.hub_target import parse_hub_target

            hub = options.hub
            _limiter, http = run_resources(settings)
            parsed = parse_hub_target(target)
            if item.revision is not None:  # batch --history: this model at one of its commits
                from opencheck.sources.hub_target import HubTarget

                parsed = HubTarget(parsed.repo_id, item.revision)
            evidence = collect_hub(parsed, endpoint=hub.endpoint, token=hub.token,
                                   cache_dir=hub.cache_dir, use_cache=hub.use_cache, offline=hub.offline,
                                   needs=hub.needs, github_api=hub.github_api, github_token=hub.github_token,
                                   arxiv_api=hub.arxiv_api,
                                   no_github=hub.no_github, timeout=settings.timeout,
                                   retry=retry_policy(settings), prefetched_info=item.info, http_client=http,
                                   detect=pool is None)
        if pool is not None:
            # Detection, evaluation and scrubbing are pure CPU; in a process of their own they escape this
            # process's GIL, which the fetching threads and the store writer share. A Hub model's raw evidence
            # goes there undetected (a local folder's was detected while read). The thread does not wait: it
            # is free to fetch the next target, and the run waits for the evaluation.
            return Evaluating(target, pool.submit(_evaluate, evidence, target, identity, not local))
        return _scrubbed(_outcome(target, identity, build_report(evidence, options, settings.generated_at)),
                         redactor)
    except Exception as exc:  # one model's bug must not end a run of thousands: record it as its error row
        return _scrubbed(error_outcome(target, exc), redactor)


def error_outcome(target: str, exc: BaseException) -> dict[str, Any]:
    """The error row of a target whose check raised `exc`."""
    if isinstance(exc, OpencheckError):
        kind = "invalid-target" if isinstance(exc, UsageError) else error_kind(str(exc))
        return {"status": "error", "target": target, "kind": kind, "message": str(exc)[:1000], "requests": 0}
    return {"status": "error", "target": target, "kind": "internal",
            "message": f"internal error: {type(exc).__name__}: {str(exc)[:500]}", "requests": 0}


def _scrubbed(outcome: dict[str, Any], redactor: Redactor | None) -> dict[str, Any]:
    """`outcome` with every string redacted, marked so the runner does not scrub it again (as is without one)."""
    if redactor is None:
        return outcome
    from opencheck.output.redact import scrub_data

    return {**scrub_data(outcome, redactor.scrub), "scrubbed": True}


_POOLS: dict[str, Any] = {}


_SAVED_SAFEPATH: list[str | None] = []  # PYTHONSAFEPATH as it was before the first pool set it


_WORKER_SETTINGS: WorkerSettings | None = None
_WORKER_REDACTOR: Redactor | None = None


def _evaluation_pool(settings: WorkerSettings, redactor: Redactor | None = None) -> Any:
    """The run's process pool for rule evaluation, started on first use (None when not asked for)."""
    if settings.eval_processes <= 0:
        return None
    with _RESOURCES_LOCK:
        if settings.run_key not in _POOLS:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: forking a process that runs threads can copy a held lock into the child. A spawned
            # child starts as `python -c ...`, which puts the working folder first on its import path before it
            # imports multiprocessing: PYTHONSAFEPATH (Python 3.11+) keeps a `multiprocessing/` or `runpy.py` in
            # the working folder from being run. Children (started on demand) inherit it while any pool runs.
            if not _POOLS:
                _SAVED_SAFEPATH[:] = [os.environ.get("PYTHONSAFEPATH")]
                os.environ["PYTHONSAFEPATH"] = "1"
            _POOLS[settings.run_key] = ProcessPoolExecutor(
                max_workers=settings.eval_processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_evaluator, initargs=(settings, redactor))
        return _POOLS[settings.run_key]


def _init_evaluator(settings: WorkerSettings, redactor: Redactor | None) -> None:
    global _WORKER_SETTINGS, _WORKER_REDACTOR
    _WORKER_SETTINGS, _WORKER_REDACTOR = settings, redactor


def _evaluate(evidence: Any, target: str, identity: str | None, detect: bool) -> dict[str, Any]:
    """In an evaluation process: detect (raw Hub evidence), grade and scrub; the same outcome a thread returns."""
    from opencheck.check import build_report

    settings = _WORKER_SETTINGS
    assert settings is not None, "evaluation process started without settings"
    try:
        if detect:
            from opencheck.detect import enrich

            enrich(evidence)
        outcome = _outcome(target, identity, build_report(evidence, settings.options, settings.generated_at))
    except Exception as exc:  # as in check_target: a model's bug becomes its error row
        outcome = error_outcome(target, exc)
    return _scrubbed(outcome, _WORKER_REDACTOR)


def _outcome(target: str, identity: str | None, report: Any) -> dict[str, Any]:
    """The stored form of one check; `identity` is a local target's content digest (None for a Hub target)."""
    data = report.to_dict()
    ev = report.evidence
    local = identity is not None
    sha = identity or ev.target.resolved_sha or "unknown"
    lookups = data["lookups"]
    components = {c["name"]: c for c in data["components"]}

    def licence(name: str) -> tuple[str | None, str | None]:
        row = components.get(name) or {}
        return row.get("normalised") or row.get("licence"), row.get("licence_class")

    weights, weights_class = licence(WEIGHTS)
    data_lic, data_class = licence(DATA)
    _code, code_class = licence(CODE)
    compact = json.dumps({c["name"]: {"status": c["status"], "licence_class": c["licence_class"]}
                          for c in data["components"]}, separators=(",", ":"))
    org = None if local else target.split("/", 1)[0]
    from opencheck.references.section import reference_classes

    live_class, curated_class, reference = reference_classes(data.get("references"))
    rows = []
    for pack in data["packs"]:
        grade, counts = pack["grade"], pack.get("counts", {})
        rows.append({
            "target": target, "sha": sha, "pack": pack["name"], "pack_version": pack["version"],
            "kind": "local" if local else "hub", "org": org, "pack_sha256": pack.get("sha256"),
            "scheme": grade.get("scheme"), "grade": grade.get("value"), "grade_label": grade.get("label"),
            "grade_rank": grade.get("rank"), "score": grade.get("score"),
            "rules_passed": counts.get("pass", 0), "rules_warned": counts.get("warn", 0),
            "rules_failed": counts.get("fail", 0), "rules_inconclusive": counts.get("inconclusive", 0),
            "gate_passed": int(not report.gate_failed),
            "weights_licence": weights, "weights_licence_class": weights_class,
            "data_licence": data_lic, "data_licence_class": data_class, "code_licence_class": code_class,
            "components": compact, "requests": ev.requests, "checked_at": "",
            "lookups_ran": ",".join(lookups["ran"]), "lookups_failed": ",".join(lookups["failed"]),
            "live_class": live_class, "curated_class": curated_class, "reference": reference,
        })
    keys = [PackKey(p["name"], p["version"]) for p in data["packs"]]
    return {"status": "ok", "target": target, "sha": sha, "packs_key": packs_key(keys),
            "report": json.dumps(data, separators=(",", ":")), "rows": rows, "requests": ev.requests,
            "gate_failed": report.gate_failed, "grades": {p["name"]: p["grade"]["value"] for p in data["packs"]},
            "lookups_failed": bool(lookups["failed"])}
