"""A single self-contained HTML report (inline CSS, no scripts, fonts or images fetched from anywhere)."""

from __future__ import annotations

import re
from html import escape

from opencheck.evidence import Provenance
from opencheck.report import ComponentRow, Report
from opencheck.results import Grade, PackResult, RuleResult, RuleStatus
from opencheck.url_parts import split_url

STATUS_ORDER = {"fail": 0, "error": 1, "warn": 2, "inconclusive": 3, "pass": 4, "not_applicable": 5}
STATUS_LABEL = {"pass": "pass", "warn": "warn", "fail": "fail", "inconclusive": "inconclusive",
                "not_applicable": "n/a", "error": "error"}
CLASS_GROUPS = (("class-III", "Class III", "Open Model"), ("class-II", "Class II", "Open Tooling"),
                ("class-I", "Class I", "Open Science"))
ATTENTION = (RuleStatus.FAIL, RuleStatus.ERROR, RuleStatus.WARN, RuleStatus.INCONCLUSIVE)

CSS = """
:root{--ink:#1f2430;--muted:#667085;--line:#e4e7ec;--bg:#f5f6f8;--card:#fff;--green:#12805c;--green-bg:#e6f4ee;
--red:#c4320a;--red-bg:#fdece7;--amber:#b54708;--amber-bg:#fef4e6;--grey:#667085;--grey-bg:#f0f1f3;
--blue:#175cd3;--blue-bg:#eaf1fd;--violet:#6941c6;--violet-bg:#f2edfc}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",
Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
header{background:#101828;color:#fff;padding:22px 40px 20px}
header .brand{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:#98a2b3;font-weight:600}
header h1{margin:4px 0 6px;font-size:24px;font-weight:650;overflow-wrap:anywhere}
header .meta{color:#d0d5dd;font-size:13px}header .meta span+span:before{content:"·";margin:0 8px;color:#667085}
main{max-width:1240px;margin:0 auto;padding:24px 40px 48px}
.notice{background:#fffaeb;border:1px solid #fedf89;border-radius:8px;padding:10px 14px;margin:0 0 16px}
h2{font-size:18px;margin:32px 0 12px}h3{font-size:15px;margin:20px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;
border-top:4px solid var(--grey)}
.card.good{border-top-color:var(--green)}.card.mid{border-top-color:#eaaa08}.card.bad{border-top-color:var(--red)}
.card .pack{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em;font-weight:600}
.card .grade{font-size:30px;font-weight:700;margin:2px 0 0;line-height:1.2}
.card .label{color:var(--muted);margin-bottom:10px}
.bar{height:8px;border-radius:4px;background:var(--grey-bg);overflow:hidden;display:flex}
.bar i{display:block;height:100%}
.prog{display:grid;grid-template-columns:92px 1fr 48px;gap:8px;align-items:center;font-size:12.5px;margin:5px 0}
.prog .pct{text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
.fill-good{background:var(--green)}.fill-mid{background:#eaaa08}.fill-bad{background:var(--red)}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin-top:12px}
.stack{margin-top:10px}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.s-pass{background:var(--green-bg);color:var(--green)}.s-fail{background:var(--red-bg);color:var(--red)}
.s-error{background:var(--red);color:#fff}.s-warn{background:var(--amber-bg);color:var(--amber)}
.s-inconclusive{background:var(--violet-bg);color:var(--violet)}.s-not_applicable{background:var(--grey-bg);
color:var(--grey)}.s-suppressed{background:var(--blue-bg);color:var(--blue)}
.b-pass{background:var(--green)}.b-fail{background:var(--red)}.b-error{background:#912018}
.b-warn{background:#f79009}.b-inconclusive{background:#9e77ed}.b-not_applicable{background:#d0d5dd}
.gates{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 16px}
.gate{padding:4px 0}
.matrix{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.col h3{margin:0 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.col h3 b{color:var(--ink)}
.tile{border-radius:8px;padding:9px 12px;margin-bottom:8px;border:1px solid var(--line);background:var(--card);
border-left:5px solid var(--grey)}
.tile .name{font-weight:600}.tile .lic{font-size:12.5px;margin-top:2px}.tile .src{font-size:11.5px;
color:var(--muted);margin-top:2px;overflow-wrap:anywhere}
.t-open{border-left-color:var(--green);background:#f6fbf9}.t-closed{border-left-color:var(--red);background:#fff8f6}
.t-nolicence{border-left-color:#f79009;background:#fffbf5}.t-absent{border-left-color:var(--red);
background:#fff}.t-unknown{border-left-color:#d0d5dd;background:#fafafb}
.t-absent .name,.t-unknown .name{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:12.5px;margin:4px 0 12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:10px;
overflow:hidden;table-layout:fixed}
th.st{width:96px}th.rule{width:27%}th.ev{width:20%}th.fix{width:27%}
th{background:#f9fafb;text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
font-weight:600;padding:8px 12px;border-bottom:1px solid var(--line)}
td{padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
tr:last-child td{border-bottom:0}
td.rule .title{color:var(--muted);font-size:12.5px}td.rule code{font-size:12px}
td.ev{font-size:12.5px;color:var(--muted)}td.ev .mono{overflow-wrap:anywhere}
td.fix{font-size:13px}
td code,.steps code{background:var(--grey-bg);border-radius:4px;padding:0 4px}
.checked{font-style:italic}
details{margin-top:10px}summary{cursor:pointer;color:var(--blue);font-weight:600;padding:4px 0}
.steps{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 16px 10px 34px;margin:0}
.steps li{margin:3px 0}
.pack-head{display:flex;align-items:baseline;gap:12px;flex-wrap:wrap}
.pack-head .v{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;margin-top:36px;border-top:1px solid var(--line);padding-top:12px}
.ok{color:var(--green);font-weight:600}.nok{color:var(--red);font-weight:600}
@media (max-width:900px){.matrix{grid-template-columns:1fr}main,header{padding-left:16px;padding-right:16px}}
@media (max-width:700px){table.rules,table.rules tbody,table.rules tr,table.rules td{display:block;width:auto}
table.rules thead{display:none}table.rules tr{border-bottom:1px solid var(--line);padding:6px 0}
table.rules td{border:0;padding:3px 12px}table.rules td[data-label]:before{content:attr(data-label);display:block;
font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}}
@media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def prose(text: str) -> str:
    """Escape `text` and show its `code` spans (card keys, file names in rule texts) as <code>, not backticks."""
    return _CODE_SPAN.sub(r"<code>\1</code>", _e(text))


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parsed = split_url(url)
    return url if parsed is not None and parsed.scheme in ("http", "https") and parsed.netloc else None


def _link(url: str, text: str | None = None) -> str:
    href = safe_url(url)
    label = _e(text or url)
    return f'<a href="{_e(href)}" rel="noopener noreferrer">{label}</a>' if href else label


def _provenance(p: Provenance) -> str:
    parts: list[str] = []
    if p.file:
        parts.append(f'<span class="mono">{_e(p.file)}{":" + str(p.line) if p.line else ""}</span>')
    if p.key:
        parts.append(f'<span class="mono">[{_e(p.key)}]</span>')
    if p.url:
        parts.append(_link(p.url))
    if not parts:  # a note alone says what the check saw (often that something is missing): not a place
        return f'<span class="checked">checked:</span> {_e(p.note or "(no details)")}'
    text = " ".join(parts)
    return f"{text}: {_e(p.note)}" if p.note else text


def grade_tone(grade: Grade) -> str:
    """good | mid | bad, for colouring a grade."""
    if grade.value.lower() == "inconclusive":
        return "mid"
    if grade.order:
        top = len(grade.order) - 1
        return "good" if grade.rank >= top else ("bad" if grade.rank <= 0 else "mid")
    score = grade.score or 0.0
    return "good" if score >= 80 else ("bad" if score < 40 else "mid")


def _grade_value(pack: PackResult) -> str:
    g = pack.grade
    if g.scheme == "mof":
        return "Unclassified" if g.value == "Unclassified" else f"Class {g.value}"
    return g.value


def _status_pill(r: RuleResult) -> str:
    pill = f'<span class="pill s-{r.status.value}">{STATUS_LABEL[r.status.value]}</span>'
    if r.suppression is not None:
        pill += f' <span class="pill s-suppressed" title="{_e(r.suppression.note or "")}">suppressed: ' \
                f'{_e(r.suppression.reason)}</span>'
    return pill


def _count_bar(pack: PackResult) -> str:
    counts = pack.counts()
    total = len(pack.results) or 1
    segs = "".join(f'<i class="b-{k}" style="width:{100.0 * counts[k] / total:.2f}%" title="{counts[k]} {k}"></i>'
                   for k in ("pass", "warn", "inconclusive", "not_applicable", "error", "fail") if counts[k])
    pills = "".join(f'<span class="pill s-{k}">{counts[k]} {STATUS_LABEL.get(k, k)}</span>'
                    for k in ("pass", "warn", "fail", "error", "inconclusive", "not_applicable", "suppressed")
                    if counts.get(k))
    return f'<div class="bar stack">{segs}</div><div class="counts">{pills}</div>'


def _progress_bars(pack: PackResult) -> str:
    prog = pack.grade.details.get("progress") if pack.grade.scheme == "mof" else None
    if not prog:
        if pack.grade.score is None:
            return ""
        score = max(0.0, min(100.0, float(pack.grade.score)))
        return (f'<div class="prog"><span>score</span><div class="bar"><i class="fill-{grade_tone(pack.grade)}" '
                f'style="width:{score:.1f}%"></i></div><span class="pct">{score:.0f}%</span></div>')
    rows = []
    for key, name in (("3", "Class III"), ("2", "Class II"), ("1", "Class I")):
        pct = max(0.0, min(100.0, float(prog.get(key, 0.0))))
        tone = "good" if pct >= 100 else ("mid" if pct > 0 else "bad")
        rows.append(f'<div class="prog"><span>{name}</span><div class="bar"><i class="fill-{tone}" '
                    f'style="width:{pct:.1f}%"></i></div><span class="pct">{pct:.0f}%</span></div>')
    return "".join(rows)


def _sublabel(pack: PackResult) -> str:
    """What the grade's label adds to the big value shown above it (never the value again, nor the pack name)."""
    label = pack.grade.label.strip()
    for shown in sorted({_grade_value(pack), pack.grade.value}, key=len, reverse=True):
        if label.lower().startswith(shown.lower()):
            label = label[len(shown):].strip()
            break
    label = label.lstrip("-–:·, ").strip()
    if label.startswith("(") and label.endswith(")") and label.count("(") == 1:
        label = label[1:-1]
    return label


