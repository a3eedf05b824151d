"""`opencheck references show`: one curated record as plain text."""

from __future__ import annotations

from opencheck.references.store import Entry, ReferenceIndex


def show_text(index: ReferenceIndex, entry: Entry) -> str:
    """The record's origin, its verdict (MOT: class and progress by opencheck's MOF evaluation; index: each
    dimension) and its components or dimensions."""
    from opencheck.references.section import _osai_verdict, class_text

    meta = index.sources.get(entry.source, {})
    record = index.load(entry)
    lines = [f"{entry.id}: {entry.name}" + (f" by {entry.producer}" if entry.producer else ""),
             f"  source: {meta.get('title', entry.source)}, {meta.get('repository')} commit {meta.get('commit')} "
             f"({meta.get('date')}), {meta.get('licence')}; file {entry.file}",
             f"  Hub: {', '.join(entry.hub) or '-'}" + (f"; built on {', '.join(entry.base_hub)}"
                                                        if entry.base_hub else "")]
    if entry.source == "mot":
        from opencheck.mot import MISSING_STATUS, MOT_COMPONENTS, evaluate_manifest

        result = evaluate_manifest(record)
        progress = " · ".join(f"Class {n} {result.progress.get(c, 0.0):.1f}%" for c, n in ((3, "III"), (2, "II"),
                                                                                         (1, "I")))
        lines.append(f"  verdict: {class_text(result.mof_class)} ({result.label}); progress: {progress}")
        width = max(len(c.name) for c in MOT_COMPONENTS)
        for comp in MOT_COMPONENTS:
            v = result.components.get(comp.name)
            if v is None or v.status == MISSING_STATUS:
                lines.append(f"    {comp.name:<{width}}  not listed")
            else:
                lines.append(f"    {comp.name:<{width}}  {v.status:<10}  {v.licence or '-'} ({v.licence_source})")
    else:
        verdict = _osai_verdict(record)
        counts = verdict["counts"]
        lines.append(f"  verdict: {counts['open']} open · {counts['partial']} partial · {counts['closed']} closed")
        width = max(len(d["title"]) for d in verdict["dimensions"])
        for d in verdict["dimensions"]:
            lines.append(f"    {d['title']:<{width}}  {d['class'] or 'not applicable':<14}  {d['link'] or ''}".rstrip())
    return "\n".join(lines) + "\n"
