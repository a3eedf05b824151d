"""Parse a model card (README.md): YAML front matter with key lines, Markdown sections, and links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from opencheck.errors import InputError
from opencheck.evidence import Link, ModelCard, Problem, Provenance, Section

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")  # trailing blanks are stripped from the title
# The lookbehinds let a run of blanks (or emphasis marks) be tried only from its first character; without them
# each position of a long run would rescan it, which takes quadratic time on a hostile card.
_CLOSING_HASHES = re.compile(r"(?:^|(?<![ \t])[ \t]+)#+[ \t]*$")

# Text that template-generated cards leave behind when a field was never filled in.
# Written so that no two quantifiers can share the same characters (e.g. `\s*\]?` before `[\s.!]*`): a pattern
# that can split a run of blanks or dots many ways takes quadratic time on a long hostile line.
_PLACEHOLDER = re.compile(
    r"^(?:\[?\s*more\s+info(?:rmation)?\s+(?:is\s+)?(?:needed|required|to\s+come|coming\s+soon)(?:\s*\])?"
    r"|\[?\s*needs\s+more\s+information(?:\s*\])?|tbd|tba|todo|to\s*do|to\s+be\s+(?:added|determined|announced|"
    r"completed|updated)|coming\s+soon|n/?a|none\s+yet|placeholder|\.{3}|…|fill\s+(?:me\s+)?in|"
    r"insert\s.*\shere|add\s.*\shere|\{\{.*\}\}|\[optional\]|\[?\s*your\s.*\shere(?:\s*\])?)[\s.!]*$",
    re.IGNORECASE,
)
_OPTIONAL_MARK = re.compile(r"\[\s*optional\s*\]", re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# "**Developed by:** value" or "Hardware Type: value": a short label followed by the value.
_LABEL = re.compile(r"^(?:\*\*|__)?([^:*_]{1,80}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.*)$")
_EMPHASIS = re.compile(r"^[*_`\s]+|(?<![*_`\s])[*_`\s]+$")

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
# GitHub paths that are site pages, not repositories.
_NOT_REPO_OWNERS = frozenset({"orgs", "topics", "sponsors", "features", "about", "marketplace", "settings", "login"})


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _is_delimiter(line: str) -> bool:
    return line.rstrip() == "---"


def _split_front_matter(lines: list[str]) -> tuple[list[str] | None, int, bool]:
    """(front matter lines or None, 0-based index of the first body line, closed?)."""
    if not lines or not _is_delimiter(lines[0]):
        return None, 0, True
    for index in range(1, len(lines)):
        if _is_delimiter(lines[index]) or lines[index].rstrip() == "...":
            return lines[1:index], index + 1, True
    return lines[1:], len(lines), False


def _relocate(message: str, path: str, offset: int) -> tuple[int, str]:
    """Turn an InputError `SOURCE:LINE: msg` about the YAML block into (file line, msg)."""
    match = re.match(r"^.*?:(\d+): (.*)$", message, re.DOTALL)
    if not match:
        return offset + 1, message
    return int(match.group(1)) + offset, match.group(2)


def _load_front_matter(
    block: str, path: str, offset: int, problems: list[Problem]
) -> tuple[dict[str, object], dict[str, int]]:
    from opencheck.yaml_loading import load_yaml

    try:
        document = load_yaml(block, path)
    except InputError as exc:
        line, message = _relocate(str(exc), path, offset)
        problems.append(
            Problem(
                "front-matter-invalid",
                f"invalid YAML front matter: {message}",
                Provenance(file=path, line=line),
            )
        )
        return {}, {}
    data = document.data
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        problems.append(
            Problem(
                "front-matter-invalid",
                f"YAML front matter must be a mapping, not a {type(data).__name__}",
                Provenance(file=path, line=offset + 1),
            )
        )
        return {}, {}
    lines: dict[str, int] = {}
    for key in data:
        line = document.line_of((key,))
        if line is not None:
            lines[key] = line + offset
    return data, lines


def _heading(line: str) -> tuple[int, str] | None:
    match = _ATX.match(line)
    if not match:
        return None
    title = _CLOSING_HASHES.sub("", match.group(2) or "").strip()
    return len(match.group(1)), title


def _without_html_comments(text: str) -> str:
    """The text without its closed `<!-- ... -->` comments; a scan, since `<!--.*?-->` is quadratic on openers."""
    parts: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        parts.append(text[pos:start])
        pos = end + 3
    parts.append(text[pos:])
    return "".join(parts)


def is_placeholder_text(text: str) -> bool:
    """True when text is empty or holds only template placeholders such as "[More Information Needed]"."""
    text = _without_html_comments(text)
    for raw in text.splitlines():
        if _FENCE.match(raw):
            # Any code block is real content (an example, a BibTeX entry, a config).
            return False
        line = raw.strip()
        if not line or _heading(raw) or set(line) <= set("-=*_|: "):
            continue
        line = _LIST_MARK.sub("", line)
        line = _OPTIONAL_MARK.sub("", line).strip()
        label = _LABEL.match(line)
        if label and len(label.group(1).split()) <= 8:
            line = label.group(2)
        line = _EMPHASIS.sub("", line)
        if not line:
            continue  # a label with no value at all, e.g. "- **Demo:**"
        if not _PLACEHOLDER.match(line):
            return False
    return True


def _sections(lines: list[str], start: int) -> list[Section]:
    """Sections from the body lines; `start` is the 0-based index of the first body line."""
    headings: list[tuple[int, int, str]] = []  # (index, level, title)
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        match = _FENCE.match(line)
        if fence is not None:
            # A fence closes on the same character, at least as long, with nothing after it.
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            continue
        heading = _heading(line)
        if heading:
            headings.append((index, *heading))
    sections: list[Section] = []
    for position, (index, level, title) in enumerate(headings):
        # A section runs to the next heading of the same or a higher level, so it includes its subsections.
        end = len(lines)
        for later_index, later_level, _ in headings[position + 1 :]:
            if later_level <= level:
                end = later_index
                break
        text = "\n".join(lines[index + 1 : end]).strip("\n")
        sections.append(
            Section(title=title, level=level, line=index + 1, text=text, placeholder=is_placeholder_text(text))
        )
    return sections


def parse_card(text: str, path: str = "README.md") -> tuple[ModelCard, list[Problem]]:
    """Parse a model card: front matter (safe YAML, key lines) and ATX sections; problems never raise."""
    text = _strip_bom(text)
    problems: list[Problem] = []
    lines = text.splitlines()
    block, body_start, closed = _split_front_matter(lines)
    metadata: dict[str, object] = {}
    metadata_lines: dict[str, int] = {}
    if block is not None and not closed:
        problems.append(
            Problem(
                "front-matter-invalid",
                "YAML front matter starts with '---' but is never closed",
                Provenance(file=path, line=1),
            )
        )
        # Without a closing line the whole file is Markdown, as the Hub renders it.
        body_start = 0
    elif block is not None:
        metadata, metadata_lines = _load_front_matter("\n".join(block) + "\n", path, 1, problems)
    card = ModelCard(
        path=path,
        metadata=metadata,
        metadata_lines=metadata_lines,
        sections=_sections(lines, body_start),
        body_start_line=body_start + 1,
        text=text,
    )
    return card, problems


def section_at(card: ModelCard, line: int) -> Section | None:
    """The innermost section containing a 1-based line."""
    found: Section | None = None
    for section in card.sections:
        if section.line <= line:
            found = section
        else:
            break
    return found


def _clean_url(url: str) -> str:
    url = url.strip()
    while url and url[-1] in _TRAILING:
        # Keep a closing parenthesis that balances one inside the URL (Wikipedia-style links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def classify_url(url: str, text: str = "", context: str = "") -> str:
    """Kind of a link: paper, code-repository, dataset, technical-report, license or other."""
    words = f"{text} {context}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "other"
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
    if host in _PAPER_HOSTS or path.lower().endswith(".pdf"):
        return "paper"
    if host in _CODE_HOSTS and len(segments) >= 2 and segments[0].lower() not in _NOT_REPO_OWNERS:
        return "code-repository"
    if not parts.scheme and not host and _LICENCE_WORD.search(words):
        return "license"
    if _LICENCE_WORD.search(text):
        return "license"
    return "other"


def _covered(found: list[tuple[int, int, str | None, str]], position: int) -> bool:
    return any(start <= position < end for start, end, _, _ in found)


def _in_licence_context(card: ModelCard, line: int) -> bool:
    section = section_at(card, line)
    return bool(section and _LICENCE_WORD.search(section.title))


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
        if kind == "other" and line_no >= card.body_start_line and _in_licence_context(card, line_no):
            kind = "license"  # a link inside a "License" section points at licence terms
        links.append(
            Link(
                url=url,
                kind=kind,
                provenance=Provenance(file=card.path, line=line_no, key=key, url=url),
                text=text,
            )
        )

    for index, line in enumerate(card.text.splitlines()):
        line_no = index + 1
        key = None
        if line_no < card.body_start_line:
            key_match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
            key = key_match.group(1) if key_match else None
        section = section_at(card, line_no) if line_no >= card.body_start_line else None
        title = section.title if section else ""
        # (start, end, url or None for an image, link text), in line order.
        found: list[tuple[int, int, str | None, str]] = []
        for match in _MD_LINK.finditer(line):
            text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2)).strip()
            target = match.group(3)
            # An image (badge) shows a picture, not the thing; non-web schemes (ftp:, javascript:) are skipped.
            usable = not match.group(1) and (_BARE_URL.match(target) or "://" not in target)
            found.append((match.start(), match.end(), target if usable else None, text))
        ref = _REF_DEF.match(line)
        if ref and line_no >= card.body_start_line:
            found.append((0, len(line), ref.group(2), ref.group(1)))

        for match in _BARE_URL.finditer(line):
            if not _covered(found, match.start()):
                found.append((match.start(), match.end(), match.group(0), ""))
        if line_no >= card.body_start_line:
            # BibTeX and prose cite papers as `arXiv:2304.01373` without a URL.
            for match in _ARXIV_MENTION.finditer(line):
                if not _covered(found, match.start()):
                    found.append(
                        (
                            match.start(),
                            match.end(),
                            f"https://arxiv.org/abs/{match.group(1)}",
                            match.group(0),
                        )
                    )
        previous_end = 0
        for start, end, url, text in sorted(found):
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


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z*])")
_NEGATION = re.compile(r"\b(no|not|never|without)\b|n't\b", re.IGNORECASE)
TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")  # a Markdown table row; group 1 holds its cells


def stated_sentences(card: ModelCard, *, skip_tables: bool = False) -> Iterator[tuple[int, str]]:
    """(line, sentence) for each sentence of the card body that is not negated ("we did not use RLHF")."""
    lines = card.text.splitlines()
    for number in range(max(card.body_start_line, 1), len(lines) + 1):
        line = lines[number - 1]
        if skip_tables and TABLE_ROW.match(line):
            continue
        for sentence in _SENTENCE_BREAK.split(line):
            if not _NEGATION.search(sentence):
                yield number, sentence

