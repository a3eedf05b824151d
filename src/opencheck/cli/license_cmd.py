"""`opencheck license explain`: show how opencheck reads a licence statement or a licence file."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opencheck.cli.help_format import Command, Group

if TYPE_CHECKING:  # the licence layer and rich load only when the command runs, to keep `--help` fast
    from rich.console import Console

    from opencheck.licenses import NormalisedLicence, TextMatch

app = typer.Typer(help="Explain licences: normal form, class and why.", no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None, cls=Group)

MAX_FILE_BYTES = 1_000_000  # licence files are small; more than this is not a licence text


class OutputFormat(str, Enum):
    """Output formats of `license explain`."""

    TEXT = "text"
    JSON = "json"


@app.callback()
def _group() -> None:
    """Licence tools."""


def _as_file(arg: str) -> Path | None:
    """The argument as an existing regular file, else None (it is then a licence statement)."""
    if not arg or len(arg) > 4096 or "\x00" in arg:
        return None
    try:
        path = Path(arg)
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


def explanation(arg: str) -> dict[str, Any]:
    """Everything `explain` shows, as plain data."""
    from opencheck.licenses import (
        COMPONENT_TYPES,
        classify,
        licence_data_versions,
        normalise,
        suitability,
    )

    path = _as_file(arg)
    match: TextMatch | None = None
    if path is not None:
        match, norm = _identified_file(arg, path)
    else:
        norm = normalise(arg)
    c = classify(norm)
    return {
        "input": arg,
        "source": "file" if path is not None else "statement",
        "text_match": None
        if match is None
        else {"licence_id": match.licence_id, "score": match.score, "name": match.name},
        "normalised": {
            "expression": norm.expression,
            "exact": norm.exact,
            "suggestion": norm.suggestion,
            "how": norm.how,
        },
        "classification": {
            "class": c.licence_class.value,
            "is_open": c.is_open,
            "reason": c.reason,
            "qualifying_branch": c.qualifying_branch,
            "parts": [{"id": p.id, "class": p.licence_class.value, "reason": p.reason} for p in c.parts],
        },
        "suitability": {
            kind: {"open": s.open, "appropriate": s.appropriate, "note": s.note}
            for kind in COMPONENT_TYPES
            for s in [suitability(c, kind)]
        },
        "versions": licence_data_versions(),
    }


def _identified_file(arg: str, path: Path) -> tuple[TextMatch, NormalisedLicence]:
    """The licence a file's text is (its first MAX_FILE_BYTES), as a text match and a normal form."""
    from opencheck.licenses import identify_text
    from opencheck.licenses.normalise import NormalisedLicence

    try:
        data = path.read_bytes()[:MAX_FILE_BYTES]
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {arg}: {exc.strerror or exc}") from exc
    match = identify_text(data.decode("utf-8", errors="replace"))
    if match.licence_id:
        return match, NormalisedLicence(
            raw=arg,
            expression=match.licence_id,
            exact=False,
            suggestion=match.licence_id,
            how=f"file text identified as {match.licence_id} (score {match.score:.2f})",
        )
    return match, NormalisedLicence(
        raw=arg,
        expression=None,
        exact=False,
        suggestion=None,
        how=f"unknown licence: the text of {arg} matches no known licence well"
        f" (best score {match.score:.2f})",
    )


def _print_text(info: dict[str, Any], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    from opencheck.output.inert import terminal_text
    from opencheck.output.redact import scrub_data

    # The input may be a licence file from a model: the console reads no markup, so "[link=...]" in it is text,
    # and its values lose their terminal controls here, as the guarded stream lets colour codes through.
    info = scrub_data(info, terminal_text)
    norm, cls = info["normalised"], info["classification"]
    console.print(Text.assemble(("Input", "bold"), f" ({info['source']}): {info['input']!r}"), highlight=False)
    if info["text_match"] is not None:
        tm = info["text_match"]
        console.print(
            f"Text match: {tm['licence_id'] or 'unknown'} (score {tm['score']:.2f})", highlight=False
        )
    console.print(Text.assemble("Normalised: ", (norm["expression"] or "unknown", "bold")), highlight=False)
    console.print(f"How: {norm['how']}", markup=False, highlight=False)
    if norm["suggestion"] and not norm["exact"]:
        console.print(f"Suggestion: write {norm['suggestion']}", markup=False, highlight=False)
    verdict = "open" if cls["is_open"] else "not open"
    console.print(Text.assemble("Class: ", (cls["class"], "bold"), f" ({verdict})"), highlight=False)
    console.print(f"Why: {cls['reason']}", markup=False, highlight=False)
    if cls["qualifying_branch"]:
        console.print(f"Qualifying branch: {cls['qualifying_branch']}", markup=False, highlight=False)
    if cls["parts"]:
        parts = Table(title="Parts", show_lines=False)
        for col in ("licence", "class", "reason"):
            parts.add_column(col, overflow="fold")
        for p in cls["parts"]:
            parts.add_row(p["id"], p["class"], p["reason"])
        console.print(parts)
    fit = Table(title="Per component type")
    for col in ("type", "open", "appropriate", "note"):
        fit.add_column(col, overflow="fold")
    for kind, s in info["suitability"].items():
        fit.add_row(kind, "yes" if s["open"] else "no", "yes" if s["appropriate"] else "no", s["note"])
    console.print(fit)
    versions = ", ".join(f"{k} {v}" for k, v in sorted(info["versions"].items()))
    console.print(f"Data: {versions}", markup=False, highlight=False)


@app.command("explain", cls=Command, short_help="Show how opencheck reads a licence, and why.")
def explain(
    ctx: typer.Context,
    text_or_path: Annotated[
        str, typer.Argument(help="A licence statement (id, expression, free text) or a licence file.")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
) -> None:
    """Show the normal form of a licence, the class of each part and of the whole, and why."""
    from opencheck.environment import Environment

    # Through the injected (guarded) stdout, so secrets are redacted and text is inert like every other output.
    env: Environment = ctx.obj or Environment()
    info = explanation(text_or_path)
    if output_format is OutputFormat.JSON:
        from opencheck.output.inert import inert_json

        env.stdout.write(inert_json(json.dumps(info, sort_keys=True, indent=2, ensure_ascii=False)) + "\n")
    else:
        from opencheck.output.closed_pipe import pipe_console

        _print_text(info, pipe_console(env.stdout, soft_wrap=True, markup=False))
