"""GitHub-flavoured Markdown, fit for `$GITHUB_STEP_SUMMARY`: headline per pack, tables, `<details>` blocks."""

from __future__ import annotations

import html

from opencheck.output.inert import markdown_code, markdown_text, terminal_text
from opencheck.report import Report
from opencheck.results import Grade, PackResult, RuleResult, RuleStatus

MAX_BYTES = 1024 * 1024 - 16 * 1024  # GitHub refuses step summaries over 1 MiB; keep room for the note
STATUS_ICON = {
    "pass": "✅", "warn": "⚠️", "fail": "❌", "inconclusive": "❔", "not_applicable": "➖", "error": "💥",
}
COMPONENT_ICON = {"present": "✅", "absent": "❌", "unknown": "❔"}
ATTENTION = (RuleStatus.FAIL, RuleStatus.ERROR, RuleStatus.WARN, RuleStatus.INCONCLUSIVE)


def cell(text: object) -> str:
    """A value as literal one-line Markdown, fit for a GFM table cell: names, card values and server texts are
    untrusted, so no link, image, HTML, mention, table break or terminal escape can come out of them."""
    return markdown_text(text) or " "


def _html(text: object) -> str:
    """A value inside a raw HTML line (`<summary>`), where Markdown is not parsed: escaped, in a code element
    so GitHub links no mention or URL in it."""
    return f"<code>{html.escape(' '.join(terminal_text(text).split()))}</code>"


def _status(r: RuleResult) -> str:
    label = r.status.value.replace("_", " ")
    if r.suppression is not None:
        return f"🔕 {label} (suppressed: {cell(r.suppression.reason)})"
    return f"{STATUS_ICON[r.status.value]} {label}"


def _evidence(r: RuleResult, limit: int = 2) -> str:
    return "<br>".join(cell(ev.describe()) for ev in r.evidence[:limit]) or "–"


def grade_icon(grade: Grade) -> str:
    """🟢 best grade, 🔴 worst, 🟡 in between."""
    if grade.order:
        return "🟢" if grade.rank >= len(grade.order) - 1 else ("🔴" if grade.rank <= 0 else "🟡")
    score = grade.score or 0.0
    return "🟢" if score >= 80 else ("🔴" if score < 40 else "🟡")


def _headline(pack: PackResult) -> str:
    return f"## {grade_icon(pack.grade)} {cell(pack.title)}: {cell(pack.grade.label)}"


def _progress(pack: PackResult) -> list[str]:
    prog = pack.grade.details.get("progress") if pack.grade.scheme == "mof" else None
    if not prog:
        return []
    lines = ["| Class | Progress |", "|---|---|"]
    for key, name in (("3", "III - Open Model"), ("2", "II - Open Tooling"), ("1", "I - Open Science")):
        pct = float(prog.get(key, 0.0))
        filled = round(pct / 10)
        lines.append(f"| {name} | `{'█' * filled}{'░' * (10 - filled)}` {pct:.0f}% |")
    return [*lines, ""]


def _rule_table(results: list[RuleResult], *, fixes: bool) -> list[str]:
    head = "| Status | Rule | Finding | Evidence |" + (" Fix |" if fixes else "")
    sep = "|---|---|---|---|" + ("---|" if fixes else "")
    lines = [head, sep]
    for r in results:
        row = f"| {_status(r)} | {markdown_code(r.rule_id)} | {cell(r.message)} | {_evidence(r)} |"
        if fixes:
            row += f" {cell(r.remediation)} |"
        lines.append(row)
    return lines


