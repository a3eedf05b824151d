"""`opencheck batch`: check many models into a resumable SQLite store."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import typer

from opencheck.cli import batch_options as opt
from opencheck.cli.batch_options import ExecutorOpt
from opencheck.cli.lookup_options import resolve_lookups
from opencheck.environment import Environment
from opencheck.errors import UsageError
from opencheck.exit_status import ExitStatus
from opencheck.sources.http_limits import timeout_from_env

HELP = (
    "Check many models (a TARGETS file: one per line, or CSV/JSONL with a 'repo' column; and/or Hub queries "
    "--author/--search/--filter/--sort/--limit) and store one row per model, commit and pack in --db (SQLite). "
    "Rerunning skips what is done at the same commit, so an interrupted run resumes; --refresh re-checks. "
    "Export with `opencheck export --db FILE --format csv|jsonl|parquet|html`."
)


def _path(env: Environment, path: Path) -> Path:
    return path if path.is_absolute() else env.cwd / path


def batch(
    ctx: typer.Context,
    targets_file: opt.TargetsFileArg = None,
    db: opt.DbOpt = None,
    author: opt.AuthorOpt = [],  # noqa: B006 (typer copies the default)
    search: opt.SearchOpt = None,
    filter_: opt.FilterOpt = [],  # noqa: B006 (typer copies the default)
    sort: opt.SortOpt = None,
    limit: opt.LimitOpt = None,
    pack: opt.PackOpt = [],  # noqa: B006 (typer copies the default)
    fail_under: opt.FailUnderOpt = [],  # noqa: B006 (typer copies the default)
    fail_on: opt.FailOnOpt = None,
    config_file: opt.ConfigFileOpt = None,
    jobs: opt.JobsOpt = 8,
    refresh: opt.RefreshOpt = False,
    lookup: opt.LookupOpt = [],  # noqa: B006 (typer copies the default)
    no_lookup: opt.NoLookupOpt = [],  # noqa: B006 (typer copies the default)
    strict_lookups: opt.StrictLookupsOpt = False,
    no_github: opt.NoGithubOpt = False,
    legacy_lookups: opt.LegacyLookupsOpt = None,
    rate: opt.RateOpt = None,
    max_retries: opt.MaxRetriesOpt = 5,
    backoff: opt.BackoffOpt = 1.0,
    timeout: opt.TimeoutOpt = None,
    token: opt.TokenOpt = None,
    cache_dir: opt.CacheDirOpt = None,
    no_cache: opt.NoCacheOpt = False,
    executor: opt.ExecutorOpt = ExecutorOpt.THREADS,
    scheduler: opt.SchedulerOpt = None,
    eval_processes: opt.EvalProcessesOpt = None,
    history: opt.HistoryOpt = False,
    history_limit: opt.HistoryLimitOpt = 20,
    history_since: opt.HistorySinceOpt = None,
    compare: opt.CompareOpt = None,
) -> None:
    """Check many models into a SQLite store."""
    from opencheck.batch.targets import HubQuery

    env: Environment = ctx.obj or Environment()
    query = HubQuery(authors=list(author), search=search, filters=list(filter_), sort=sort, limit=limit)
    if db is None:
        raise UsageError("--db FILE is required (the SQLite store)")
    db = _path(env, db)
    if targets_file is None and not query.active:
        if compare is None:
            raise UsageError("nothing to check: give a TARGETS file and/or --author/--search/--filter/--sort")
        _print_compare(env, _path(env, compare), db)
        return
    if executor == ExecutorOpt.DASK and not scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS")
    code = _run(env, targets_file and _path(env, targets_file), db, query, pack=pack, fail_under=fail_under,
                fail_on=fail_on.value if fail_on else None, config_file=config_file, jobs=jobs, refresh=refresh,
                lookups=resolve_lookups(lookup, no_lookup, legacy_all=legacy_lookups, legacy_no_github=no_github),
                strict_lookups=strict_lookups, rate=rate, max_retries=max_retries, backoff=backoff,
                timeout=timeout if timeout is not None else timeout_from_env(env.env), token=token,
                cache_dir=cache_dir, no_cache=no_cache, dask_scheduler=scheduler if executor == ExecutorOpt.DASK
                else None, eval_processes=_eval_processes(eval_processes, jobs, executor),
                history=_history_window(history, history_limit, history_since))
    _finish_batch(env, compare, db, code)


def _finish_batch(env: Environment, compare: Path | None, db: Path, code: int) -> None:
    """After the run: the --compare listing, then the run's exit code."""
    if compare is not None:
        _print_compare(env, _path(env, compare), db)
    if code:
        raise typer.Exit(code)


