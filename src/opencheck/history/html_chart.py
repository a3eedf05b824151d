"""A history as one inert HTML page: an inline SVG timeline of grades (licence changes marked) and the changes.

No script, no external resource, a Content-Security-Policy that forbids both; every value is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from opencheck.history.model import History

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 760, 240, 140, 20, 20, 40
COLOURS = ("#175cd3", "#12805c", "#b54708", "#6941c6", "#c4320a", "#667085")
LICENCE_KINDS = ("licence-less-open", "licence-more-open", "licence-changed", "weights-licence-changed")
CSS = """
body{margin:0;background:#f5f6f8;color:#1f2430;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,
Arial,sans-serif}header{background:#101828;color:#fff;padding:20px 40px}main{padding:20px 40px}
h1{margin:4px 0;font-size:22px}table{border-collapse:collapse;background:#fff;width:100%;margin:12px 0}
td,th{border:1px solid #e4e7ec;padding:4px 8px;text-align:left;vertical-align:top}.mono{font-family:ui-monospace,
Menlo,Consolas,monospace;font-size:12.5px}.reg{color:#c4320a;font-weight:600}.ev{color:#667085;font-size:12.5px}
svg{background:#fff;border:1px solid #e4e7ec}.legend span{margin-right:14px}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _position(grade: dict[str, Any]) -> float | None:
    """A grade's height on the chart, 0 (worst) to 1 (best): its place in the pack's order, else its score."""
    order = grade.get("order") or []
    if grade.get("value") in order and len(order) > 1:
        return order.index(grade["value"]) / (len(order) - 1)
    score = grade.get("score")
    return max(0.0, min(1.0, float(score) / 100)) if isinstance(score, int | float) else None


def timeline_svg(history: History) -> str:
    """The grades of each pack over the revisions, with a dashed mark where a licence changed."""
    revs = history.revisions
    n = max(len(revs), 1)
    span_x = WIDTH - PAD_LEFT - PAD_RIGHT
    span_y = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return PAD_LEFT + (span_x * i / (n - 1) if n > 1 else span_x / 2)

    def y(p: float) -> float:
        return PAD_TOP + span_y * (1 - p)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="grades over time">',
             f'<line x1="{PAD_LEFT}" y1="{y(0):.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y(0):.1f}" stroke="#98a2b3"/>',
             f'<text x="8" y="{y(1) + 4:.1f}" font-size="11" fill="#667085">best grade</text>',
             f'<text x="8" y="{y(0) + 4:.1f}" font-size="11" fill="#667085">worst grade</text>']
    for i, rev in enumerate(revs):
        if any(c.kind in LICENCE_KINDS for c in rev.changes):
            what = "; ".join(c.message for c in rev.changes if c.kind in LICENCE_KINDS)
            parts.append(f'<line x1="{x(i):.1f}" y1="{PAD_TOP}" x2="{x(i):.1f}" y2="{y(0):.1f}" stroke="#c4320a" '
                         f'stroke-dasharray="4 3" class="licence-change"><title>{_e(what)}</title></line>')
        label = rev.ref.date[:10] if rev.ref.date else rev.ref.sha[:7]
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 22}" font-size="10" text-anchor="middle" '
                     f'fill="#667085">{_e(label)}</text>')
    for k, pack in enumerate(history.packs):
        colour = COLOURS[k % len(COLOURS)]
        points: list[tuple[float, float, str]] = []
        for i, rev in enumerate(revs):
            grade = next((p["grade"] for p in rev.report.get("packs", []) if p["name"] == pack["name"]), None)
            pos = _position(grade) if grade else None
            if pos is not None and grade is not None:
                points.append((x(i), y(pos), f"{pack['name']} {grade.get('value')} at {rev.ref.sha[:12]}"))
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for px, py, tip in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"><title>{_e(tip)}</title>'
                         "</circle>")
    parts.append("</svg>")
    return "".join(parts)


def format_history_html(history: History) -> str:
    """The history as one self-contained, script-free HTML page."""
    data = history.to_dict()
    packs = [p["name"] for p in data["packs"]]
    legend = "".join(f'<span style="color:{COLOURS[k % len(COLOURS)]}">&#9632; {_e(p)}</span>'
                     for k, p in enumerate(packs))
    rows = []
    for rev in data["revisions"]:
        names = f" ({_e(', '.join(rev['names']))})" if rev["names"] else ""
        facts = rev["facts"]
        rows.append(
            f"<tr><td>{_e(rev['date'] or 'undated')}</td><td><span class=\"mono\">{_e(rev['sha'][:12])}</span>"
            f"{names}<br>{_e(rev['title'])}</td>"
            + "".join(f"<td>{_e(rev['grades'].get(p, '–'))}</td>" for p in packs)
            + f"<td>{_e(facts.get('weights_licence') or 'unknown')}</td>"
            f"<td>{_e(', '.join(facts.get('datasets') or []) or 'none named')}</td><td>{_e(facts.get('gated'))}</td>"
            f"<td>{_changes(rev)}</td></tr>")
    head = "".join(f"<th>{_e(p)}</th>" for p in packs)
    summary = data["summary"]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>opencheck history: {_e(data['target']['id'])}</title><style>{CSS}</style></head><body>"
        f"<header><div>opencheck · openness history</div><h1>{_e(data['target']['id'])}</h1>"
        f"<div>{summary['revisions']} revision(s) ({_e(data['target']['mode'])}), {summary['changes']} change(s), "
        f"{summary['regressions']} regression(s), {data['requests']['total']} request(s) · "
        f"{_e(data['generated_at'])}</div></header><main>"
        f"<div class=\"legend\">{legend}<span style=\"color:#c4320a\">- - licence changed</span></div>"
        f"{timeline_svg(history)}"
        f"<table><tr><th>Date</th><th>Revision</th>{head}<th>Weights licence</th><th>Datasets</th><th>Gated</th>"
        f"<th>Changes</th></tr>{''.join(rows)}</table>"
        "<p class=\"ev\">This page makes no network requests.</p></main></body></html>\n")


def _changes(rev: dict[str, Any]) -> str:
    if rev["reused_from"]:
        return f'<span class="ev">unchanged card and files: as at {_e(rev["reused_from"][:12])}</span>'
    items = []
    for change in rev["changes"]:
        cls = ' class="reg"' if change["regression"] else ""
        evidence = "".join(f'<div class="ev">{_e(side)}: {_e(ev)}</div>'
                           for side in ("old", "new") for ev in change["evidence"][side][:3])
        items.append(f"<div><span{cls}>{_e(change['message'])}</span>{evidence}</div>")
    return "".join(items)