def _card(pack: PackResult) -> str:
    label = _e(_sublabel(pack)) or "&nbsp;"  # keeps the cards' rows aligned when there is nothing to add
    return (f'<div class="card {grade_tone(pack.grade)}"><div class="pack">{_e(pack.title)}</div>'
            f'<div class="grade">{_e(_grade_value(pack))}</div><div class="label">{label}</div>'
            f"{_progress_bars(pack)}{_count_bar(pack)}</div>")


def _tile_tone(row: ComponentRow) -> tuple[str, str]:
    if row.status == "present":
        if row.open is True:
            return "open", "open licence"
        if row.open is False:
            return "closed", "not an open licence"
        return "nolicence", "no licence found"
    if row.status == "absent":
        return "absent", "missing"
    return "unknown", "no evidence"


def _tile(row: ComponentRow) -> str:
    tone, why = _tile_tone(row)
    lic = row.normalised or row.licence
    if lic:
        cls = f' <span class="pill s-{"pass" if row.open else "fail" if row.open is False else "warn"}">' \
              f'{_e(row.licence_class or "unknown")}</span>'
        lic_html = f'<span class="mono">{_e(lic)}</span>{cls}'
    else:
        lic_html = f'<span class="title">{_e(why)}</span>'
    src = row.licence_source or (row.evidence[0] if row.evidence else "")
    src_html = f'<div class="src">{_e(src)}</div>' if src else ""
    return (f'<div class="tile t-{tone}" title="{_e(row.status)} ({_e(row.origin)}): {_e(why)}">'
            f'<div class="name">{_e(row.name)}</div><div class="lic">{lic_html}</div>{src_html}</div>')


