"""`opencheck diff OLD NEW`: compare two JSON reports and exit 1 on a regression."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from opencheck.environment import Environment
from opencheck.exit_status import ExitStatus

HELP = (
    "Compare two JSON reports (opencheck check -f json) of the same model: components lost, licences that "
    "became less open (osi > free > open-data > unknown/ambiguous > restricted/non-commercial/proprietary) "
    "and grades that dropped. Exit 0 no regression, 1 a regression, 2 unreadable or invalid report."
)


class DiffFormat(str, Enum):
    """Output formats of `diff`."""

    TEXT = "text"
    JSON = "json"


def diff(
    ctx: typer.Context,
    old: Path = typer.Argument(..., help="The earlier JSON report (the baseline)."),
    new: Path = typer.Argument(..., help="The later JSON report."),
    output_format: DiffFormat = typer.Option(DiffFormat.TEXT, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the diff to FILE."),
) -> None:
    """Compare two reports."""
    from opencheck.report.diff import diff_reports, format_diff_json, format_diff_text, load_report_file

    env: Environment = ctx.obj or Environment()

    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else env.cwd / p

    result = diff_reports(load_report_file(resolve(old)), load_report_file(resolve(new)))
    from opencheck.output.guard import OutputKind, finish, redactor

    # The reports compared are untrusted files: their values are redacted and made inert like a report's.
    as_json = output_format == DiffFormat.JSON
    text = finish(format_diff_json(result) if as_json else format_diff_text(result),
                  OutputKind.JSON if as_json else OutputKind.TEXT, redactor(env))
    # A closed pipe (`| head`) ends the output only: the regressions still decide the exit code.
    from opencheck.output.closed_pipe import write_stdout

    if output is not None:
        from opencheck.output.files import write_atomic
        from opencheck.output.messages import wrote

        try:
            write_atomic(resolve(output), text, shown=str(output))
            wrote(env, resolve(output))
        except BrokenPipeError:
            pass  # `-o /dev/stdout | head`
    else:
        write_stdout(env.stdout, text)
    if result.regressions:
        raise typer.Exit(int(ExitStatus.GATE_FAILED))
