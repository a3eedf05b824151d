"""Links a model card gives (Markdown links, reference definitions, bare URLs, arXiv mentions and tags), classified.

What a URL points at (a paper, a code repository, a dataset, a technical report, licence terms) is a judgement
about raw card text, so it lives here and not in the card reader.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from urllib.parse import urlsplit

from opencheck.detect.unique import add_unique
from opencheck.evidence import Evidence, Link, ModelCard, Provenance
from opencheck.sources.card import blank_html_comments, section_at

_MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\)[^()\s<>]*)*)>?"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_BARE_URL = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_)'\""
_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(?:v\d+)?$|^[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?$", re.IGNORECASE)
_ARXIV_MENTION = re.compile(r"\barxiv[:\s]\s*(\d{4}\.\d{4,5})(?:v\d+)?\b", re.IGNORECASE)
_TECH_REPORT = re.compile(r"\btech(?:nical)?[\s-]+report\b", re.IGNORECASE)
_LICENCE_WORD = re.compile(r"licen[cs]e", re.IGNORECASE)
_LICENCE_HOSTS = (
    "apache.org/licenses",
    "creativecommons.org/licenses",
    "creativecommons.org/publicdomain",
    "opensource.org/licenses",
    "opensource.org/license",
    "spdx.org/licenses",
    "choosealicense.com",
    "gnu.org/licenses",
    "opendatacommons.org/licenses",
    "cdla.dev",
    "cdla.io",
    "ai.meta.com/llama/license",
    "llama.meta.com/llama",
    "licenses.nvidia.com",
)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
_PAPER_HOSTS = (
    "doi.org",
    "dx.doi.org",
    "aclanthology.org",
    "aclweb.org",
    "openreview.net",
    "proceedings.mlr.press",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "jmlr.org",
    "ieeexplore.ieee.org",
    "dl.acm.org",
    "semanticscholar.org",
    "www.semanticscholar.org",
    "biorxiv.org",
    "www.biorxiv.org",
    "medrxiv.org",
)
# GitHub paths that are site pages or uploaded files, not repositories.
_NOT_REPO_OWNERS = frozenset({"orgs", "topics", "sponsors", "features", "about", "marketplace", "settings", "login",
                              "user-attachments"})
# A picture or video shows something; it is not the repository, paper or report its URL sits in.
_MEDIA_SUFFIX = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?|avif|mp4|webm|mov|mp3|wav)$", re.IGNORECASE)
# An HTML image tag's source: embedded like a Markdown image, so not a link to the thing it is stored in.
_HTML_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\s\"'<>]+)", re.IGNORECASE)


def _clean_url(url: str) -> str:
    url = url.strip()
    while url and url[-1] in _TRAILING:
        # Keep a closing parenthesis that balances one inside the URL (Wikipedia-style links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def is_media_url(url: str) -> bool:
    """Whether a URL is a picture, video or uploaded attachment (a figure, a badge), not a page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    segments = [s for s in parts.path.split("/") if s]
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host == "github.com" and (segments[:1] == ["user-attachments"] or segments[2:3] == ["assets"]):
        return True  # files uploaded to an issue or a card (`ORG/REPO/assets/ID/UUID`) have no suffix
    return bool(segments and _MEDIA_SUFFIX.search(segments[-1]))


# A PDF elsewhere than a paper host is a paper unless its link text or file name says it is another document:
# Google's cards link "[our policies](.../2023_Google_AI_Principles_Progress_Update.pdf)".
_NOT_A_PAPER = re.compile(r"\b(?:polic(?:y|ies)|principles|terms|guidelines?|progress\s+update|slides?|poster|"
                          r"brochure|datasheet|spec\s*sheet|manual|handbook|faq|acceptable\s+use|code\s+of\s+conduct)\b",
                          re.IGNORECASE)


