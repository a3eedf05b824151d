"""Terminal report: a headline grade per pack, the component matrix, failing rules with evidence and fixes."""

from __future__ import annotations

import io
import re

from opencheck.report import Report
from opencheck.results import RuleStatus

STATUS_STYLE = {
    "pass": "green", "warn": "yellow", "fail": "red", "inconclusive": "magenta",
    "not_applicable": "dim", "error": "bold red",
}
COMPONENT_STYLE = {"present": "green", "absent": "red", "unknown": "yellow"}
# File names, card values and custom packs are untrusted: their control characters (terminal escapes, \r)
# are shown as U+FFFD, and rich markup is off so text like "[/x]" is printed, never interpreted.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: object) -> str:
    return _CONTROL.sub("\ufffd", str(text))


def format_text(report: Report, *, width: int = 120, color: bool = False, verbose: bool = False) -> str:
    """Render the report for a terminal (rich markup; plain when `color` is false)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, soft_wrap=False, markup=False, emoji=False)
    ev = report.evidence
    t = ev.target
    where = t.path or t.id
    sha = f" @ {t.resolved_sha[:12]}" if t.resolved_sha else ""
    console.print(Text.assemble(("opencheck ", "bold"), (f"{t.kind.value} ", "dim"), (_safe(f"{where}{sha}"), "bold")))
    if ev.manifest_path:
        console.print(Text(_safe(f"manifest: {ev.manifest_path}"), style="dim"))
    if headline := report.lookups_headline():
        console.print(Text(_safe(f"warning: {headline}"), style="bold yellow"))

    for pack in report.packs:
        grade = pack.grade
        console.print()
        console.print(Text.assemble((_safe(pack.title), "bold"), _safe(f"  ({pack.name} {pack.version})")))
        console.print(Text.assemble("  grade: ", (_safe(grade.label), "bold cyan")))
        if grade.scheme == "mof":
            prog = grade.details["progress"]
            console.print(f"  progress: Class III {prog['3']:.1f}% · Class II {prog['2']:.1f}% · "
                          f"Class I {prog['1']:.1f}%")
        counts = pack.counts()
        console.print("  " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v))
        shown = [r for r in pack.results
                 if verbose or r.status not in (RuleStatus.PASS, RuleStatus.NOT_APPLICABLE)]
        if shown:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
            table.add_column("status", no_wrap=True)
            table.add_column("rule", no_wrap=True)
            table.add_column("finding and evidence", overflow="fold")
            for r in shown:
                status = r.status.value + (" (suppressed)" if r.suppression else "")
                detail = Text(_safe(r.message))
                for ev_item in r.evidence[:3]:
                    detail.append(_safe(f"\n  at {ev_item.describe()}"), style="dim")
                if r.status not in (RuleStatus.PASS, RuleStatus.NOT_APPLICABLE):
                    detail.append(_safe(f"\n  fix: {r.remediation}"), style="italic")
                if r.suppression:
                    detail.append(_safe(f"\n  suppressed: {r.suppression.reason}"
                                        + (f" ({r.suppression.note})" if r.suppression.note else "")), style="dim")
                table.add_row(Text(status, style=STATUS_STYLE[r.status.value]), _safe(r.rule_id), detail)
            console.print(table)
        if grade.next_steps:
            console.print(Text("  next steps:", style="bold"))
            for step in grade.next_steps[:8]:
                console.print(_safe(f"   - {step}"))

    console.print()
    comp_table = Table(title="Components (MOF vocabulary)", show_header=True, header_style="bold",
                       box=None, pad_edge=False)
    comp_table.add_column("component", no_wrap=True)
    comp_table.add_column("status", no_wrap=True)
    comp_table.add_column("licence", overflow="fold")
    comp_table.add_column("class", no_wrap=True)
    comp_table.add_column("source", overflow="fold")
    for row in report.components:
        lic = row.normalised or row.licence or "-"
        if row.licence and row.normalised and row.normalised != row.licence:
            lic = f"{row.normalised} (from {row.licence!r})"
        comp_table.add_row(_safe(row.name), Text(f"{row.status} ({row.origin})", style=COMPONENT_STYLE[row.status]),
                           _safe(lic), _safe(row.licence_class or "-"),
                           _safe(row.licence_source or (row.evidence[0] if row.evidence else "-")))
    console.print(comp_table)

    if ev.problems:
        console.print()
        console.print(Text("Problems while reading the target:", style="bold yellow"))
        for p in sorted(ev.problems, key=lambda p: (p.provenance, p.code)):
            console.print(_safe(f"  {p.provenance.describe()}: {p.message}"))
    if report.gates:
        console.print()
        for g in report.gates:
            console.print(Text.assemble(("gate passed: " if g.passed else "gate FAILED: ",
                                         "green" if g.passed else "bold red"), _safe(g.message)))
    return buf.getvalue()