def _history_window(history: bool, limit: int, since: str | None) -> tuple[int, str | None] | None:
    """With --history: how many newest commits, and from which date; None without it."""
    from opencheck.cli.history_cmd import _since

    if since is not None and not history:
        raise UsageError("--history-since needs --history")
    return (limit, _since(since)) if history else None


def _options(env: Environment, *, pack: list[str], fail_under: list[str], fail_on: str | None,
             config_file: Path | None, lookups: frozenset[str], token: str | None, cache_dir: Path | None,
             no_cache: bool, timeout: float):  # type: ignore[no-untyped-def]
    from datetime import date

    from opencheck.check import CheckOptions
    from opencheck.cli.check_cmd import default_packs, resolve_pack_specs
    from opencheck.cli.lookup_options import lookup_needs
    from opencheck.config import gates_from, resolve_config
    from opencheck.report.gates import parse_fail_under
    from opencheck.report.suppressions import known_rules, resolve_suppressions
    from opencheck.results import Severity
    from opencheck.rulepacks import load_pack

    if fail_on is not None and fail_on not in ("error", "warning", "info"):
        raise UsageError("--fail-on must be error, warning or info")
    config = resolve_config(config_file and _path(env, config_file), [env.cwd], env.cwd)
    specs = resolve_pack_specs(pack or config.packs or default_packs())
    if not specs:
        raise UsageError("no rule packs to run")
    packs = [load_pack(s, base_dir=env.cwd if pack else (config.base_dir or env.cwd),
                       folder=None if pack else config.folder) for s in specs]
    names = [p.name for p in packs]
    if len(set(names)) != len(names):
        raise UsageError(f"two packs share a name: {', '.join(names)}")
    from opencheck.cli.hub_settings import hub_options

    # The same look-ups `check` runs with the same options: the rules' needs, within those allowed.
    hub = hub_options(env, token=token, cache_dir=cache_dir, use_cache=not no_cache,
                      needs=lookup_needs(lookups, packs), timeout=timeout)
    from opencheck.references.store import location_env

    # Curated references cost no request: every row carries the live and the curated MOF class.
    options = CheckOptions(packs=packs, hub=hub, references=True, references_env=location_env(env.env))
    gate_under, gate_on = gates_from(config, names, parse_fail_under(fail_under, names), fail_on)
    options.fail_under, options.fail_on = gate_under, Severity(gate_on) if gate_on else None
    options.suppressions, options.config_findings = resolve_suppressions(
        config.suppressions, known_rules(packs), date.fromisoformat(env.timestamp()[:10]))
    return options


def _eval_processes(asked: int | None, jobs: int, executor: ExecutorOpt) -> int:
    """How many evaluation processes: as asked, else all CPUs but one (which this process needs to fetch) once
    enough threads fetch to keep them busy."""
    if executor == ExecutorOpt.DASK:
        return 0  # Dask workers evaluate where they fetch
    if asked is not None:
        return asked
    return max(1, (os.cpu_count() or 2) - 1) if jobs >= 8 else 0


def _run(env: Environment, targets_file: Path | None, db: Path, query: object, *, pack: list[str],
         fail_under: list[str], fail_on: str | None, config_file: Path | None, jobs: int, refresh: bool,
         lookups: frozenset[str], rate: float | None, max_retries: int, backoff: float, timeout: float,
         token: str | None, cache_dir: Path | None, no_cache: bool, dask_scheduler: str | None,
         eval_processes: int = 0, strict_lookups: bool = False,
         history: tuple[int, str | None] | None = None) -> int:
    import itertools

    from opencheck.batch.targets import read_targets
    from opencheck.batch.worker import WorkerSettings

    options = _options(env, pack=pack, fail_under=fail_under, fail_on=fail_on, config_file=config_file,
                       lookups=lookups, token=token, cache_dir=cache_dir, no_cache=no_cache, timeout=timeout)
    total = _total(targets_file, query)
    settings = WorkerSettings(options=options, generated_at=env.timestamp(), max_retries=max_retries,
                              backoff=backoff, rate=rate, timeout=timeout, jobs=jobs, run_key=uuid.uuid4().hex,
                              eval_processes=eval_processes)
    sources = []
    if targets_file is not None:
        sources.append(read_targets(targets_file))
    if query.active:  # type: ignore[attr-defined]
        sources.append(_listing(options, settings, query))
    targets = itertools.chain.from_iterable(sources)
    if history is not None:
        targets = _with_history(targets, options, settings, *history)
        total = None  # the number of revisions is known only as each model's commits are listed
    executor = None
    if dask_scheduler:
        from opencheck.batch.dask_executor import DaskExecutor

        executor = DaskExecutor(dask_scheduler, settings)
    run_options = {"packs": [f"{p.name}@{p.version}" for p in options.packs], "jobs": jobs, "refresh": refresh,
                   "lookups": sorted(options.hub.needs), "targets_file": str(targets_file) if targets_file else None,
                   "query": {k: v for k, v in vars(query).items() if v}, "executor": "dask" if dask_scheduler
                   else "threads", **({"history": {"limit": history[0], "since": history[1]}} if history else {})}
    result = _stored_run(env, db, targets, settings, run_options, total, refresh=refresh, executor=executor)
    return _finish(env, result, db, strict_lookups)


