"""Licences stated for a named dataset outside its Hub card: in the model card, or by its linked code repository.

Used only for a dataset the Hub gives no licence for (gone, gated, never published there, or a card without one).
A licence counts only when one clause or table row names this dataset and no other named dataset, and states
the licence without a negation; a GitHub repository counts when that clause or row links it and the GitHub
look-up found its licence. Each statement says where it was read and that it was stated elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

from opencheck.evidence import Evidence, LicenceStatement, ModelCard, Provenance

STATED_ELSEWHERE = "stated elsewhere"  # in a statement's note: not the dataset's own Hub card
_MAX_LINE = 2_000  # characters of a card line read: bounds the work per line
_MAX_DATASETS = 64  # named datasets taken part (real cards name a few dozen at most): bounds the work per line
_MAX_MENTION_LINES = 50  # lines naming one dataset read for its licence: a statement comes with its first mentions
_CLAUSE_SPLIT = re.compile(r";|(?<=[a-z0-9)\]])\.\s+(?=[A-Z])")
_NEGATION = re.compile(r"\b(?:not|no|never|without|neither|nor|unlicen[cs]ed|isn't|aren't|wasn't|unknown|unclear)\b",
                       re.IGNORECASE)
# Where a clause states a licence: "released under X", "licence: X", "(X)" or "[X]" right after the name.
_UNDER = re.compile(r"\b(?:licen[cs]ed|released|available|distributed|published|provided|shared|governed)\b"
                    r"[^;:()]{0,20}?\b(?:under|(?<=governed )by)\s+(?:the\s+)?(?:terms\s+of\s+(?:the\s+)?)?"
                    r"([^;()\[\]|]{2,80})"
                    r"|\blicen[cs]es?\b\s*(?:is|:|-)?\s*(?:the\s+)?([^;()\[\]|]{2,80})", re.IGNORECASE)
# Words that may follow a licence's name in a sentence ("under the MIT license", "ODC-By v1.0 and ...").
_AFTER_A_LICENCE = frozenset({"license", "licence", "licenses", "licences", "licensed", "licenced", "terms",
                              "agreement", "and", "or", "with", "for", "which", "that", "as", "from", "to", "in",
                              "on", "version", "v", "only", "international", "public", "generic", "unported", "deed"})
_OTHER_SUBJECT = re.compile(r"\b(?:model|models|code|weights|software|repository|repo|tokenizer|our|this|we)\b",
                            re.IGNORECASE)
_LABEL = re.compile(r"^[\s>*_-]*(?:\*\*|__)?licen[cs]e[sd]?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.{2,80})$", re.IGNORECASE)
_PAREN = re.compile(r"^\s*[\])`*_]*\s*(?:\([^()]{0,200}\)\s*)?[(\[]\s*([^()\[\]]{2,60})[)\]]")
_GITHUB = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?=[/)\]\s#?]|$)")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\(([^()\s]*)\)")


def _licence_in(text: str) -> str | None:
    """The licence a short phrase names ('ODC-By 1.0 license', 'Apache 2.0'), else None; families do not count."""
    from opencheck.licenses import classify
    from opencheck.licenses.normalise import normalise

    words = re.sub(r"[*_`]+", "", text).split()[:8]
    if words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    for end in range(len(words), 0, -1):
        phrase = " ".join(words[:end]).rstrip(".,:;")
        following = words[end].lower().strip(".,:;") if end < len(words) else ""
        # The phrase must end where the licence's name does: "MIT researchers" is not the MIT licence.
        if following and following not in _AFTER_A_LICENCE and not re.search(r"[.,:;]$", words[end - 1]):
            continue
        norm = normalise(phrase)
        # A family ("GPL", "Creative Commons") names no licence: its class is ambiguous.
        if norm.expression and classify(norm).licence_class.value != "ambiguous":
            return phrase
    return None


def _mention(dataset_id: str) -> re.Pattern[str]:
    """The dataset by its id, its Hub URL or (when distinctive) its name alone."""
    name = dataset_id.rsplit("/", 1)[-1]
    forms = [re.escape(dataset_id)]
    if len(name) >= 5:
        forms += [re.escape(name), re.escape(name).replace(r"\-", r"[- ]").replace("_", "[_ ]")]
    return re.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\w-])", re.IGNORECASE)


def _clauses(line: str) -> list[str]:
    """A table row's cells as one unit (the row), or a prose line's clauses."""
    if line.lstrip().startswith("|"):
        return [line]
    return [c for c in _CLAUSE_SPLIT.split(line) if c.strip()]


def _from_clause(clause: str, dataset_id: str, mentions: dict[str, re.Pattern[str]],
                 github: dict[str, Any]) -> tuple[str, str | None] | None:
    """(licence, GitHub repository or None) a clause states for this dataset alone."""
    own = mentions[dataset_id].search(clause)
    if own is None or any(p.search(clause) for other, p in mentions.items() if other != dataset_id):
        return None
    plain = _MD_LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", mentions[dataset_id].sub("DATASET", clause))
    if clause.lstrip().startswith("|"):
        for cell in plain.strip().strip("|").split("|"):
            if "DATASET" not in cell and not _NEGATION.search(cell) and (found := _licence_in(cell.strip())):
                return found, None
        return _github_licence(clause, github)
    for m in _UNDER.finditer(plain):
        # What lies between the dataset's name and the statement (or, when the name comes later, just before it).
        named_at = plain.rfind("DATASET", 0, m.start())
        start = named_at + len("DATASET") if named_at >= 0 else max(0, m.start() - 30)
        before = plain[start:m.start()]
        # "not released under CC-BY", "no licence": a denial near the statement is no grant; "our code is released
        # under MIT", "the model licence is Apache-2.0": that statement is about something else.
        if _NEGATION.search(re.split(r"[,(]", before)[-1][-30:] + m.group(0)) or _OTHER_SUBJECT.search(before):
            continue
        if found := _licence_in(m.group(1) or m.group(2)):
            return found, None
    after = _MD_LINK.sub(r"\1", clause[own.end():])
    if (paren := _PAREN.match(after)) and not _NEGATION.search(paren.group(1)) and (
            found := _licence_in(paren.group(1))):
        return found, None
    return _github_licence(clause, github)


def _github_licence(clause: str, github: dict[str, Any]) -> tuple[str, str | None] | None:
    """The licence the GitHub look-up found for a repository the clause links."""
    for m in _GITHUB.finditer(clause):
        slug = f"{m.group(1)}/{m.group(2)}"
        payload = next((v for k, v in github.items() if k.lower() == slug.lower()), None)
        if isinstance(payload, dict) and payload.get("status") == "found":
            spdx = payload.get("spdx_id")
            raw = spdx if isinstance(spdx, str) and spdx and spdx != "NOASSERTION" else payload.get("name")
            if isinstance(raw, str) and raw:
                return raw, slug
    return None


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `patterns` does (each is bounded by its own lookarounds)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE) if patterns else None


def _card_statements(card: ModelCard, wanted: list[str], named: list[str],
                     github: dict[str, Any]) -> dict[str, list[LicenceStatement]]:
    # Bounded work on a hostile card (thousands of datasets, each named on every line): at most _MAX_DATASETS take
    # part, one search per line finds the lines naming any dataset still looked for, and a dataset is dropped once
    # found or after _MAX_MENTION_LINES lines name it. Trying every dataset on every line took minutes before.
    named = named[:_MAX_DATASETS]
    wanted = [d for d in wanted if d in set(named)]
    mentions = {d: _mention(d) for d in dict.fromkeys([*wanted, *named])}
    found: dict[str, list[LicenceStatement]] = {}
    read = dict.fromkeys(wanted, 0)  # lines naming each dataset read so far
    open_ids = list(wanted)
    any_open = _any_of([mentions[d] for d in open_ids])
    lines = card.text.splitlines()
    for index in range(max(card.body_start_line, 1) - 1, len(lines)):
        line = lines[index][:_MAX_LINE]
        if any_open is None or not any_open.search(line):
            continue
        for dataset_id in [d for d in open_ids if mentions[d].search(line)]:
            read[dataset_id] += 1
            hits = [h for c in _clauses(line) if (h := _from_clause(c, dataset_id, mentions, github))]
            hits = hits or _label_below(lines, index, dataset_id, mentions)
            for raw, slug in hits[:1]:
                where = (f"GitHub licence of {slug}, the repository the model card links for {dataset_id}" if slug
                         else f"licence of {dataset_id} as the model card states it")
                found[dataset_id] = [LicenceStatement(raw=raw, scope="data", provenance=Provenance(
                    file=card.path, line=index + 1, url=f"https://github.com/{slug}" if slug else None,
                    note=f"{where} ({STATED_ELSEWHERE}: the Hub gives none)"))]
        still = [d for d in open_ids if d not in found and read[d] < _MAX_MENTION_LINES]
        if len(still) != len(open_ids):
            open_ids, any_open = still, _any_of([mentions[d] for d in still])
    return found


def _label_below(lines: list[str], index: int, dataset_id: str,
                 mentions: dict[str, re.Pattern[str]]) -> list[tuple[str, str | None]]:
    """A heading or list item naming only this dataset, then a "License: X" line right under it (blank lines aside)."""
    if any(p.search(lines[index]) for other, p in mentions.items() if other != dataset_id):
        return []
    for below in lines[index + 1:index + 3]:
        if not below.strip():
            continue
        m = _LABEL.match(below[:_MAX_LINE])
        if m is None or _NEGATION.search(m.group(1)) or any(p.search(below) for p in mentions.values()):
            return []
        found = _licence_in(m.group(1))
        return [(found, None)] if found else []
    return []


def licences_stated_elsewhere(evidence: Evidence, named: list[str]) -> dict[str, list[LicenceStatement]]:
    """For each named dataset the Hub gives no licence for, the licence the model card (or a linked repo) states."""
    if evidence.card is None:
        return {}
    hub = evidence.hub.get("datasets")
    results = hub if isinstance(hub, dict) else {}
    wanted = [d for d in dict.fromkeys(named)
              if not (isinstance(results.get(d), dict) and results[d].get("status") == "found"
                      and results[d].get("license"))]
    github = evidence.hub.get("github")
    return _card_statements(evidence.card, wanted, list(dict.fromkeys(named)),
                            github if isinstance(github, dict) else {}) if wanted else {}
