"""Licence statements: the card's `license` keys, licence sections and "License:" lines, the Hub's licence tag,
licence files (identified by their text), and the licences the look-ups returned (GitHub, dataset cards).
"""

from __future__ import annotations

import re
from typing import Any

from opencheck.detect.unique import add_unique
from opencheck.evidence import Evidence, LicenceStatement, ModelCard, Provenance
from opencheck.sources.card import is_placeholder_text

_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_LICENCE_TITLE = re.compile(r"licen[cs]", re.IGNORECASE)
_LICENCE_LABEL = re.compile(
    r"^\W*(?:\*\*|__)?licen[cs]e(?:\s*\(s\))?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$", re.IGNORECASE
)
# A bold list label that is itself a licence's name: "- **Apache 2.0 License:** Open license allowing ..." (Mistral
# Small 3), "- **Permissive Apache 2.0 license:** Build freely ..." (gpt-oss), the name before "license".
_NAMED_LABEL = re.compile(r"^\s*[-*+]\s+(?:\*\*|__)([A-Za-z][\w .+-]{0,60}?)\s+licen[cs]e\s*:?\s*(?:\*\*|__)",
                          re.IGNORECASE)
# No brackets inside the text and no parentheses inside the target: each "[" or "(" then starts a scan that ends
# at the next one, where `[^\]]*` would rescan a long bracket-only line from every "[" (quadratic).
_MD_LINK_TEXT = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")


def _plain(text: str) -> str:
    text = _MD_LINK_TEXT.sub(r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip().rstrip(".")


def identify_licence_text(text: str) -> Any | None:
    """Identify a licence text with `opencheck.licenses.identify_text` when that module is installed."""
    try:
        from opencheck.licenses import identify_text  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return identify_text(text)
    except Exception:  # a broken matcher must not stop evidence collection
        return None


def _licence_file_scope(path: str) -> str:
    parts = path.lower().split("/")[:-1]
    if not parts:
        return "repository"
    top = parts[0]
    if top in {"data", "dataset", "datasets"}:
        return "data"
    if top in {"docs", "doc", "documentation", "paper", "papers"}:
        return "document"
    if top in {"weights", "checkpoints", "models", "model"}:
        return "weights"
    return "code"


def _tag_licences(evidence: Evidence) -> list[LicenceStatement]:
    hub_tags = evidence.hub.get("tags")
    return [LicenceStatement(raw=tag.split(":", 1)[1], scope="repository",
                             provenance=Provenance(key="tags", note="Hub licence tag"))
            for tag in (hub_tags if isinstance(hub_tags, list) else [])
            if isinstance(tag, str) and tag.startswith("license:")]


def _file_licence(path: str, text: str) -> LicenceStatement:
    scope = _licence_file_scope(path)
    match = identify_licence_text(text)
    licence_id = getattr(match, "licence_id", None) if match is not None else None
    if not licence_id:
        return LicenceStatement(raw="unknown text", scope=scope,
                                provenance=Provenance(file=path, line=1, note="licence text not identified"))
    score = getattr(match, "score", None)
    detail = f"licence text identified as {getattr(match, 'name', None) or licence_id}"
    if isinstance(score, (int, float)):
        detail += f" (score {score:.2f})"
    return LicenceStatement(raw=str(licence_id), scope=scope, provenance=Provenance(file=path, line=1, note=detail))


def licence_statements(evidence: Evidence) -> list[LicenceStatement]:
    """Licences stated by the card (`license` key, licence section, "License:" lines) and licence files."""
    statements: list[LicenceStatement] = []
    if evidence.card is not None:
        statements.extend(_card_licences(evidence.card))
    if not any(s.provenance.key in ("license", "license_name") for s in statements):
        statements.extend(_tag_licences(evidence))
    for path, text in sorted(evidence.licence_texts.items()):
        if path.rsplit("/", 1)[-1].upper().startswith("NOTICE"):
            continue  # a NOTICE lists attributions; it is not itself a licence grant
        statements.append(_file_licence(path, text))
    return statements


def _front_matter_licences(card: ModelCard) -> list[LicenceStatement]:
    statements: list[LicenceStatement] = []
    metadata = card.metadata
    value, name, link = metadata.get("license"), metadata.get("license_name"), metadata.get("license_link")
    extra = "; ".join(f"{k}: {v}" for k, v in (("license_name", name), ("license_link", link)) if v)
    url = link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
    values = value if isinstance(value, list) else [value] if value is not None else []
    for item in values:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool) or str(item).strip() == "":
            continue
        raw = str(item).strip()
        provenance = base = card.key_provenance("license")
        if raw.lower() == "other" and extra:
            provenance = Provenance(file=base.file, line=base.line, key="license", url=url, note=extra)
            # `license: other` with a `license_name` the licence table knows (llama3.1, gemma-terms-of-use,
            # deepseek, apache-2.0) is that licence, not an unknown one.
            raw = _named_other(raw, name, link)
        statements.append(LicenceStatement(raw=raw, provenance=provenance, scope="repository"))
    if not values and (name or link):
        base = card.key_provenance("license_name" if name else "license_link")
        statements.append(LicenceStatement(raw=_named_other("other", name, link), scope="repository",
                                           provenance=Provenance(file=base.file, line=base.line, key=base.key,
                                                                 url=url, note=extra)))
    return statements