def classify_url(url: str, text: str = "", context: str = "") -> str:
    """Kind of a link: paper, code-repository, dataset, technical-report, license or other."""
    words = f"{text} {context}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "other"
    if is_media_url(url):
        return "other"  # a figure stored in a repository is not a link to its code (nor a paper or report)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") and host[4:] in (*_CODE_HOSTS, "huggingface.co", "arxiv.org") else host
    path = parts.path
    segments = [s for s in path.split("/") if s]
    basename = segments[-1] if segments else ""
    if basename and re.match(r"^(licen[cs]e|copying)(\.[a-z]+)?$", basename, re.IGNORECASE):
        return "license"
    if any(h in f"{host}{path}".lower() for h in _LICENCE_HOSTS):
        return "license"
    if _TECH_REPORT.search(words) or _TECH_REPORT.search(url.replace("_", " ").replace("-", " ")):
        return "technical-report"
    if host == "huggingface.co" and segments[:1] == ["datasets"] and len(segments) >= 2:
        return "dataset"
    if host.endswith("arxiv.org") and segments[:1] in (["abs"], ["pdf"], ["html"]):
        return "paper"
    if host in ("huggingface.co", "hf.co") and len(segments) == 2 and segments[0] == "papers" \
            and re.fullmatch(r"\d{4}\.\d{4,5}(?:v\d+)?", segments[1]):
        return "paper"  # the Hub's page of an arXiv paper, keyed by its arXiv id
    if host in _PAPER_HOSTS or (path.lower().endswith(".pdf") and not _NOT_A_PAPER.search(
            f"{text} {basename.replace('_', ' ').replace('-', ' ')}")):
        return "paper"
    if host in _CODE_HOSTS and len(segments) >= 2 and segments[0].lower() not in _NOT_REPO_OWNERS:
        return "code-repository"
    if not parts.scheme and not host and _LICENCE_WORD.search(words):
        return "license"
    if _LICENCE_WORD.search(text):
        return "license"
    return "other"


def _cover(found: list[tuple[int, int, str | None, str]]) -> Callable[[int], bool]:
    """Whether a position lies inside one of the spans found so far: a search, not a scan, so a line of thousands of
    links stays linear. (Matches of one pass never overlap each other, so each pass checks the passes before it.)"""
    spans = sorted((start, end) for start, end, _, _ in found)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))

    def covered(position: int) -> bool:
        at = bisect_right(starts, position) - 1
        return at >= 0 and reach[at] > position

    return covered


def _in_licence_context(card: ModelCard, line: int) -> bool:
    section = section_at(card, line)
    return bool(section and _LICENCE_WORD.search(section.title))


def _found_on_line(card: ModelCard, line: str, line_no: int) -> list[tuple[int, int, str | None, str]]:
    """(start, end, url or None for an image, link text) of every link on one card line, in line order."""
    found: list[tuple[int, int, str | None, str]] = []
    for match in _MD_LINK.finditer(line):
        text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2)).strip()
        target = match.group(3)
        # An image (badge) shows a picture, not the thing; non-web schemes (ftp:, javascript:) are skipped.
        usable = not match.group(1) and (_BARE_URL.match(target) or "://" not in target)
        found.append((match.start(), match.end(), target if usable else None, text))
    covered = _cover(found)
    for match in _HTML_IMG_SRC.finditer(line):
        if not covered(match.start(1)):
            found.append((match.start(1), match.end(1), None, ""))  # an embedded picture, like ![x](url)
    ref = _REF_DEF.match(line)
    if ref and line_no >= card.body_start_line:
        found.append((0, len(line), ref.group(2), ref.group(1)))
    covered = _cover(found)
    for match in _BARE_URL.finditer(line):
        if not covered(match.start()):
            found.append((match.start(), match.end(), match.group(0), ""))
    if line_no >= card.body_start_line:
        # BibTeX and prose cite papers as `arXiv:2304.01373` without a URL.
        covered = _cover(found)
        for match in _ARXIV_MENTION.finditer(line):
            if not covered(match.start()):
                found.append((match.start(), match.end(), f"https://arxiv.org/abs/{match.group(1)}", match.group(0)))
    return sorted(found)