def _total(targets_file: Path | None, query: object) -> int | None:
    """How many targets the run will see, when that is known in advance (for the progress line)."""
    from opencheck.batch.targets import count_targets

    total = count_targets(targets_file) if targets_file is not None else None
    if query.active and total is not None:  # type: ignore[attr-defined]
        total = None if not query.limit else total + query.limit * max(len(query.authors), 1)  # type: ignore
    elif query.active:  # type: ignore[attr-defined]
        total = query.limit * max(len(query.authors), 1) if query.limit else None  # type: ignore
    return total


def _stored_run(env: Environment, db: Path, targets: Any, settings: Any, run_options: dict[str, Any],
                total: int | None, *, refresh: bool, executor: Any) -> Any:
    """Run the batch inside one store run, with a progress line; Ctrl-C keeps what is stored and exits 130."""
    from opencheck import __version__
    from opencheck.batch.progress import Progress
    from opencheck.batch.runner import run_batch
    from opencheck.batch.store import Store

    try:
        tty = env.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    with Store(db, lock_timeout=_lock_timeout(env)) as store:
        run_id = store.start_run(env.timestamp(), __version__, run_options)
        progress = Progress(env.stderr, total, tty=tty)
        result = None
        try:
            result = run_batch(targets, store, settings, run_id=run_id, refresh=refresh, executor=executor,
                               on_progress=progress.update)
        except KeyboardInterrupt:
            env.stderr.write("\nopencheck: interrupted; results so far are stored: rerun the same command to "
                             "resume\n")
            store.finish_run(run_id, env.timestamp(), {})
            raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
        finally:
            if result is not None:
                progress.close(result)
        store.finish_run(run_id, env.timestamp(), {"checked": result.checked, "skipped": result.skipped,
                                                   "failed": result.failed, "requests": result.requests})
    return result


def _finish(env: Environment, result: Any, db: Path, strict_lookups: bool) -> int:
    """The summary, the failed-gate line and the look-up warning after a run; the exit code."""
    try:
        _print_summary(env, result, db)
    except BrokenPipeError:
        from opencheck.output.closed_pipe import silence

        silence(env.stdout)  # `| head` ends the summary, not the run: the gate still decides the exit code
    if result.gate_failed:
        from opencheck.output.messages import failed_gates, shown_path
        from opencheck.wording import count

        failed_gates(env, [f"{count(result.gate_failed, 'model')} checked in this run failed a gate (their rows in "
                           f"{shown_path(env, db)} say which)"])
    from opencheck.cli.lookup_options import finish_lookups

    if result.lookups_failed:
        n = result.lookups_failed
        finish_lookups(f"{n} checked model{'s' * (n != 1)} had failed look-ups: the facts they feed are unknown "
                       "and their findings inconclusive (see lookups_failed in the export)", strict_lookups,
                       env.stderr)
    return int(ExitStatus.GATE_FAILED) if result.gate_failed else 0


def _lock_timeout(env: Environment) -> float:
    """Seconds to wait for another process's lock on the store: $OPENCHECK_LOCK_TIMEOUT, else 30."""
    from opencheck.batch.store import LOCK_TIMEOUT

    raw = env.env.get("OPENCHECK_LOCK_TIMEOUT", "").strip()
    if not raw:
        return LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise UsageError(f"OPENCHECK_LOCK_TIMEOUT={raw!r}: give seconds from 0 to 86400")
    return value