def _component_groups(report: Report) -> dict[str, str]:
    """Component -> class topic, from the MOF pack's rule documentation (or results)."""
    groups: dict[str, str] = {}
    for doc in report.rules:
        if doc.pack == "mof" and doc.component and doc.topic:
            groups.setdefault(doc.component, doc.topic)
    for pack in report.packs:
        if pack.name == "mof":
            for r in pack.results:
                if r.component and r.topic:
                    groups.setdefault(r.component, r.topic)
    return groups


def _matrix(report: Report) -> str:
    if not report.components:
        return ""
    groups = _component_groups(report)
    legend = ('<div class="legend"><span><i style="background:#12805c"></i>present, open licence</span>'
              '<span><i style="background:#c4320a"></i>present, not open / missing</span>'
              '<span><i style="background:#f79009"></i>present, no licence found</span>'
              '<span><i style="background:#d0d5dd"></i>no evidence</span></div>')
    cols = []
    placed: set[str] = set()
    for topic, name, sub in CLASS_GROUPS:
        rows = [c for c in report.components if groups.get(c.name) == topic]
        placed.update(c.name for c in rows)
        if rows:
            opened = sum(1 for c in rows if c.status == "present" and c.open)
            cols.append(f'<div class="col"><h3><b>{name}</b> · {sub} · {opened}/{len(rows)} open</h3>'
                        + "".join(_tile(c) for c in rows) + "</div>")
    rest = [c for c in report.components if c.name not in placed]
    if rest:
        cols.append('<div class="col"><h3><b>Components</b></h3>' + "".join(_tile(c) for c in rest) + "</div>")
    return f'<h2>Components</h2>{legend}<div class="matrix">{"".join(cols)}</div>'