def _named_other(raw: str, name: Any, link: Any) -> str:
    """The licence id `license: other` stands for when its `license_name` names a known licence, else `raw`."""
    if not isinstance(name, str) or not name.strip():
        return raw
    try:
        from opencheck.licenses import normalise
    except ImportError:
        return raw
    resolved = normalise(raw, license_name=name, license_link=link if isinstance(link, str) else None)
    return resolved.expression or raw


_CLAUSE_BREAK = re.compile(r"[,;(]|\s[-\u2013\u2014]\s|\.\s")
# Words after a licence name that add terms to it: an open licence "with an acceptable use policy" is not open.
_ADDED_TERMS = re.compile(r"acceptable[\s-]+use|use[\s-]+polic|restrict|addendum|additional\s+terms|rail\b|"
                          r"non-?commercial|research\s+(?:use\s+)?only|prohibit", re.IGNORECASE)


def _label_licence(value: str) -> str:
    """What a "License:" line names: the whole value, or its first clause when that alone is a known licence and
    no clause names another ("License: [CC-BY-NC](...), requires also adhering to C4AI's Acceptable Use Policy")."""
    text = _plain(value)
    try:
        from opencheck.licenses import normalise
    except ImportError:
        return text
    if normalise(text).expression:
        return text
    clauses = [re.sub(r"^(?:the|a|an)\s+", "", c.strip(), flags=re.IGNORECASE) for c in _CLAUSE_BREAK.split(text)]
    known = [(clause, expression) for clause in clauses if clause and (expression := normalise(clause).expression)]
    if len({expression for _, expression in known}) != 1:
        return text  # none, or two licences (code under one, weights under another): the line as written
    from opencheck.licenses import classify

    clause = known[0][0]
    if not classify(clause).is_open:
        return clause  # terms that are not open: any clause around them can only restrict further
    if clause != clauses[0] or _ADDED_TERMS.search(text):
        return text  # an open licence is the line's whole statement only when it leads and nothing is added
    return clause


def _named_label_licence(line: str) -> str | None:
    """The licence a bold list label names ("**Permissive Apache 2.0 license:**"): the longest run of its last words
    the licence table knows ("Apache 2.0 License"), or None (an adjective alone, "**Open license:**", names none)."""
    match = _NAMED_LABEL.match(line)
    if not match:
        return None
    from opencheck.licenses import normalise

    words = match.group(1).split()[-6:]
    for start in range(len(words)):
        name = " ".join([*words[start:], "License"])
        if normalise(name).expression:
            return name
    return None


def _section_licences(card: ModelCard, lines: list[str], seen_lines: set[int]) -> list[LicenceStatement]:
    """The first stated line of each licence section with content (the repository's, as written), and each sentence
    of the section that licenses one part (`licence_scopes`)."""
    from opencheck.detect.licence_scopes import scoped_statements

    statements: list[LicenceStatement] = []
    for section in card.sections:
        if not _LICENCE_TITLE.search(section.title) or section.placeholder:
            continue
        end = next((i for i in range(section.line, len(lines)) if _HEADING_LINE.match(lines[i])), len(lines))
        scoped = scoped_statements(lines, section.line, end, card.path, section.title)
        first = next((i for i in range(section.line, end)
                      if lines[i].strip() and not is_placeholder_text(lines[i].strip())), None)
        if first is None:
            continue
        seen_lines.add(first + 1)
        statements.append(LicenceStatement(raw=_plain(lines[first].strip())[:300], scope="repository",
                                           provenance=Provenance(file=card.path, line=first + 1,
                                                                 note=f"licence section '{section.title}'")))
        statements += scoped
    return statements


