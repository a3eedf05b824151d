"""`opencheck history TARGET`: a model's grades and key facts across its revisions, and what changed."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from opencheck.cli.lookup_options import LOOKUP_HELP, NO_LOOKUP_HELP, LookupChoice, LookupName
from opencheck.environment import Environment
from opencheck.errors import UsageError

HELP = (
    "Check TARGET at each of its revisions and show when its openness changed and why: a Hugging Face Hub id "
    "(its commits, or with --checkpoints its step…/stepN-tokensM/ckpt_… branches) or a local git repository "
    "(its commits on HEAD, or checkpoint branches). Each revision gets the grade of each pack and its key facts "
    "(weights licence, datasets, gating); each change names the finding and its evidence at both revisions. "
    "A revision whose card and file list did not change reuses the previous evaluation; the request count is "
    "in the report. Exit 0 done, 2 usage error, 3 runtime error (network, Hub, I/O)."
)


class HistoryFormat(str, Enum):
    """Output formats of `history`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


class HistorySource(str, Enum):
    """How to read TARGET."""

    AUTO = "auto"
    LOCAL = "local"
    HUB = "hub"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since: expected a date YYYY-MM-DD, got {value!r}") from None
    return value


def _revision_list(values: list[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",")]
    if any(not n for n in names):
        raise UsageError("--revisions: an empty revision name in the list")
    return list(dict.fromkeys(names))


def history(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="A git repository folder, or a Hub id org/name[@branch]."),
    pack: list[str] = typer.Option([], "--pack", "-p", metavar="PACK", help="Rule pack: a built-in name, 'all' "
                                   "or a pack YAML path. Repeatable. Default: open-training, mof, osaid."),
    output_format: HistoryFormat = typer.Option(HistoryFormat.TEXT, "--format", "-f",
                                                help="text, json, markdown or html (with an SVG timeline)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the history to FILE."),
    since: str | None = typer.Option(None, "--since", metavar="DATE",
                                     help="Leave out revisions dated before DATE (YYYY-MM-DD)."),
    limit: int | None = typer.Option(None, "--limit", metavar="N", min=1,
                                     help="Evaluate the newest N revisions (default 100)."),
    revisions: list[str] = typer.Option([], "--revisions", metavar="A,B,C", help="Evaluate exactly these "
                                        "revisions (branches, tags or commit shas), in this order."),
    checkpoints: bool = typer.Option(False, "--checkpoints", help="Evaluate the heads of the checkpoint "
                                     "branches (Pythia step…, OLMo stepN-tokensM, Amber ckpt_…), in step order."),
    source: HistorySource = typer.Option(HistorySource.AUTO, "--source", help="Read TARGET as a local path or "
                                         "a Hub id (auto: a path if it exists)."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: "
                                     "$HF_TOKEN). Never printed."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", metavar="DIR", help="Cache folder for Hub metadata."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the Hub cache."),
    lookup: list[LookupChoice] = typer.Option([], "--lookup", help=LOOKUP_HELP + " As for check."),
    no_lookup: list[LookupName] = typer.Option([], "--no-lookup", help=NO_LOOKUP_HELP),
    # check's old spellings, accepted here too (hidden) so one set of flags works for every command.
    no_github: bool = typer.Option(False, "--no-github", hidden=True),
    legacy_lookups: bool | None = typer.Option(None, "--lookups/--no-lookups", hidden=True),
) -> None:
    """Show a model's openness over its revisions."""
    from opencheck.cli.check_cmd import _relative_to
    from opencheck.cli.lookup_options import resolve_lookups
    from opencheck.collect import SourceChoice
    from opencheck.history.run import DEFAULT_LIMIT, HistoryOptions, run_history

    env: Environment = ctx.obj or Environment()
    names = _revision_list(revisions)
    if names and checkpoints:
        raise UsageError("--revisions and --checkpoints cannot be combined")
    packs = _packs(env, pack)
    allowed = resolve_lookups(lookup, no_lookup, legacy_all=legacy_lookups, legacy_no_github=no_github)
    options = HistoryOptions(packs=packs, hub=_hub_options(env, token, cache_dir, no_cache, allowed, packs),
                             source=SourceChoice(source.value),
                             mode="revisions" if names else "checkpoints" if checkpoints else "commits",
                             revisions=names, since=_since(since),
                             limit=limit if limit is not None else (None if names else DEFAULT_LIMIT))
    result = run_history(_relative_to(env, target), options, env.timestamp())
    result.target = target if result.target_kind == "git" else result.target  # the path as the user gave it
    if not result.revisions:
        env.stderr.write(f"opencheck: warning: {target}: no revision matches the selection\n")
    _emit(env, result, output_format, output, token)


def _packs(env: Environment, pack: list[str]) -> list[Any]:
    """The packs to grade each revision with (as for check: built-in names, 'all' or pack paths)."""
    from opencheck.cli.check_cmd import default_packs, resolve_pack_specs
    from opencheck.rulepacks import load_pack

    specs = resolve_pack_specs(pack or default_packs())
    if not specs:
        raise UsageError("no rule packs to run")
    packs = [load_pack(s, base_dir=env.cwd) for s in specs]
    if len({p.name for p in packs}) != len(packs):
        raise UsageError(f"two packs share a name: {', '.join(p.name for p in packs)}")
    return packs


def _hub_options(env: Environment, token: str | None, cache_dir: Path | None, no_cache: bool,
                 allowed: frozenset[str], packs: list[Any]) -> Any:
    """Hub access for each revision, with the same look-ups and defaults as check."""
    from opencheck.cli.hub_settings import hub_options
    from opencheck.cli.lookup_options import lookup_needs

    return hub_options(env, token=token, cache_dir=cache_dir, use_cache=not no_cache,
                       needs=lookup_needs(allowed, packs))


def _emit(env: Environment, result: Any, output_format: HistoryFormat, output: Path | None,
          token: str | None) -> None:
    """Render the history, redacted and inert for its format, to FILE or stdout (a closed pipe ends quietly)."""
    from opencheck.history.render import format_history
    from opencheck.output.guard import OutputKind, finish, redactor

    kind = {HistoryFormat.JSON: OutputKind.JSON, HistoryFormat.HTML: OutputKind.XML,
            HistoryFormat.MARKDOWN: OutputKind.MARKDOWN}.get(output_format, OutputKind.TEXT)
    text = finish(format_history(result, output_format.value), kind, redactor(env, token))
    if output is not None:
        from opencheck.output.files import write_atomic
        from opencheck.output.messages import wrote

        path = output if output.is_absolute() else env.cwd / output
        try:
            write_atomic(path, text, shown=str(output))
            wrote(env, path)
        except BrokenPipeError:
            pass  # `-o /dev/stdout | head`
    else:
        from opencheck.output.closed_pipe import write_stdout

        write_stdout(env.stdout, text)