def _listing(options, settings, query):  # type: ignore[no-untyped-def]
    """The Hub listing, through the run's shared limiter and connection pool."""
    import os

    from opencheck.batch.targets import list_hub_models
    from opencheck.batch.worker import retry_policy, run_resources
    from opencheck.sources.hub_http import CountingClient

    endpoint = (options.hub.endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    _limiter, http = run_resources(settings)
    client = CountingClient(timeout=settings.timeout, retry=retry_policy(settings), http=http)
    yield from list_hub_models(client, endpoint, query, options.hub.token)


def _with_history(targets, options, settings, limit: int, since: str | None):  # type: ignore[no-untyped-def]
    """Each Hub model as one target per commit (oldest first), listed through the run's limiter and pool."""
    from opencheck.batch.targets import BatchTarget
    from opencheck.batch.worker import is_local, retry_policy, run_resources
    from opencheck.errors import OpencheckError
    from opencheck.sources.hub_commits import HubRevisions
    from opencheck.sources.hub_target import parse_hub_target

    endpoint = (options.hub.endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    _limiter, http = run_resources(settings)
    for item in targets:
        if is_local(item.target):
            yield item
            continue
        try:
            revisions = HubRevisions(parse_hub_target(item.target), endpoint=endpoint, token=options.hub.token,
                                     timeout=settings.timeout, retry=retry_policy(settings), http=http)
            try:
                commits = revisions.commits(stop_after=limit, since=since)
            finally:
                revisions.close()
        except OpencheckError:
            yield item  # checked as it is now: the check records why the model cannot be read
            continue
        for commit in reversed(commits):
            yield BatchTarget(item.target, None, revision=commit.sha)


def _print_summary(env: Environment, result, db: Path) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from opencheck.output.closed_pipe import pipe_console

    console = pipe_console(env.stdout, width=100, highlight=False, soft_wrap=False)
    table = Table(title=f"opencheck batch: {db.name}", show_header=True)
    table.add_column("outcome")
    table.add_column("models", justify="right")
    table.add_row("checked", str(result.checked))
    table.add_row("skipped (already in the store)", str(result.skipped))
    table.add_row("failed", str(result.failed))
    for kind, n in result.errors.most_common():
        table.add_row(f"  {kind}", str(n))
    table.add_row("gate failed", str(result.gate_failed))
    table.add_row("with failed look-ups", str(result.lookups_failed))
    console.print(table)
    rate = (result.checked + result.failed) / result.seconds if result.seconds else 0.0
    per_model = result.check_requests / result.checked if result.checked else 0.0
    lim = result.limiter
    console.print(f"{result.seconds:.1f} s, {rate:.1f} models/s; {result.requests} Hub requests in all, "
                  f"{per_model:.2f} per checked model; HTTP 429: {int(lim.get('rate_limited', 0))}, "
                  f"pauses: {int(lim.get('pauses', 0))} ({lim.get('paused_seconds', 0)} s)")
    grades = Table(title="grades", show_header=True)
    grades.add_column("pack")
    grades.add_column("grades (models checked in this run)")
    for pack_name, counts in result.grades.items():
        grades.add_row(pack_name, ", ".join(f"{g}: {n}" for g, n in counts.most_common()) or "-")
    console.print(grades)


def _print_compare(env: Environment, old: Path, new: Path) -> None:
    from opencheck.batch.export import compare

    changes = 0
    for item in compare(old, new):
        if changes == 0:
            env.stdout.write("target\tpack\told\tnew\tchange\told_sha\tnew_sha\n")
        changes += 1
        env.stdout.write(f"{item['target']}\t{item['pack']}\t{item['old_grade']}\t{item['new_grade']}\t"
                         f"{item['change']}\t{(item['old_sha'] or '')[:12]}\t{(item['new_sha'] or '')[:12]}\n")
    env.stderr.write(f"opencheck: {changes} model/pack result{'s' * (changes != 1)} changed between {old.name} "
                     f"and {new.name}\n")


def export_store(env: Environment, db: Path, fmt: str, output: Path | None, diff: Path | None) -> None:
    """`opencheck export --db FILE`: write the store as csv/jsonl/parquet/html, or list changes (--diff)."""
    from opencheck.batch.export import export

    db = _path(env, db)
    if diff is not None:
        _print_compare(env, _path(env, diff), db)
        return
    from opencheck.output.guard import redactor

    n = export(db, fmt.lower(), output and _path(env, output), env.stdout, redactor(env).scrub)
    if output is not None:
        from opencheck.output.messages import shown_path

        env.stderr.write(f"opencheck: wrote {shown_path(env, output)} ({n} row{'s' * (n != 1)})\n")
