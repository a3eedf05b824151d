"""A history as text, JSON or Markdown (HTML with its SVG chart is in history/html_chart.py)."""

from __future__ import annotations

import json
from typing import Any

from opencheck.history.model import History

FORMATS = ("text", "json", "markdown", "html")


def _short(sha: str) -> str:
    return sha[:12]


def _label(rev: dict[str, Any]) -> str:
    names = f" ({', '.join(rev['names'])})" if rev["names"] else ""
    return f"{_short(rev['sha'])}{names}"


def _facts(facts: dict[str, Any]) -> str:
    datasets = ", ".join(facts.get("datasets") or []) or "none named"
    gated = facts.get("gated")
    gating = "not gated" if gated in (False, None) else f"gated ({gated})" if isinstance(gated, str) else "gated"
    return f"weights licence {facts.get('weights_licence') or 'unknown'}; datasets {datasets}; {gating}"


def format_history_json(history: History) -> str:
    """The versioned JSON envelope."""
    return json.dumps(history.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def format_history_text(history: History) -> str:
    """Plain text: one block per revision, oldest first, with its grades, key facts and what changed."""
    data = history.to_dict()
    summary = data["summary"]
    lines = [f"opencheck history: {data['target']['id']} ({data['target']['mode']}, {summary['revisions']} "
             f"revision(s), oldest first)"]
    if data["selection"]["truncated"]:
        lines.append(f"  only the newest {data['selection']['limit']} revisions; --limit N shows more")
    for rev in data["revisions"]:
        lines.append("")
        head = f"{rev['date'] or 'undated'}  {_label(rev)}"
        lines.append(head + (f"  {rev['title']}" if rev["title"] else ""))
        grades = "  ".join(f"{k}={v}" for k, v in rev["grades"].items())
        lines.append(f"  grades: {grades}")
        lines.append(f"  facts:  {_facts(rev['facts'])}")
        if rev["reused_from"]:
            lines.append(f"  card and file list as at {_short(rev['reused_from'])}: evaluation reused")
        for change in rev["changes"]:
            mark = "REGRESSION" if change["regression"] else "change"
            lines.append(f"  {mark:<10} {change['message']}")
            for side in ("old", "new"):
                for ev in change["evidence"][side][:3]:
                    lines.append(f"      {side}: {ev}")
    lines.append("")
    lines.append(f"{summary['changes']} change(s), {summary['regressions']} regression(s); "
                 f"{summary['evaluated']} revision(s) evaluated, {summary['reused']} reused; "
                 f"{data['requests']['total']} request(s)")
    return "\n".join(lines) + "\n"


def format_history_markdown(history: History) -> str:
    """GitHub-flavoured Markdown: a table of revisions, then the changes of each revision."""
    from opencheck.formats.markdown import cell

    data = history.to_dict()
    packs = [p["name"] for p in data["packs"]]
    lines = [f"# Openness history of {cell(data['target']['id'])}", "",
             f"{data['summary']['revisions']} revision(s) ({cell(data['target']['mode'])}), oldest first; "
             f"{data['summary']['changes']} change(s), {data['summary']['regressions']} regression(s); "
             f"{data['requests']['total']} request(s).", "",
             "| Date | Revision | " + " | ".join(cell(p) for p in packs) + " | Weights licence | Datasets | Gated |",
             "|---|---|" + "---|" * len(packs) + "---|---|---|"]
    for rev in data["revisions"]:
        facts = rev["facts"]
        lines.append(f"| {cell(rev['date'] or 'undated')} | {cell(_label(rev))} | "
                     + " | ".join(cell(rev["grades"].get(p, "–")) for p in packs)
                     + f" | {cell(facts.get('weights_licence') or 'unknown')} | "
                     f"{cell(', '.join(facts.get('datasets') or []) or 'none named')} | {cell(facts.get('gated'))} |")
    for rev in data["revisions"]:
        if not rev["changes"]:
            continue
        lines += ["", f"## {cell(_label(rev))}" + (f": {cell(rev['title'])}" if rev["title"] else ""), ""]
        for change in rev["changes"]:
            mark = "**regression**: " if change["regression"] else ""
            lines.append(f"- {mark}{cell(change['message'])}")
            for side in ("old", "new"):
                for ev in change["evidence"][side][:3]:
                    lines.append(f"  - {side}: {cell(ev)}")
    return "\n".join(lines) + "\n"


def format_history(history: History, fmt: str) -> str:
    """The history in one of FORMATS."""
    if fmt == "json":
        return format_history_json(history)
    if fmt == "markdown":
        return format_history_markdown(history)
    if fmt == "html":
        from opencheck.history.html_chart import format_history_html

        return format_history_html(history)
    return format_history_text(history)
