"""What the arXiv look-up's answers mean: which papers a model links, and each paper's licence as a statement.

A record without a `<license>` is under arXiv's non-exclusive distribution licence, which lets arXiv distribute the
paper and nobody else: not an open licence. The look-up itself (sources/arxiv.py) only fetches the records.
"""

from __future__ import annotations

import re
from typing import Any, Final

from opencheck.detect.links import arxiv_ids, extract_links
from opencheck.evidence import Evidence, LicenceStatement, Provenance
from opencheck.sources.arxiv import MAX_PAPERS

# arXiv's own licence, as SPDX has no id for it; the licence table does not count it as open.
NONEXCLUSIVE: Final = "LicenseRef-arXiv-nonexclusive-distrib-1.0"
# An arXiv page, or the Hub's page of an arXiv paper (huggingface.co/papers/2212.04356, keyed by its arXiv id).
_ARXIV_URL = re.compile(r"^https?://(?:(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|(?:www\.)?(?:huggingface\.co|"
                        r"hf\.co)/papers/(?=\d{4}\.))"
                        r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
                        re.IGNORECASE)
_CC = re.compile(r"creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)", re.IGNORECASE)


def arxiv_id(url: str) -> str | None:
    """The arXiv id (without version) an abs/pdf/html URL, or the Hub's page of the paper, names, or None."""
    match = _ARXIV_URL.match(url.strip())
    return match.group(1) if match else None


def licence_id(url: str | None) -> str:
    """The SPDX id of an arXiv licence URL: Creative Commons by version, CC0, else arXiv's own licence; an
    unrecognised URL is kept as written (the licence table then says it is unknown)."""
    if not url:
        return NONEXCLUSIVE
    text = url.strip()
    if "arxiv.org/licenses/nonexclusive-distrib" in text.lower():
        return NONEXCLUSIVE
    if "creativecommons.org/publicdomain/zero/1.0" in text.lower():
        return "CC0-1.0"
    match = _CC.search(text)
    if match:
        return f"CC-{match.group(1).upper()}-{match.group(2)}"
    return text


def paper_ids(evidence: Evidence, tags: Any) -> list[str]:
    """arXiv ids the model links: its Hub `arxiv:` tags first, then the card's paper and report links."""
    found = [i.split("v")[0] if re.match(r"^\d{4}\.\d{4,5}v\d+$", i) else i for i in arxiv_ids(tags)]
    if evidence.card is not None:
        for link in extract_links(evidence.card):
            if link.kind in ("paper", "technical-report"):
                ident = arxiv_id(link.url)
                if ident and ident not in found:
                    found.append(ident)
    unique: list[str] = []
    for ident in found:
        if ident not in unique:
            unique.append(ident)
    return unique[:MAX_PAPERS]


def paper_statements(evidence: Evidence) -> list[LicenceStatement]:
    """A `paper` licence statement for each record the arXiv look-up found (payloads in `hub["arxiv"]`)."""
    statements: list[LicenceStatement] = []
    results = evidence.hub.get("arxiv")
    for ident, payload in (results.items() if isinstance(results, dict) else ()):
        if not isinstance(payload, dict) or payload.get("status") != "found":
            continue
        stated = payload.get("license")
        note = f"arXiv licence of {ident}" + ("" if stated else ": none stated, so arXiv's non-exclusive "
                                              "distribution licence")
        statements.append(LicenceStatement(raw=licence_id(stated), scope="paper", provenance=Provenance(
            url=f"https://arxiv.org/abs/{ident}", key="license", note=note)))
    return statements


def paper_licence(evidence: Evidence, urls: list[str]) -> LicenceStatement | None:
    """The looked-up licence of the first of `urls` that is an arXiv paper with a known licence."""
    by_id = {arxiv_id(s.provenance.url or ""): s for s in evidence.licences if s.scope == "paper"}
    for url in urls:
        ident = arxiv_id(url)
        if ident and ident in by_id:
            return by_id[ident]
    return None


_BIBTEX_START = re.compile(r"^\s*@\w+\s*\{")
_CITED_ID = re.compile(r"(?:eprint\s*=\s*[{\"]?\s*|arxiv\s*(?:preprint\s*)?(?:arxiv)?\s*:\s*|arxiv\.org/(?:abs|pdf)/)"
                       r"(\d{4}\.\d{4,5})", re.IGNORECASE)
_REPORT_TITLE = re.compile(r"\btech(?:nical)?[\s-]+report\b", re.IGNORECASE)


def cited_ids(evidence: Evidence) -> list[str]:
    """arXiv ids of the papers the card's BibTeX entries ask readers to cite (the model's own papers), in order."""
    card = evidence.card
    if card is None:
        return []
    found: list[str] = []
    inside = False
    for line in card.text.splitlines():
        if _BIBTEX_START.match(line):
            inside = True
        if inside:
            found += [i for i in _CITED_ID.findall(line) if i not in found]
            if line.strip() in ("}", "```"):
                inside = False
    return found


def report_ids(evidence: Evidence) -> list[str]:
    """Looked-up arXiv papers whose recorded title calls them a technical report (e.g. "A Technical Report for
    Polyglot-Ko"), in look-up order."""
    results = evidence.hub.get("arxiv")
    return [ident for ident, payload in (results.items() if isinstance(results, dict) else ())
            if isinstance(payload, dict) and payload.get("status") == "found"
            and _REPORT_TITLE.search(str(payload.get("title") or ""))]
