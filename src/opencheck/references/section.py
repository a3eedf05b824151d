"""The report's `references` section: which curated records cover a target, their verdicts, and how they compare
with what the check found live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from opencheck.evidence import Evidence, TargetKind
from opencheck.references.store import Entry, ReferenceIndex

# About whom a record speaks, relative to the checked model.
SELF: Final = "this model"
BASE: Final = "base model"
DERIVED: Final = "system built on this model"
# Per-component comparison results.
AGREES: Final = "agrees"
ONLY_LIVE: Final = "only live"
ONLY_CURATED: Final = "only curated"
LICENCE_DIFFERS: Final = "licence differs"
RESULTS: Final = (AGREES, LICENCE_DIFFERS, ONLY_CURATED, ONLY_LIVE)
ROMAN: Final = {1: "I", 2: "II", 3: "III"}


@dataclass
class Match:
    """One curated record that covers the target, and why."""

    entry: Entry
    about: str  # SELF | BASE | DERIVED
    model: str  # the model the record is about (the target, its base model, or the derived system)
    matched_by: str  # e.g. "Hub id llm360/amber"
    record: dict[str, Any] = field(default_factory=dict)


def could_match(evidence: Evidence) -> bool:
    """Whether any record could cover the target: a Hub repo, a manifest, or a stated base model."""
    return evidence.target.kind == TargetKind.HUB or bool(evidence.manifest) or bool(base_model_ids(evidence))


def base_model_ids(evidence: Evidence) -> list[str]:
    """The base models the Hub or the card states (`base_model`: a string, a list, or the Hub's relation map)."""
    from opencheck.detect.base_model import base_model_ids as ids_of
    from opencheck.detect.base_model import base_model_source

    return ids_of(base_model_source(evidence))


def find_matches(evidence: Evidence, index: ReferenceIndex) -> list[Match]:
    """Records about the target itself first (by Hub id, then name and producer), then its base models' records,
    then index records of systems built on it; one record per source and relation."""
    from opencheck.references.keys import hub_id

    own: list[Match] = []

    def add(matches: list[Match], entries: list[Entry], about: str, model: str, how: str) -> None:
        taken = {(m.entry.source, m.about) for m in [*own, *matches]}
        matches.extend(Match(e, about, model, how) for e in entries if (e.source, about) not in taken)

    ids: list[str] = []
    if evidence.target.kind == TargetKind.HUB:
        ids.append(evidence.target.id)
    release = (evidence.manifest or {}).get("release") if isinstance(evidence.manifest, dict) else None
    release = release if isinstance(release, dict) else {}
    declared_hub = hub_id(release.get("huggingface"))
    if declared_hub:
        ids.append(declared_hub)
    for repo in ids:
        add(own, index.by_hub(repo), SELF, repo, f"Hub id {repo}")
    if evidence.target.kind == TargetKind.HUB and "/" in evidence.target.id:
        # Many curated records name no Hub repository: the repo's name and owner stand for name and producer.
        owner, name = evidence.target.id.split("/", 1)
        add(own, index.by_name(name, owner), SELF, evidence.target.id, "name and producer (the Hub id's)")
    if release.get("name"):
        add(own, index.by_name(release.get("name"), release.get("producer")), SELF, str(release["name"]),
            "name and producer in the manifest")
    others: list[Match] = []
    for base in base_model_ids(evidence):
        base_id = hub_id(base)
        if base_id and base_id not in {i.lower() for i in ids}:
            add(others, index.by_hub(base_id), BASE, base, f"base_model {base}")
    for repo in ids:
        for e in index.built_on(repo):
            add(others, [e], DERIVED, e.name, f"Hub id {repo} is the base model (llmweights) of the assessed system")
    return own + others


def _mot_verdict(result: Any) -> dict[str, Any]:
    return {"class": result.mof_class, "label": result.label,
            "progress": {ROMAN[c]: round(result.progress.get(c, 0.0), 2) for c in (3, 2, 1)}}


def class_text(mof_class: int) -> str:
    """`Class I` .. `Class III`, or `Unclassified`."""
    return f"Class {ROMAN[mof_class]}" if mof_class in ROMAN else "Unclassified"


def compare_components(curated: Any, live: Any) -> list[dict[str, Any]]:
    """Each MOF component either side lists: the curated and the live status and licence, and how they compare."""
    from opencheck.mot import MISSING_STATUS, MOT_COMPONENTS

    rows = []
    for comp in MOT_COMPONENTS:
        c, v = curated.components.get(comp.name), live.components.get(comp.name)
        c_has = c is not None and c.status != MISSING_STATUS
        v_has = v is not None and v.status != MISSING_STATUS
        if not c_has and not v_has:
            continue
        if c_has and v_has:
            result = AGREES if (c.licence or "").lower() == (v.licence or "").lower() else LICENCE_DIFFERS
        else:
            result = ONLY_CURATED if c_has else ONLY_LIVE
        rows.append({"component": comp.name, "result": result,
                     "curated": {"status": c.status, "licence": c.licence or None} if c_has else None,
                     "live": {"status": v.status, "licence": v.licence or None} if v_has else None})
    return rows


def rank(mof_class: int) -> int:
    """Order of MOF classes, lowest first: Unclassified (0) < III < II < I."""
    return {1: 3, 2: 2, 3: 1}.get(mof_class, 0)


def live_higher(record: Mapping[str, Any], last_modified: Any) -> dict[str, Any]:
    """Why the live class may be above the curated one: a record dated before the repository's last change was
    written without what the repository shows now; otherwise the difference is unexplained."""
    release = record.get("release") if isinstance(record.get("release"), dict) else {}
    dated = release.get("date")
    record_date = str(dated)[:10] if dated else None
    modified = str(last_modified)[:10] if isinstance(last_modified, str) and last_modified else None
    if record_date and modified and modified > record_date:
        reason = (f"the curated record ({record_date}) is older than the repository's last change ({modified}): "
                  "the curators could not see what the repository shows now")
        return {"explained": True, "reason": reason, "record_date": record_date, "repository_modified": modified}
    reason = (f"the curated record ({record_date or 'undated'}) is not older than the repository's last change "
              f"({modified or 'unknown'}): live evidence the curators did not count, to be checked")
    return {"explained": False, "reason": reason, "record_date": record_date, "repository_modified": modified}


def _osai_verdict(record: Mapping[str, Any]) -> dict[str, Any]:
    from opencheck.references.build import OSAI_DIMENSIONS

    dims = []
    counts = {"open": 0, "partial": 0, "closed": 0}
    for group, key, title in OSAI_DIMENSIONS:
        block = record.get(key) if isinstance(record.get(key), dict) else {}
        klass = (block.get("class") or "").strip() or None if isinstance(block.get("class"), str) else None
        if klass:
            counts[klass] += 1
        dims.append({"dimension": key, "title": title, "group": group, "class": klass,
                     "link": block.get("link") if isinstance(block.get("link"), str) else None,
                     "notes": str(block["notes"]).strip() if block.get("notes") not in (None, "") else None})
    return {"dimensions": dims, "counts": counts}


def build_section(evidence: Evidence, index: ReferenceIndex, matches: list[Match], *, trusted: bool) -> dict[str, Any]:
    """The `references` section of the report (see schemas/report.schema.json), for the evidence as found live."""
    from opencheck.mot import evaluate_manifest
    from opencheck.mot.from_evidence import mot_manifest

    live = evaluate_manifest(mot_manifest(evidence))
    records = []
    for m in matches:
        meta = index.sources.get(m.entry.source, {})
        item: dict[str, Any] = {
            "id": m.entry.id, "source": m.entry.source, "title": meta.get("title", m.entry.source),
            "name": m.entry.name, "producer": m.entry.producer or None, "file": m.entry.file,
            "repository": meta.get("repository"), "commit": meta.get("commit"), "date": meta.get("date"),
            "licence": meta.get("licence"), "about": m.about, "model": m.model, "matched_by": m.matched_by,
        }
        if m.entry.source == "mot":
            curated = evaluate_manifest(m.record)
            item["verdict"] = _mot_verdict(curated)
            if m.about == SELF:
                rows = compare_components(curated, live)
                item["live"] = _mot_verdict(live)
                if rank(live.mof_class) > rank(curated.mof_class):
                    item["live_higher"] = live_higher(m.record, evidence.hub.get("last_modified"))
                item["components"] = rows
                item["summary"] = {r: sum(1 for x in rows if x["result"] == r) for r in RESULTS}
        else:
            item["verdict"] = _osai_verdict(m.record)
        records.append(item)
    return {"trusted": trusted, "records": records}


def headline(record: Mapping[str, Any]) -> str:
    """The one line under the report's headline, e.g. `MOT curators (2026-05): Class I · found live: Class III ·
    5 components only in the curated record`."""
    when = f" ({record['date']})" if record.get("date") else ""
    verdict = record.get("verdict") or {}
    if record.get("source") == "mot":
        text = f"{record['title']}{when}: {class_text(verdict.get('class', 0))}"
    else:
        counts = verdict.get("counts") or {}
        text = f"{record['title']}{when}: " + " · ".join(f"{counts.get(k, 0)} {k}" for k in ("open", "partial",
                                                                                             "closed"))
    if record.get("about") == BASE:
        return f"Base model {record['model']}: {text} (the base model's record, not this model's)"
    if record.get("about") == DERIVED:
        return f"{text} for {record['name']}, a system built on this model (not this model's record)"
    if "live" in record:
        text += f" · found live: {class_text(record['live']['class'])}"
        if record.get("live_higher"):
            text += f" (higher: {record['live_higher']['reason']})"
        summary = record.get("summary") or {}
        for key, words in ((ONLY_CURATED, "only in the curated record"), (ONLY_LIVE, "found only live"),
                           (LICENCE_DIFFERS, "with a different licence")):
            n = summary.get(key, 0)
            if n:
                text += f" · {n} component{'s' if n != 1 else ''} {words}"
    return text


def reference_classes(section: Mapping[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """For batch rows: the MOF class found live and the curated one (`I`, `II`, `III`, `Unclassified`), with the
    record's id, from the report's MOT record about the model itself; all None when there is none."""
    record = next((r for r in (section or {}).get("records") or []
                   if r.get("source") == "mot" and r.get("about") == SELF), None)
    if record is None:
        return None, None, None

    def short(verdict: Mapping[str, Any]) -> str:
        return ROMAN.get(verdict.get("class", 0), "Unclassified")

    return short(record["live"]), short(record["verdict"]), record["id"]
