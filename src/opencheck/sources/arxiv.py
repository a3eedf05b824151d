"""The arXiv look-up: the licence of each paper a Hub model links, from arXiv's OAI-PMH interface.

`GetRecord` with `metadataPrefix=arXiv` returns the paper's `<license>` URL; a record without one is under arXiv's
non-exclusive distribution licence, which lets arXiv distribute the paper and nobody else: not an open licence.
`OPENCHECK_ARXIV_API` points the look-up at another server (tests, mirrors).
"""

from __future__ import annotations

import re
from typing import Any, Final
from xml.etree import ElementTree

from opencheck.evidence import Evidence, LicenceStatement, Problem, Provenance

ARXIV_API: Final = "https://export.arxiv.org/oai2"
NEED: Final = "arxiv"
MAX_PAPERS: Final = 5  # papers looked up per model: bounds the request count of a check
MAX_RECORD_BYTES: Final = 1_000_000  # one record's metadata is a few kB
# arXiv's own licence, as SPDX has no id for it; the licence table does not count it as open.
NONEXCLUSIVE: Final = "LicenseRef-arXiv-nonexclusive-distrib-1.0"
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
                        r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
                        re.IGNORECASE)
_CC = re.compile(r"creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)", re.IGNORECASE)
_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_ARXIV_NS = "{http://arxiv.org/OAI/arXiv/}"


def arxiv_id(url: str) -> str | None:
    """The arXiv id (without version) an abs/pdf/html URL names, or None."""
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


def parse_record(body: bytes) -> dict[str, Any]:
    """`{"status": "found", "license": URL or None}`, or `{"status": "not-found"}` for OAI-PMH's idDoesNotExist;
    ValueError for anything else."""
    if len(body) > MAX_RECORD_BYTES:
        raise ValueError(f"record larger than {MAX_RECORD_BYTES:,} bytes")
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        # OAI-PMH records never declare a DTD; refusing one rules out entity-expansion attacks from a mirror.
        raise ValueError("record declares a DTD")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from None
    error = root.find(f"{_OAI}error")
    if error is not None:
        if error.get("code") == "idDoesNotExist":
            return {"status": "not-found"}
        raise ValueError(f"OAI-PMH error {error.get('code')}: {(error.text or '').strip()[:200]}")
    record = root.find(f"{_OAI}GetRecord/{_OAI}record/{_OAI}metadata/{_ARXIV_NS}arXiv")
    if record is None:
        raise ValueError("no arXiv record in the response")
    licence = record.find(f"{_ARXIV_NS}license")
    title = record.find(f"{_ARXIV_NS}title")
    return {"status": "found", "license": (licence.text or "").strip() or None if licence is not None else None,
            "title": " ".join((title.text or "").split())[:300] if title is not None else None}


def paper_ids(evidence: Evidence, tags: Any) -> list[str]:
    """arXiv ids the model links: its Hub `arxiv:` tags first, then the card's paper and report links."""
    from opencheck.sources.card import arxiv_ids, extract_links

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


def lookup_papers(hub: Any, evidence: Evidence, tags: Any, *, offline: bool, api: str) -> None:
    """Look up the licence of every linked paper (cached for a day, a missing record too); each found licence
    becomes a `paper` licence statement, and `evidence.hub["arxiv"]` holds every answer."""
    from opencheck.errors import SourceError
    from opencheck.sources.hub import _cached_extra, _failed, _soft
    from opencheck.sources.hub_http import CountingClient

    results: dict[str, Any] = {}
    for ident in paper_ids(evidence, tags):
        key = f"arxiv--{ident.replace('/', '_')}"
        abs_url = f"https://arxiv.org/abs/{ident}"
        payload = _cached_extra(hub, key, offline)
        if offline and not isinstance(payload, dict):
            results[ident] = {"status": "unknown"}
            continue
        if not isinstance(payload, dict):
            if hub.arxiv is None:
                hub.arxiv = CountingClient(timeout=hub.timeout, retry=hub.retry)  # no Hub token goes to arXiv
            what = f"arXiv record of {ident}"
            result = _soft(hub, evidence, "arxiv", ident, "arxiv-unavailable", what,
                           lambda i=ident, w=what: hub.arxiv.fetch(
                               api, what=w, params={"verb": "GetRecord", "identifier": f"oai:arXiv.org:{i}",
                                                    "metadataPrefix": "arXiv"}))
            if result is None:
                results[ident] = {"status": "error"}
                continue
            try:
                if result.status != 200:
                    raise SourceError(f"HTTP {result.status}")
                payload = parse_record(result.body)
            except (ValueError, SourceError) as exc:
                results[ident] = {"status": "error"}
                # A failed look-up leaves the paper's licence unknown, never "none" (reported like every look-up).
                _failed(evidence, "arxiv", ident, "arxiv-unavailable", f"{what}: {exc}", Provenance(url=abs_url))
                continue
            if hub.cache is not None:
                hub.cache.put_extra(hub.target.repo_id, key, payload)
        results[ident] = payload
        if payload.get("status") == "found":
            stated = payload.get("license")
            note = f"arXiv licence of {ident}" + ("" if stated else ": none stated, so arXiv's non-exclusive "
                                                  "distribution licence")
            evidence.licences.append(LicenceStatement(raw=licence_id(stated), scope="paper", provenance=Provenance(
                url=abs_url, key="license", note=note)))
        elif payload.get("status") == "not-found":
            evidence.problems.append(Problem("arxiv-not-found", f"arXiv has no record {ident}",
                                             Provenance(url=abs_url), severity="info"))
    evidence.hub["arxiv"] = results


def paper_licence(evidence: Evidence, urls: list[str]) -> LicenceStatement | None:
    """The looked-up licence of the first of `urls` that is an arXiv paper with a known licence."""
    by_id = {arxiv_id(s.provenance.url or ""): s for s in evidence.licences if s.scope == "paper"}
    for url in urls:
        ident = arxiv_id(url)
        if ident and ident in by_id:
            return by_id[ident]
    return None