def _pack(pack: PackResult) -> list[str]:
    lines = [_headline(pack), ""]
    counts = pack.counts()
    lines.append(" · ".join(f"**{v}** {k.replace('_', ' ')}" for k, v in counts.items() if v) or "no rules")
    lines.append("")
    lines += _progress(pack)
    attention = [r for r in pack.results if r.status in ATTENTION]
    if attention:
        lines += _rule_table(attention, fixes=True)
        lines.append("")
    else:
        lines += ["All rules passed or do not apply.", ""]
    if pack.grade.next_steps:
        lines.append("**Next steps**")
        lines.append("")
        lines += [f"- {cell(step)}" for step in pack.grade.next_steps[:8]]
        lines.append("")
    lines.append(f"<details><summary>All {len(pack.results)} rules of {_html(pack.name)} "
                 f"{_html(pack.version)}</summary>")
    lines.append("")
    lines += _rule_table(list(pack.results), fixes=False)
    lines += ["", "</details>", ""]
    return lines


def _components(report: Report) -> list[str]:
    if not report.components:
        return []
    lines = ["<details><summary>Components (MOF vocabulary)</summary>", "",
             "| Component | Status | Licence | Class | Source |", "|---|---|---|---|---|"]
    for c in report.components:
        lic = c.normalised or c.licence or "–"
        lines.append(f"| {cell(c.name)} | {COMPONENT_ICON.get(c.status, '')} {cell(c.status)} ({cell(c.origin)}) "
                     f"| {cell(lic)} | {cell(c.licence_class or '–')} | {cell(c.licence_source or '–')} |")
    return [*lines, "", "</details>", ""]


def _references(report: Report) -> list[str]:
    from opencheck.references.render import table

    lines: list[str] = []
    for record in (report.references or {}).get("records") or []:
        caption, heads, rows = table(record)
        lines += [f"<details><summary>Curated reference: {_html(caption)}</summary>", "",
                  "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(cell(str(c)) or "–" for c in r) + " |" for r in rows]
        lines += ["", "</details>", ""]
    return lines


def _truncate(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    note = ("\n\n> [!WARNING]\n> This summary was truncated to fit GitHub's 1 MiB step-summary limit; "
            "see the full report artifact.\n")
    cut = data[: max_bytes - len(note.encode("utf-8"))].decode("utf-8", errors="ignore")
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut  # never end in the middle of a table row
    if cut.count("<details>") > cut.count("</details>"):
        cut += "\n\n</details>"
    return cut + note


def format_markdown(report: Report, *, max_bytes: int = MAX_BYTES) -> str:
    """Render the report as GitHub-flavoured Markdown, truncated with a note beyond `max_bytes`."""
    t = report.evidence.target
    where = cell(t.id) + (f" @ {markdown_code(t.resolved_sha[:12])}" if t.resolved_sha else "")
    gate_line = ""
    if report.gates:
        gate_line = "❌ **policy failed**" if report.gate_failed else "✅ **policy passed**"
    lines = [f"# opencheck: {where}", ""]
    if report.notice:
        lines += [f"> ⚠️ **Note:** {cell(report.notice)}", ""]
    if report.references:
        from opencheck.references.render import headlines

        lines += [f"📚 {cell(text)}  " for text in headlines(report.references)] + [""]
    grades = " · ".join(f"**{cell(p.name)}**: {cell(p.grade.label)}" for p in report.packs)
    lines += [grades + (f" — {gate_line}" if gate_line else ""), ""]
    if headline := report.lookups_headline():
        lines += [f"⚠️ **{cell(headline)}**", ""]
    if report.gates:
        lines += ["| Gate | Result |", "|---|---|"]
        lines += [f"| {markdown_code(g.name)} | {'✅' if g.passed else '❌'} {cell(g.message)} |" for g in report.gates]
        lines.append("")
    for pack in report.packs:
        lines += _pack(pack)
    lines += _components(report)
    lines += _references(report)
    if report.evidence.problems:
        lines += ["**Problems while reading the target**", ""]
        for p in sorted(report.evidence.problems, key=lambda p: (p.provenance, p.code)):
            lines.append(f"- {markdown_code(p.code)} {cell(p.provenance.describe())}: {cell(p.message)}")
        lines.append("")
    lines.append(f"<sub>opencheck {cell(report.tool_version)} · {cell(report.generated_at)}</sub>")
    return _truncate("\n".join(lines) + "\n", max_bytes)
