"""The arXiv look-up: the licence of each paper a Hub model links, from arXiv's OAI-PMH interface.

`GetRecord` with `metadataPrefix=arXiv` returns the paper's `<license>` URL; a record without one is under arXiv's
non-exclusive distribution licence, which lets arXiv distribute the paper and nobody else: not an open licence.
`OPENCHECK_ARXIV_API` points the look-up at another server (tests, mirrors).
"""

from __future__ import annotations

from typing import Any, Final

from opencheck.evidence import Evidence, Problem, Provenance

ARXIV_API: Final = "https://export.arxiv.org/oai2"
NEED: Final = "arxiv"
MAX_PAPERS: Final = 5  # papers looked up per model: bounds the request count of a check
MAX_RECORD_BYTES: Final = 1_000_000  # one record's metadata is a few kB
_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_ARXIV_NS = "{http://arxiv.org/OAI/arXiv/}"


def parse_record(body: bytes) -> dict[str, Any]:
    """`{"status": "found", "license": URL or None}`, or `{"status": "not-found"}` for OAI-PMH's idDoesNotExist;
    ValueError for anything else."""
    if len(body) > MAX_RECORD_BYTES:
        raise ValueError(f"record larger than {MAX_RECORD_BYTES:,} bytes")
    # The DTD test must see the characters the parser will: a body in UTF-16 (or any encoding its XML declaration
    # names) hid `<!DOCTYPE` from a test of the bytes. So the body must be UTF-8, and the parser is given the decoded
    # text, which makes expat read it as UTF-8 whatever the declaration says.
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("record is not UTF-8") from None
    if "\x00" in text:  # UTF-16 without a byte-order mark is valid UTF-8 full of NULs, and expat still reads it
        raise ValueError("record is not UTF-8")
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        # OAI-PMH records never declare a DTD; refusing one rules out entity-expansion attacks from a mirror.
        raise ValueError("record declares a DTD")
    from xml.etree import ElementTree  # only when a record arrives: most checks never ask arXiv

    try:
        root = ElementTree.fromstring(text)
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


def lookup_papers(hub: Any, evidence: Evidence, papers: list[str], *, offline: bool, api: str) -> None:
    """Look up the licence of each paper in `papers` (cached for a day, a missing record too); `evidence.hub["arxiv"]`
    holds every answer as received (detect/papers.py makes licence statements of them)."""
    from opencheck.errors import SourceError
    from opencheck.sources.hub_http import CountingClient
    from opencheck.sources.lookup_calls import cached_extra, lookup_failed, soft_lookup, store_extra

    results: dict[str, Any] = {}
    for ident in papers[:MAX_PAPERS]:
        key = f"arxiv--{ident.replace('/', '_')}"
        abs_url = f"https://arxiv.org/abs/{ident}"
        payload = cached_extra(hub, key, offline)
        if offline and not isinstance(payload, dict):
            results[ident] = {"status": "unknown"}
            continue
        if not isinstance(payload, dict):
            if hub.arxiv is None:
                hub.arxiv = CountingClient(timeout=hub.timeout, retry=hub.retry)  # no Hub token goes to arXiv
            what = f"arXiv record of {ident}"
            result = soft_lookup(hub, evidence, "arxiv", ident, "arxiv-unavailable", what,
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
                lookup_failed(evidence, "arxiv", ident, "arxiv-unavailable", f"{what}: {exc}", Provenance(url=abs_url))
                continue
            store_extra(hub, key, payload)
        results[ident] = payload
        if payload.get("status") == "not-found":
            evidence.problems.append(Problem("arxiv-not-found", f"arXiv has no record {ident}",
                                             Provenance(url=abs_url), severity="info"))
    evidence.hub["arxiv"] = results
