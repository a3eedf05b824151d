"""Check a published training-content summary (Markdown or text) against the template and the repository."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from opencheck.euaiact.template import ALL_MODALITIES, LEAF_SECTIONS, MODALITIES
from opencheck.evidence import Evidence

MAX_SUMMARY_BYTES = 1_000_000
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_NUMBER = re.compile(r"^(?:section\s+)?(\d(?:\.\d)?)\.?\s")
_DATASET_ID = re.compile(r"(?<![\w/.-])([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})(?![\w/-])")


@dataclass
class SummaryCheck:
    """Which template sections a summary has, and what in it disagrees with the repository's metadata."""

    path: str
    sections_found: list[str] = field(default_factory=list)
    sections_missing: list[str] = field(default_factory=list)
    datasets_missing_from_summary: list[str] = field(default_factory=list)  # in the card, not in the summary
    datasets_not_in_metadata: list[str] = field(default_factory=list)  # in the summary's 2.1, not in the card
    modalities_summary: list[str] = field(default_factory=list)
    modalities_metadata: list[str] = field(default_factory=list)
    parsed: bool = True  # False for a PDF or other format that is reported as found, not read
    note: str = ""

    @property
    def disagreements(self) -> list[str]:
        """One line per disagreement with the repository."""
        out = [f"dataset {d} is in the card's metadata but not in the summary's public-datasets list"
               for d in self.datasets_missing_from_summary]
        out += [f"dataset {d} is in the summary's public-datasets list but not in the card's metadata"
                for d in self.datasets_not_in_metadata]
        if self.modalities_summary and self.modalities_metadata and set(self.modalities_summary) != set(
                self.modalities_metadata):
            out.append(f"modalities disagree: the summary says {', '.join(self.modalities_summary)}, the metadata "
                       f"(pipeline_tag) says {', '.join(self.modalities_metadata)}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"path": self.path, "parsed": self.parsed, "note": self.note,
                "sections_found": self.sections_found, "sections_missing": self.sections_missing,
                "datasets_missing_from_summary": self.datasets_missing_from_summary,
                "datasets_not_in_metadata": self.datasets_not_in_metadata,
                "modalities_summary": self.modalities_summary, "modalities_metadata": self.modalities_metadata,
                "disagreements": self.disagreements}


def _sections(text: str) -> dict[str, str]:
    """Template section number -> the text under that heading (numbered or named like the template)."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            # String methods, not a regex: `(.*?)\s*#*\s*$` would be quadratic on a long run of blanks.
            title = line[m.end():].strip().rstrip("#").strip().strip("*_ ")
            current = _section_of(title)
            if current is not None:
                found.setdefault(current, [])
            continue
        if current is not None:
            found[current].append(line)
    return {k: "\n".join(v) for k, v in found.items()}


def _section_of(title: str) -> str | None:
    number = _NUMBER.match(title.lower() + " ")
    if number:
        return number.group(1)
    low = title.lower()
    for num, _name, keywords in LEAF_SECTIONS:
        if any(k in low for k in keywords):
            return num
    return None


def metadata_datasets(evidence: Evidence) -> list[str]:
    """Dataset ids the card's `datasets:` metadata lists."""
    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    raw = meta.get("datasets")
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return [str(v).strip() for v in values if isinstance(v, (str, int)) and str(v).strip()]


def metadata_modalities(evidence: Evidence) -> list[str]:
    """Input and output modalities from the pipeline_tag, in a fixed order."""
    meta = evidence.card.metadata if evidence.card else {}
    tag = meta.get("pipeline_tag") or evidence.hub.get("pipeline_tag")
    if not isinstance(tag, str) or tag not in MODALITIES:
        return []
    ins, outs = MODALITIES[tag]
    return [m for m in ALL_MODALITIES if m in (*ins, *outs)]


def _modalities_in(text: str) -> list[str]:
    line = next((x for x in text.splitlines() if re.search(r"modalit", x, re.IGNORECASE)), text)
    words = {"text": r"\btext\b", "image": r"\bimages?\b", "audio": r"\baudio\b|\bspeech\b", "video": r"\bvideos?\b"}
    return [m for m in ALL_MODALITIES if re.search(words[m], line, re.IGNORECASE)]


def check_summary(text: str, path: str, evidence: Evidence) -> SummaryCheck:
    """Sections present and missing, dataset lists compared both ways, modalities compared."""
    sections = _sections(text)
    result = SummaryCheck(path=path)
    result.sections_found = [num for num, _t, _k in LEAF_SECTIONS if num in sections]
    result.sections_missing = [num for num, _t, _k in LEAF_SECTIONS if num not in sections]
    card_sets = metadata_datasets(evidence)
    public = sections.get("2.1", "")
    listed = list(dict.fromkeys(m.group(1).rstrip(".") for m in _DATASET_ID.finditer(public)
                                if not m.group(1).startswith(("http", "www."))))
    listed = [d for d in listed if "huggingface.co" not in d]
    lowered = public.lower()
    result.datasets_missing_from_summary = [d for d in card_sets if d.lower() not in lowered]
    known = {d.lower() for d in card_sets}
    result.datasets_not_in_metadata = [d for d in listed if d.lower() not in known and not d.lower().startswith(
        ("datasets/",))]
    result.modalities_metadata = metadata_modalities(evidence)
    result.modalities_summary = _modalities_in(sections.get("1.3", ""))
    return result
