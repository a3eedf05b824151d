"""`opencheck references list|show|update`: the curated records shown beside live findings."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TextIO

import typer

from opencheck.cli.help_format import Command, Group
from opencheck.environment import Environment
from opencheck.errors import UsageError

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=Group)


class SourceOpt(str, Enum):
    """Which set of curated records."""

    MOT = "mot"
    OSAI = "osai"


def _env(ctx: typer.Context) -> Environment:
    return ctx.obj or Environment()


def _write(stream: TextIO, text: str) -> None:
    """Curated records are other people's text: no terminal controls from them reach the terminal."""
    from opencheck.output.inert import terminal_text

    stream.write(terminal_text(text))


@app.command("list", cls=Command)
def list_references(
    ctx: typer.Context,
    source: SourceOpt | None = typer.Option(None, "--source", help="Only mot (MOT's manifests) or osai "
                                            "(the Opening up ChatGPT index)."),
) -> None:
    """List the curated records: id, name, producer and the Hub repositories each is found by."""
    from opencheck.references.store import load_index

    env = _env(ctx)
    index = load_index(env.env)
    for key, meta in sorted(index.sources.items()):
        if source is None or source.value == key:
            _write(env.stdout, f"# {meta.get('title', key)}: {meta.get('records', 0)} records, commit "
                               f"{meta.get('commit')} ({meta.get('date')}), {meta.get('licence')}, from "
                               f"{meta.get('repository')}\n")
    for e in index.entries:
        if source is None or source.value == e.source:
            hub = ", ".join(e.hub) or "-"
            base = f" (built on {', '.join(e.base_hub)})" if e.base_hub else ""
            _write(env.stdout, f"{e.id}\t{e.name}\t{e.producer or '-'}\t{hub}{base}\n")


@app.command("show", cls=Command)
def show_reference(
    ctx: typer.Context,
    model: str = typer.Argument(..., help="A record id (mot:Amber), a Hub id or URL (LLM360/Amber), or a model "
                                "name (Amber)."),
) -> None:
    """Show the curated records about MODEL: where they come from, the verdict, and each component or dimension."""
    from opencheck.references.show import show_text
    from opencheck.references.store import load_index

    env = _env(ctx)
    index = load_index(env.env)
    entries = index.find(model)
    if not entries:
        raise UsageError(f"{model}: no curated record; `opencheck references list` shows them all")
    _write(env.stdout, "\n".join(show_text(index, e) for e in entries))


@app.command("update", cls=Command)
def update_references(
    ctx: typer.Context,
    mot: Path | None = typer.Option(None, "--mot", metavar="DIR", help="A checkout of lfai/model_openness_tool "
                                    "(or its models/ folder)."),
    osai: Path | None = typer.Option(None, "--osai", metavar="DIR", help="A checkout of opening-up-chatgpt/"
                                     "opening-up-chatgpt.github.io (or its projects/ folder)."),
    reset: bool = typer.Option(False, "--reset", help="Forget refreshed records and use the shipped ones again."),
) -> None:
    """Refresh the curated records from checkouts, without a new release: every file is validated first (a bad
    one is one error line, exit 2, and nothing changes); the result goes to $OPENCHECK_REFERENCES_DIR, else
    $XDG_DATA_HOME/opencheck/references (~/.local/share/opencheck/references)."""
    from opencheck.references.update import reset_references
    from opencheck.references.update import update_references as update

    env = _env(ctx)
    if reset:
        if mot or osai:
            raise UsageError("--reset takes no --mot or --osai")
        removed = reset_references(env.env)
        env.stderr.write(f"opencheck: removed {removed}; using the shipped references\n" if removed
                         else "opencheck: no refreshed references; using the shipped ones\n")
        return
    sets = {k: (v if v.is_absolute() else env.cwd / v) for k, v in (("mot", mot), ("osai", osai)) if v is not None}
    root, index = update(env.env, sets, env.timestamp()[:10])
    for key, meta in sorted(index["sources"].items()):
        _write(env.stderr, f"opencheck: {key}: {meta['records']} records, commit {meta.get('commit')} "
                           f"({meta.get('date')})\n")
    env.stderr.write(f"opencheck: wrote {root}\n")