def _card_licences(card: ModelCard) -> list[LicenceStatement]:
    statements = _front_matter_licences(card)
    lines = card.text.splitlines()
    seen_lines: set[int] = set()
    statements += _section_licences(card, lines, seen_lines)
    for index in range(card.body_start_line - 1, len(lines)):
        match = _LICENCE_LABEL.match(lines[index])
        if match and index + 1 not in seen_lines and not is_placeholder_text(match.group(1)):
            where = Provenance(file=card.path, line=index + 1, note="'License:' line in the card")
            statements.append(LicenceStatement(raw=_label_licence(match.group(1))[:300], scope="repository",
                                               provenance=where))
        elif not match and (named := _named_label_licence(lines[index])) is not None:
            where = Provenance(file=card.path, line=index + 1, note="a list label naming the licence")
            statements.append(LicenceStatement(raw=named, scope="repository", provenance=where))
    return statements


def github_licences(evidence: Evidence) -> list[LicenceStatement]:
    """The licences the GitHub look-up found for linked code repositories (payloads in `hub["github"]`)."""
    statements: list[LicenceStatement] = []
    results = evidence.hub.get("github")
    for slug, payload in (results.items() if isinstance(results, dict) else ()):
        if not isinstance(payload, dict) or payload.get("status") != "found":
            continue
        spdx = payload.get("spdx_id")
        raw = spdx if isinstance(spdx, str) and spdx and spdx != "NOASSERTION" else str(
            payload.get("name") or payload.get("key") or "other")
        # The repository URL (not the LICENSE blob URL) so rules can match it with the card's code link.
        statements.append(LicenceStatement(raw=raw, scope="code-repository", provenance=Provenance(
            file=payload.get("path"), url=f"https://github.com/{slug}", note=f"GitHub licence of {slug}")))
    return statements


def dataset_card_licences(evidence: Evidence) -> dict[str, list[LicenceStatement]]:
    """The licences each looked-up dataset card states (results in `hub["datasets"]`), by dataset id."""
    found: dict[str, list[LicenceStatement]] = {}
    results = evidence.hub.get("datasets")
    for dataset_id, result in (results.items() if isinstance(results, dict) else ()):
        if not isinstance(result, dict) or result.get("status") != "found":
            continue
        sha = result.get("sha")
        note = f"dataset card of {dataset_id}" + (f" @ {sha[:12]}" if isinstance(sha, str) and sha else "")
        found[dataset_id] = [LicenceStatement(raw=lic, scope="data", provenance=Provenance(
            url=result.get("url"), key="license", note=note)) for lic in result.get("license") or []]
    return found


def detect_licences(evidence: Evidence) -> None:
    """Add every licence statement to `evidence.licences` (look-up answers first) and the dataset cards' licences."""
    from opencheck.detect.papers import paper_statements

    add_unique(evidence.licences, github_licences(evidence) + paper_statements(evidence),
               lambda s: (s.raw, s.provenance.file, s.provenance.line, s.provenance.key, s.provenance.url))
    for dataset_id, statements in dataset_card_licences(evidence).items():
        evidence.dataset_licences.setdefault(dataset_id, statements)
    from opencheck.detect.dataset_licence_text import licences_stated_elsewhere
    from opencheck.detect.datasets import named_datasets

    # A dataset the Hub gives no licence for (gone, gated, none on its card): the model card may state one.
    named = [n for n, _ in named_datasets(evidence)]
    for dataset_id, statements in licences_stated_elsewhere(evidence, named).items():
        if not evidence.dataset_licences.get(dataset_id):
            evidence.dataset_licences[dataset_id] = statements
    _corpus_table_licences(evidence, named)
    add_unique(evidence.licences, licence_statements(evidence),
               lambda s: (s.raw, s.provenance.file, s.provenance.line, s.provenance.key))


def _corpus_table_licences(evidence: Evidence, named: list[str]) -> None:
    """A well-known corpus the datasets look-up did not ask about (no look-up, or past its bound) and for which the
    model card states no licence takes the licence its dataset card states, as the corpus table recorded it with its
    source. What the look-up answered decides alone: a card it found, even one stating no licence; a dataset it
    found gated or gone stays unknown, said why."""
    from opencheck.detect.training_corpora import table_licence

    results = evidence.hub.get("datasets")
    for dataset_id in named:
        if evidence.dataset_licences.get(dataset_id) or (isinstance(results, dict) and dataset_id in results):
            continue
        if (statement := table_licence(dataset_id)) is not None:
            evidence.dataset_licences[dataset_id] = [statement]