def link_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text a reader sees) of each Markdown link, image and bare URL in a piece of prose, in order."""
    found: list[tuple[int, int, str | None, str]] = []
    for match in _MD_LINK.finditer(text):
        shown = "" if match.group(1) else re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2)).strip()
        found.append((match.start(), match.end(), None, shown))
    covered = _cover(found)
    for match in _BARE_URL.finditer(text):
        if not covered(match.start()):
            # A full stop or bracket after a bare URL closes the sentence, not the URL.
            found.append((match.start(), match.start() + len(_clean_url(match.group(0))), None, ""))
    return [(start, end, shown) for start, end, _, shown in sorted(found)]


def extract_links(card: ModelCard) -> list[Link]:
    """Markdown links, reference definitions and bare URLs with their line, plus `arxiv:` tags."""
    links: list[Link] = []
    seen: set[tuple[str, int]] = set()

    def add(url: str, line_no: int, text: str, context: str, key: str | None = None) -> None:
        url = _clean_url(url)
        if not url or url.startswith(("#", "mailto:")) or (url, line_no) in seen:
            return
        seen.add((url, line_no))
        kind = "license" if key == "license_link" else classify_url(url, text, context)
        if (kind == "other" and line_no >= card.body_start_line and _in_licence_context(card, line_no)
                and not is_media_url(url)):
            kind = "license"  # a link inside a "License" section points at licence terms
        links.append(Link(url=url, kind=kind, provenance=Provenance(file=card.path, line=line_no, key=key, url=url),
                          text=text))

    # A link inside an HTML comment is not on the card (a commented-out citation template's arXiv placeholder).
    for index, line in enumerate(blank_html_comments(card.text).splitlines()):
        line_no = index + 1
        key = None
        if line_no < card.body_start_line:
            key_match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
            key = key_match.group(1) if key_match else None
        section = section_at(card, line_no) if line_no >= card.body_start_line else None
        title = section.title if section else ""
        previous_end = 0
        for start, end, url, text in _found_on_line(card, line, line_no):
            # Context is the prose just before this link (not the whole line, which may describe another link).
            context = f"{line[previous_end:start][-80:]} {title} {key or ''}"
            previous_end = end
            if url is not None:
                add(url, line_no, text, context, key)
    links.extend(arxiv_tag_links(card))
    return links


def arxiv_ids(tags: object) -> list[str]:
    """arXiv ids from tags such as `arxiv:2304.01373`."""
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        return []
    found: list[str] = []
    for tag in tags:
        if isinstance(tag, str) and tag.lower().startswith("arxiv:"):
            ident = tag.split(":", 1)[1].strip()
            if _ARXIV_ID.match(ident) and ident not in found:
                found.append(ident)
    return found


def arxiv_tag_links(card: ModelCard) -> list[Link]:
    """Paper links for the `arxiv:` entries of the card's `tags` key."""
    provenance = card.key_provenance("tags")
    return [
        Link(
            url=f"https://arxiv.org/abs/{ident}",
            kind="paper",
            provenance=Provenance(
                file=provenance.file,
                line=provenance.line,
                key="tags",
                url=f"https://arxiv.org/abs/{ident}",
                note=f"arxiv:{ident} tag",
            ),
            text=f"arxiv:{ident}",
        )
        for ident in arxiv_ids(card.metadata.get("tags"))
    ]


MAX_GITHUB_REPOS = 5  # linked repositories whose licence the GitHub look-up asks for: bounds a check's requests
_GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9-]{1,39})/([A-Za-z0-9._-]{1,100})(?:[/#?]|$)",
                          re.IGNORECASE)


def github_repositories(card: ModelCard | None, limit: int = MAX_GITHUB_REPOS) -> list[tuple[str, str]]:
    """(owner, name) of the GitHub code repositories a card links, in card order, at most `limit`."""
    return [] if card is None else github_slugs(extract_links(card), limit)


def github_slugs(links: list[Link], limit: int = MAX_GITHUB_REPOS) -> list[tuple[str, str]]:
    """(owner, name) of the GitHub code repositories among `links`, in their order, each once, at most `limit`."""
    repos: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        match = _GITHUB_REPO.match(link.url) if link.kind == "code-repository" else None
        if match:
            owner, name = match.group(1), match.group(2)
            name = name[:-4] if name.lower().endswith(".git") else name
            if (owner.lower(), name.lower()) not in seen:
                seen.add((owner.lower(), name.lower()))
                repos.append((owner, name))
                if len(repos) == limit:
                    break
    return repos


def hub_tag_links(evidence: Evidence) -> list[Link]:
    """Paper links for the Hub API's `arxiv:` tags."""
    links: list[Link] = []
    tags = evidence.hub.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, str) and tag.lower().startswith("arxiv:"):
            url = f"https://arxiv.org/abs/{tag.split(':', 1)[1]}"
            links.append(Link(url=url, kind="paper", text=tag,
                              provenance=Provenance(key="tags", url=url, note="Hub arxiv tag")))
    return links


def licence_link(card: ModelCard) -> list[Link]:
    """The card's `license_link` front-matter key as a licence link."""
    link = card.metadata.get("license_link")
    if not isinstance(link, str) or not link.strip():
        return []
    provenance = card.key_provenance("license_link")
    return [Link(url=link.strip(), kind="license", text="license_link", provenance=Provenance(
        file=provenance.file, line=provenance.line, key="license_link", url=link.strip()))]


def detect_links(evidence: Evidence) -> None:
    """Add the card's links, its `license_link` and the Hub's arXiv tags to `evidence.links`, each once."""
    if evidence.card is not None:
        add_unique(evidence.links, extract_links(evidence.card), lambda link: (link.url, link.provenance.line))
        add_unique(evidence.links, licence_link(evidence.card), lambda item: (item.url, item.provenance.line))
    add_unique(evidence.links, hub_tag_links(evidence), lambda link: link.url)
