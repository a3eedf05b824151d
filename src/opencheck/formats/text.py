"""Terminal report: a headline grade per pack, the component matrix, failing rules with evidence and fixes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from opencheck.evidence import Provenance
from opencheck.output.inert import terminal_text
from opencheck.report import Report
from opencheck.results import PackResult, RuleStatus

if TYPE_CHECKING:
    from rich.console import Console

STATUS_STYLE = {
    "pass": "green", "warn": "yellow", "fail": "red", "inconclusive": "magenta",
    "not_applicable": "dim", "error": "bold red",
}
COMPONENT_STYLE = {"present": "green", "absent": "red", "unknown": "yellow"}
# File names, card values and custom packs are untrusted: their control characters (terminal escapes, \r) and
# bidi controls are shown as U+FFFD, and rich markup is off so text like "[/x]" is printed, never interpreted.
_safe = terminal_text


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Word-wrap `text` after the prefix `first`, continuing under it at `rest` (a hanging indent).

    Words are never split, and hyphens are not break points, so rule ids, SPDX ids and paths stay whole; a word
    longer than the line runs past the edge rather than being cut.
    """
    import textwrap

    lines: list[str] = []
    for i, paragraph in enumerate(text.split("\n")):
        wrapper = textwrap.TextWrapper(width=max(width, len(first) + 20), initial_indent=first if i == 0 else rest,
                                       subsequent_indent=rest, break_long_words=False, break_on_hyphens=False)
        lines.extend(wrapper.wrap(paragraph) or [(first if i == 0 else rest).rstrip()])
    return lines


def evidence_label(item: Provenance) -> tuple[str, str]:
    """Label and text of one evidence item: a located item reads `at FILE:LINE ...`; a note alone is what the
    check saw (often that something is missing), so it is not shown as a place."""
    if item.file or item.key or item.url:
        return "at ", item.describe()
    return "checked: ", item.note or "(no details)"


class _Writer:
    """Prints wrapped, optionally styled lines; the layout is the same with or without colour."""

    def __init__(self, console: Console, width: int) -> None:
        self.console = console
        self.width = width

    def blank(self) -> None:
        self.console.print()

    def line(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(_safe(text), style=style), soft_wrap=True)

    def hang(self, text: str, first: str, rest: str | None = None, *, head_style: str = "", style: str = "",
             head: int | None = None) -> None:
        """Wrap `text` after `first` with a hanging indent; `head` leading characters take `head_style`."""
        from rich.text import Text

        first = _safe(first)  # prefixes carry pack titles and statuses: as untrusted as the text
        lines = _wrap(_safe(text), self.width, first, " " * len(first) if rest is None else _safe(rest))
        for i, raw in enumerate(lines):
            cut = (len(first) if head is None else head) if i == 0 else 0
            self.console.print(Text.assemble((raw[:cut], head_style), (raw[cut:], style)), soft_wrap=True)