def _rule_rows(results: list[RuleResult], *, fixes: bool) -> str:
    rows = []
    for r in results:
        ev = "<br>".join(_provenance(p) for p in r.evidence[:4]) or "–"
        if len(r.evidence) > 4:
            ev += f"<br>… and {len(r.evidence) - 4} more"
        ref = f' · {_link(r.reference, "reference")}' if r.reference and safe_url(r.reference) else ""
        fix = f'<td class="fix" data-label="Remediation">{prose(r.remediation)}{ref}</td>' if fixes else ""
        rows.append(f'<tr><td>{_status_pill(r)}</td><td class="rule"><code>{_e(r.rule_id)}</code>'
                    f'<div class="title">{prose(r.title)}</div></td><td data-label="Finding">{prose(r.message)}</td>'
                    f'<td class="ev" data-label="Evidence">{ev}</td>{fix}</tr>')
    head = '<tr><th class="st">Status</th><th class="rule">Rule</th><th>Finding</th><th class="ev">Evidence</th>' + \
           ('<th class="fix">Remediation</th>' if fixes else "") + "</tr>"
    return f'<table class="rules"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _pack_section(pack: PackResult) -> str:
    ordered = sorted(pack.results, key=lambda r: STATUS_ORDER[r.status.value])
    attention = [r for r in ordered if r.status in ATTENTION]
    others = [r for r in ordered if r.status not in ATTENTION]
    out = [f'<section id="pack-{_e(pack.name)}"><div class="pack-head"><h2>{_e(pack.title)}</h2>'
           f'<span class="v">{_e(pack.name)} {_e(pack.version)} · grade <b>{_e(pack.grade.label)}</b></span></div>']
    if attention:
        out.append(_rule_rows(attention, fixes=True))
    else:
        out.append('<p class="ok">Every rule passed or does not apply.</p>')
    if pack.grade.next_steps:
        out.append("<h3>Next steps</h3><ol class=\"steps\">"
                   + "".join(f"<li>{prose(s)}</li>" for s in pack.grade.next_steps[:10]) + "</ol>")
    if others:
        out.append(f"<details><summary>{len(others)} passing or not applicable rules</summary>"
                   f"{_rule_rows(others, fixes=False)}</details>")
    out.append("</section>")
    return "".join(out)


