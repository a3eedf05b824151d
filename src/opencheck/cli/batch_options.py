"""The options of `opencheck batch`, declared once so that the command's signature reads as a list of names."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from opencheck.cli.check_cmd import SeverityOpt
from opencheck.cli.lookup_options import LOOKUP_HELP, NO_LOOKUP_HELP, LookupChoice, LookupName


class ExecutorOpt(str, Enum):
    """Where checks run."""

    THREADS = "threads"
    DASK = "dask"


TargetsFileArg = Annotated[Path | None, typer.Argument(
    help="File of targets: Hub ids and local paths, one per line (# comments), or CSV / JSONL with a "
         "'repo' column.")]
DbOpt = Annotated[Path | None, typer.Option(
    "--db", metavar="FILE",
    help="SQLite store to write (created if missing); a lock held by another process is waited for up to "
         "$OPENCHECK_LOCK_TIMEOUT seconds (30).")]
AuthorOpt = Annotated[list[str], typer.Option(
    "--author", metavar="ORG",
    help="List the Hub models of ORG (repeatable).")]
SearchOpt = Annotated[str | None, typer.Option(
    "--search", metavar="TEXT",
    help="List Hub models whose id contains TEXT.")]
FilterOpt = Annotated[list[str], typer.Option(
    "--filter", metavar="TAG",
    help="List Hub models with this tag, e.g. license:apache-2.0 (repeatable: all must match).")]
SortOpt = Annotated[str | None, typer.Option(
    "--sort", metavar="FIELD",
    help="Sort the listing: downloads, likes, lastModified...")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="At most N models per listing (per --author).")]
PackOpt = Annotated[list[str], typer.Option(
    "--pack", "-p", metavar="PACK",
    help="Rule pack (as for check; repeatable; 'all').")]
FailUnderOpt = Annotated[list[str], typer.Option(
    "--fail-under", metavar="GRADE",
    help="Gate as for check: exit 1 if any model is below it (e.g. mof=II).")]
FailOnOpt = Annotated[SeverityOpt | None, typer.Option(
    "--fail-on", metavar="SEVERITY",
    help="error, warning or info: as for check, exit 1 if any unsuppressed rule of this severity or above "
         "fails.")]
ConfigFileOpt = Annotated[Path | None, typer.Option(
    "--config", metavar="FILE",
    help="Project configuration (as for check).")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, max=256, help="Concurrent checks.")]
RefreshOpt = Annotated[bool, typer.Option("--refresh", help="Re-check targets already in the store.")]
LookupOpt = Annotated[list[LookupChoice], typer.Option("--lookup", help=LOOKUP_HELP + " As for check.")]
NoLookupOpt = Annotated[list[LookupName], typer.Option("--no-lookup", help=NO_LOOKUP_HELP)]
StrictLookupsOpt = Annotated[bool, typer.Option(
    "--strict-lookups",
    help="Exit 3 (after storing every result) if any model's look-ups failed.")]
# check's old spellings, accepted here too (hidden) so one set of flags works for both commands.
NoGithubOpt = Annotated[bool, typer.Option("--no-github", hidden=True)]
LegacyLookupsOpt = Annotated[bool | None, typer.Option("--lookups/--no-lookups", hidden=True)]
RateOpt = Annotated[float | None, typer.Option(
    "--rate", min=0.01,
    help="At most N Hub requests per second (on top of honouring 429 / RateLimit headers).")]
MaxRetriesOpt = Annotated[int, typer.Option(
    "--max-retries", min=0, max=20,
    help="Retries of a request on 429, 5xx and timeouts.")]
BackoffOpt = Annotated[float, typer.Option("--backoff", min=0.0, help="First retry delay in seconds (doubles).")]
TimeoutOpt = Annotated[float | None, typer.Option(
    "--timeout", min=0.1, metavar="SECONDS",
    help="Deadline of each whole request (default: $OPENCHECK_TIMEOUT, else 10).")]
TokenOpt = Annotated[str | None, typer.Option(
    "--token", metavar="TOKEN",
    help="Hugging Face token (default: $HF_TOKEN). Never printed.")]
CacheDirOpt = Annotated[Path | None, typer.Option("--cache-dir", metavar="DIR", help="Cache folder for Hub metadata.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the Hub cache.")]
ExecutorOpt = Annotated[ExecutorOpt, typer.Option(
    "--executor", metavar="[threads|dask]",
    help="threads (default) or dask (needs opencheck[dask] and --scheduler).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS",
    help="Dask scheduler address (tcp://host:8786).")]
EvalProcessesOpt = Annotated[int | None, typer.Option(
    "--eval-processes", min=0, max=64,
    help="Detect, evaluate rules and redact in N worker processes while threads fetch (default: CPUs - 1, at "
         "least 1, when --jobs is 8 or more; 0 = in the threads).")]
HistoryOpt = Annotated[bool, typer.Option(
    "--history", help="Check each Hub model at each of its newest commits (one row per model, revision and pack; "
                      "see docs/history.md). Local targets are checked once.")]
HistoryLimitOpt = Annotated[int, typer.Option(
    "--history-limit", metavar="N", min=1, help="With --history: the newest N commits of each model.")]
HistorySinceOpt = Annotated[str | None, typer.Option(
    "--history-since", metavar="DATE", help="With --history: only commits from DATE (YYYY-MM-DD).")]
CompareOpt = Annotated[Path | None, typer.Option(
    "--compare", metavar="FILE",
    help="List models whose openness changed between OLD.sqlite and --db (after the run, if targets are "
         "given).")]
