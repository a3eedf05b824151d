"""The one list of report formats: name, file extension and renderer; the CLI and the Action read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from opencheck.environment import Environment
from opencheck.errors import UsageError
from opencheck.report import Report


class ReportFormat(str, Enum):
    """Formats `--format` accepts."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    SARIF = "sarif"
    JUNIT = "junit"
    BADGE = "badge"

    @property
    def filename(self) -> str:
        """File name used under `--output-dir`."""
        return FILENAMES[self]


FILENAMES = {
    ReportFormat.TEXT: "report.txt",
    ReportFormat.JSON: "report.json",
    ReportFormat.MARKDOWN: "report.md",
    ReportFormat.HTML: "report.html",
    ReportFormat.SARIF: "report.sarif",
    ReportFormat.JUNIT: "report.junit.xml",
    ReportFormat.BADGE: "report.badge.json",
}


# How each format's text is made inert after rendering (see opencheck.output.guard).
OUTPUT_KINDS = {
    ReportFormat.TEXT: "text", ReportFormat.JSON: "json", ReportFormat.MARKDOWN: "markdown",
    ReportFormat.HTML: "xml", ReportFormat.SARIF: "shown-json", ReportFormat.JUNIT: "xml",
    ReportFormat.BADGE: "shown-json",
}

# Module and function of each renderer, imported on first use so `opencheck check -f json` never pays for rich
# or the HTML template.
RENDERERS = {
    ReportFormat.TEXT: ("text", "format_text"),
    ReportFormat.JSON: ("json_format", "format_json"),
    ReportFormat.MARKDOWN: ("markdown", "format_markdown"),
    ReportFormat.HTML: ("html", "format_html"),
    ReportFormat.SARIF: ("sarif", "format_sarif"),
    ReportFormat.JUNIT: ("junit", "format_junit"),
    ReportFormat.BADGE: ("badge", "format_badge"),
}


def _renderer(fmt: ReportFormat) -> Callable[..., str]:
    from importlib import import_module

    module, function = RENDERERS[fmt]
    renderer: Callable[..., str] = getattr(import_module(f"opencheck.formats.{module}"), function)
    return renderer


TEXT_WIDTH = 120  # a file or a pipe gets this width (or $COLUMNS) so the output does not depend on a terminal


def render(report: Report, fmt: ReportFormat, *, color: bool = False, verbose: bool = False,
           width: int = TEXT_WIDTH) -> str:
    """Render `report` in one format (`width` and `color` apply to text)."""
    if fmt == ReportFormat.TEXT:
        return _renderer(fmt)(report, color=color, verbose=verbose, width=width)
    return _renderer(fmt)(report)


def text_width(env: Environment, terminal: bool) -> int:
    """Columns for the text report: $COLUMNS when set, else the terminal's width, else TEXT_WIDTH."""
    columns = env.env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return min(int(columns), 400)
    if terminal:
        import shutil

        return max(40, shutil.get_terminal_size((TEXT_WIDTH, 24)).columns)
    return TEXT_WIDTH


@dataclass(frozen=True)
class OutputTarget:
    """Where one format goes: a file, or stdout when `path` is None."""

    format: ReportFormat
    path: Path | None


def plan_outputs(formats: list[ReportFormat], outputs: list[Path], output_dir: Path | None,
                 cwd: Path | None = None, inputs: list[tuple[str, Path | None]] | None = None) -> list[OutputTarget]:
    """Pair the i-th `--format` with the i-th `--output`; the rest go to `--output-dir` or (one) to stdout.

    `inputs` (what, path) are files the command reads that no output may replace (the target, --config)."""
    from opencheck.output.files import check_output_dir, refuse_inputs, refuse_same_files

    base = cwd or Path.cwd()
    formats = formats or [ReportFormat.TEXT]
    if len(set(formats)) != len(formats):
        raise UsageError("--format: each format may be given once")
    if len(outputs) > len(formats):
        raise UsageError(f"{len(outputs)} --output files for {len(formats)} --format values; give one "
                         "--format per --output, in the same order")
    plan: list[OutputTarget] = []
    for i, fmt in enumerate(formats):
        if i < len(outputs):
            plan.append(OutputTarget(fmt, outputs[i]))
        elif output_dir is not None:
            check_output_dir(output_dir if output_dir.is_absolute() else base / output_dir, str(output_dir))
            plan.append(OutputTarget(fmt, output_dir / fmt.filename))
        else:
            plan.append(OutputTarget(fmt, None))
    to_stdout = [t.format.value for t in plan if t.path is None]
    if len(to_stdout) > 1:
        raise UsageError(f"formats {', '.join(to_stdout)} would all go to stdout; give -o FILE per format "
                         "or --output-dir DIR")
    # One file by two spellings (r.out, ./r.out, $PWD/r.out, sub/../r.out, a hard link) is still one file.
    destinations = [(str(t.path), t.path if t.path.is_absolute() else base / t.path)
                    for t in plan if t.path is not None]
    refuse_same_files(destinations)
    refuse_inputs(destinations, [(what, p if p is None or p.is_absolute() else base / p) for what, p in inputs or []])
    return plan


def emit_reports(report: Report, plan: list[OutputTarget], env: Environment, *, verbose: bool = False) -> None:
    """Render each planned format once and write it to its file (atomically) or to stdout.

    The report is redacted once as data (so every format shows the same values) and each rendered text again,
    made inert for its format, before it leaves.
    """
    from opencheck.output.closed_pipe import write_stdout
    from opencheck.output.files import write_atomic
    from opencheck.output.guard import OutputKind, finish, redactor, scrub_report

    scrubber = redactor(env)
    report = scrub_report(report, scrubber)
    for target in plan:
        to_terminal = target.path is None and env.stdout_isatty
        text = render(report, target.format, color=to_terminal, verbose=verbose,
                      width=text_width(env, to_terminal))
        kind = OutputKind(OUTPUT_KINDS[target.format])
        if target.path is None:
            # stdout is a guarded stream that also makes text inert for a terminal; the text report goes to it
            # as rendered so that its colours survive on a terminal. A closed pipe (`| head`) ends the output
            # only: the gates still decide the exit code.
            write_stdout(env.stdout, text if kind == OutputKind.TEXT else finish(text, kind, scrubber))
            continue
        path = target.path if target.path.is_absolute() else env.cwd / target.path
        try:
            write_atomic(path, finish(text, kind, scrubber), shown=str(target.path))
        except BrokenPipeError:
            continue  # `-o /dev/stdout | head`: as for stdout, the gates still decide the exit code
        from opencheck.output.messages import wrote

        wrote(env, path)