def format_text(report: Report, *, width: int = 120, color: bool = False, verbose: bool = False) -> str:
    """Render the report for a terminal, wrapped to `width` with hanging indents (styled when `color`)."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, soft_wrap=True, markup=False, emoji=False)
    out = _Writer(console, width)
    ev = report.evidence
    t = ev.target
    where = t.path or t.id
    sha = f" @ {t.resolved_sha[:12]}" if t.resolved_sha else ""
    out.hang(f"{where}{sha}", f"opencheck {t.kind.value} ", head_style="dim", style="bold")
    if ev.manifest_path:
        out.hang(str(ev.manifest_path), "manifest: ", style="dim", head_style="dim")
    if report.notice:
        out.hang(report.notice, "note: ", style="bold yellow", head_style="bold yellow")
    if report.references:
        from opencheck.references.render import headlines

        for text in headlines(report.references):
            out.hang(text, "reference: ", style="bold magenta", head_style="dim")
    if headline := report.lookups_headline():
        out.hang(headline, "warning: ", style="bold yellow", head_style="bold yellow")

    for pack in report.packs:
        _pack(out, pack, verbose)
    _components(out, console, report, width)
    if ev.problems:
        out.blank()
        out.line("Problems while reading the target:", style="bold yellow")
        for p in sorted(ev.problems, key=lambda p: (p.provenance, p.code)):
            out.hang(f"{p.provenance.describe()}: {p.message}", "  ", "    ")
    if report.gates:
        out.blank()
        for g in report.gates:
            out.hang(g.message, "gate passed: " if g.passed else "gate FAILED: ",
                     head_style="green" if g.passed else "bold red")
    return buf.getvalue()


def _pack(out: _Writer, pack: PackResult, verbose: bool) -> None:
    """One pack: its grade, counts, the findings shown and the next steps."""
    grade = pack.grade
    out.blank()
    out.hang(f"({pack.name} {pack.version})", f"{pack.title}  ", head_style="bold")
    out.hang(grade.label, "  grade: ", style="bold cyan")
    if grade.scheme == "mof":
        prog = grade.details["progress"]
        out.line(f"  progress: Class III {prog['3']:.1f}% · Class II {prog['2']:.1f}% · Class I {prog['1']:.1f}%")
    counts = pack.counts()
    out.hang(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v), "  ")
    shown = [r for r in pack.results
             if verbose or r.status not in (RuleStatus.PASS, RuleStatus.NOT_APPLICABLE)]
    # One block per finding: status and rule id on the first line, then the finding, its evidence and the
    # fix, each wrapped under its own label so nothing falls back under the status column.
    pad = max((len(r.status.value) for r in shown), default=0) + 2
    indent = " " * (2 + pad)
    for r in shown:
        status = r.status.value + (" (suppressed)" if r.suppression else "")
        style = STATUS_STYLE[r.status.value]
        out.hang(r.rule_id, f"  {status:<{pad - 2}}  ", head_style=style, style="bold")
        out.hang(r.message, indent)
        for ev_item in r.evidence[:3]:
            label, text = evidence_label(ev_item)
            out.hang(text, indent + label, head_style="dim", style="dim")
        if r.status not in (RuleStatus.PASS, RuleStatus.NOT_APPLICABLE):
            out.hang(r.remediation, indent + "fix: ", style="italic")
        if r.suppression:
            note = f" ({r.suppression.note})" if r.suppression.note else ""
            out.hang(f"{r.suppression.reason}{note}", indent + "suppressed: ", style="dim")
    if grade.next_steps:
        out.line("  next steps:", style="bold")
        for step in grade.next_steps[:8]:
            out.hang(step, "   - ")


def _components(out: _Writer, console: Console, report: Report, width: int) -> None:
    """The components table: name and status in columns, licence and source wrapped under their own column."""
    from rich.text import Text

    out.blank()
    out.line("Components (MOF vocabulary)", style="bold")
    rows = report.components
    name_w = max((len(row.name) for row in rows), default=0)
    state_w = max((len(f"{row.status} ({row.origin})") for row in rows), default=0)
    # Name and status line up in columns; the licence and where it was found wrap under their own column, or on
    # the next line when the terminal is too narrow to leave them room.
    tail_at = 2 + name_w + 2 + state_w + 2
    tail_indent = " " * tail_at if width - tail_at >= 30 else "      "
    for row in rows:
        lic = row.normalised or row.licence or ""
        if row.licence and row.normalised and row.normalised != row.licence:
            lic = f"{row.normalised} (stated as {row.licence!r})"
        if lic and row.licence_class:
            lic = f"{lic}, {row.licence_class}"
        source = row.licence_source or (row.evidence[0] if row.evidence else "")
        tail = f"{lic}; from {source}" if lic and source else (lic or source or "-")
        state = _safe(f"{row.status} ({row.origin})")
        head = f"  {_safe(row.name):<{name_w}}  "
        if tail_indent.strip() == "" and len(tail_indent) == tail_at:
            first = f"{head}{state:<{state_w}}  "
            lines = _wrap(_safe(tail), width, first, tail_indent)
        else:
            lines = [f"{head}{state}", *_wrap(_safe(tail), width, tail_indent, tail_indent)]
        for i, raw in enumerate(lines):
            if i == 0:
                console.print(Text.assemble(raw[:len(head)], (state, COMPONENT_STYLE[row.status]),
                                            raw[len(head) + len(state):]), soft_wrap=True)
            else:
                console.print(Text(raw), soft_wrap=True)

    if report.references:
        _references(out, report)


def _references(out: _Writer, report: Report) -> None:
    """Each curated record's comparison table with what was found live."""
    from opencheck.references.render import table

    for record in report.references.get("records") or []:
        caption, heads, rows = table(record)
        out.blank()
        out.hang(caption, "Curated reference: ", style="bold", head_style="bold")
        widths = [max(len(_safe(str(x))) for x in col) for col in zip(heads, *rows, strict=True)]
        for cells in (heads, *rows):
            out.line("  " + "  ".join(f"{_safe(str(c)):<{w}}" for c, w in zip(cells, widths, strict=True)).rstrip())
