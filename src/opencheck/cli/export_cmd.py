"""`opencheck export mot TARGET`: export a manifest for the Model Openness Tool (more exports may join)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from opencheck.cli.help_format import Command, Group
from opencheck.environment import Environment

app = typer.Typer(invoke_without_command=True, add_completion=False, rich_markup_mode=None, cls=Group,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def export_db(
    ctx: typer.Context,
    db: Path | None = typer.Option(None, "--db", metavar="FILE",
                                   help="Export a batch store (from `opencheck batch --db`)."),
    fmt: str = typer.Option("csv", "--format", "-f", metavar="[csv|jsonl|parquet|html]",
                            help="With --db: csv, jsonl, parquet or html."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="With --db: write to FILE (default stdout)."),
    diff: Path | None = typer.Option(None, "--diff", metavar="FILE",
                                     help="With --db: list models whose openness changed "
                                     "since OLD.sqlite instead of exporting."),
) -> None:
    """Export results: `export --db FILE --format ...` for a batch store, or a sub-command such as `mot`."""
    if ctx.invoked_subcommand is not None:
        if db is not None:
            from opencheck.errors import UsageError

            raise UsageError("--db exports a batch store; it does not combine with a sub-command")
        return
    env: Environment = ctx.obj or Environment()
    if db is None:
        env.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(0)
    from opencheck.cli.batch_cmd import export_store

    export_store(env, db, fmt, output, diff)

MOT_HELP = (
    "Write a manifest the Model Openness Tool accepts for submission (MOT's model YAML) for TARGET: the declared "
    "manifest as written plus the components opencheck detected, with detected licences as SPDX ids. Declared "
    "licences that are not valid SPDX ids are reported on stderr. Its `mof` classification equals TARGET's."
)


def resolve_target(env: Environment, target: str) -> str:
    """A relative path is relative to the injected working folder (it differs from the process's in tests)."""
    candidate = env.cwd / target
    if not Path(target).is_absolute() and os.path.lexists(candidate):
        return str(candidate)
    return target


def output_path(env: Environment, output: Path) -> Path:
    """-o FILE, relative to the injected working folder."""
    return output if output.is_absolute() else env.cwd / output


def mot(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Model folder, manifest file (.yaml), or Hub id org/name[@rev]."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the manifest to FILE (default: stdout)."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: $HF_TOKEN)."),
    offline: bool = typer.Option(False, "--offline", help="Use only the Hub cache."),
) -> None:
    """Export a MOT manifest."""
    from opencheck.collect import collect
    from opencheck.interchange.export_mot import export_manifest, export_text
    from opencheck.output.files import write_atomic
    from opencheck.output.guard import OutputKind, finish, message, redactor, scrub_report
    from opencheck.output.messages import wrote

    env: Environment = ctx.obj or Environment()
    if output is not None:
        from opencheck.output.files import refuse_inputs

        refuse_inputs([(str(output), output_path(env, output))], [("the target", Path(resolve_target(env, target)))])
    from opencheck.cli.hub_settings import hub_options

    evidence = collect(resolve_target(env, target), hub=hub_options(env, token=token, offline=offline))
    scrubber = redactor(env)
    manifest, warnings = export_manifest(scrub_report(evidence, scrubber))
    for warning in warnings:
        env.stderr.write(f"opencheck: warning: {message(warning, scrubber)}\n")
    text = finish(export_text(manifest), OutputKind.DATA, scrubber)
    if output is None:
        env.stdout.write(text)
    else:
        write_atomic(output_path(env, output), text, shown=str(output))
        wrote(env, output_path(env, output))


app.command("mot", help=MOT_HELP, cls=Command,
            short_help="Write a manifest for the Model Openness Tool.")(mot)