def _gates(report: Report) -> str:
    if not report.gates:
        return ""
    items = "".join(f'<div class="gate"><span class="{"ok" if g.passed else "nok"}">'
                    f'{"passed" if g.passed else "FAILED"}</span> <code>{_e(g.name)}</code> {_e(g.message)}</div>'
                    for g in report.gates)
    return f'<h2>Policy gates</h2><div class="gates">{items}</div>'


def _problems(report: Report) -> str:
    problems = sorted(report.evidence.problems, key=lambda p: (p.provenance, p.code))
    if not problems:
        return ""
    items = "".join(f"<li><code>{_e(p.code)}</code> {_provenance(p.provenance)}: {_e(p.message)}</li>"
                    for p in problems)
    return f'<h2>Problems while reading the target</h2><ul class="steps">{items}</ul>'


def _reference_lines(report: Report) -> str:
    from opencheck.references.render import headlines

    return "".join(f'<p class="notice reference" role="note">{_e(t)}</p>' for t in headlines(report.references))


def _reference_tables(report: Report) -> str:
    from opencheck.references.render import table

    out = []
    for record in (report.references or {}).get("records") or []:
        caption, heads, rows = table(record)
        head = "".join(f"<th>{_e(h)}</th>" for h in heads)
        body = "".join("<tr>" + "".join(f"<td>{_e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
        out.append(f'<h3>{_e(caption)}</h3><table class="rules"><thead><tr>{head}</tr></thead>'
                   f"<tbody>{body}</tbody></table>")
    return f"<h2>Curated references</h2>{''.join(out)}" if out else ""


def _footer(report: Report) -> str:
    versions = report.data_versions
    data = " · ".join(f"{_e(k)} {_e(v)}" for k, v in versions.items() if isinstance(v, str))
    packs = " · ".join(f"{_e(p.name)} {_e(p.version)} ({_e(p.sha256[:12])})" for p in report.packs)
    return (f"<footer>Generated by opencheck {_e(report.tool_version)} at {_e(report.generated_at)}. "
            f"Packs: {packs}. Data: {data}. This report makes no network requests.</footer>")


def format_html(report: Report) -> str:
    """Render the report as one self-contained HTML page."""
    t = report.evidence.target
    meta = [f"<span>target: {_e(t.kind.value)}</span>"]
    if t.revision:
        meta.append(f"<span>revision {_e(t.revision)}</span>")
    if t.resolved_sha:
        meta.append(f'<span class="mono">{_e(t.resolved_sha[:12])}</span>')
    if report.evidence.manifest_path:
        meta.append(f"<span>manifest {_e(report.evidence.manifest_path)}</span>")
    if report.gates:
        meta.append('<span class="nok">policy failed</span>' if report.gate_failed
                    else '<span class="ok">policy passed</span>')
    if headline := report.lookups_headline():
        meta.append(f'<span class="nok">{_e(headline)}</span>')
    meta.append(f"<span>{_e(report.generated_at)}</span>")
    body = [
        f'<header><div class="brand">opencheck · model openness report</div><h1>{_e(t.id)}</h1>'
        f'<div class="meta">{"".join(meta)}</div></header><main>',
        f'<p class="notice" role="note"><strong>Note:</strong> {_e(report.notice)}</p>' if report.notice else "",
        _reference_lines(report),
        f'<div class="cards">{"".join(_card(p) for p in report.packs)}</div>',
        _gates(report),
        _matrix(report),
        _reference_tables(report),
        "".join(_pack_section(p) for p in report.packs),
        _problems(report),
        _footer(report),
        "</main>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>opencheck: {_e(t.id)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>\n")
