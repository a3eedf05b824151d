"""Parse a model card (README.md): YAML front matter with key lines and Markdown sections (links: detect/links.py)."""

from __future__ import annotations

import re
from bisect import bisect_right

from opencheck.errors import InputError
from opencheck.evidence import ModelCard, Problem, Provenance, Section
from opencheck.sources.card_keys import misshapen_keys

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
    problems.extend(misshapen_keys(data, lines, path))
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


def blank_html_comments(text: str) -> str:
    """The text with each closed `<!-- ... -->` comment blanked to spaces, its line breaks kept (so line numbers
    hold): what a comment holds is not shown on the card and is not evidence."""
    parts: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        parts.append(text[pos:start])
        parts.append("".join(c if c == "\n" else " " for c in text[start:end + 3]))
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


def fenced_lines(lines: list[str], start: int = 0) -> frozenset[int]:
    """1-based numbers of the lines from 0-based `start` on that are in a fenced code block, its fences included."""
    fenced: set[int] = set()
    fence: str | None = None
    for index in range(start, len(lines)):
        match = _FENCE.match(lines[index])
        if fence is not None:
            fenced.add(index + 1)
            # A fence closes on the same character, at least as long, with nothing after it.
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
        elif match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            fenced.add(index + 1)
    return frozenset(fenced)


def _sections(lines: list[str], start: int) -> list[Section]:
    """Sections from the body lines; `start` is the 0-based index of the first body line."""
    headings: list[tuple[int, int, str]] = []  # (index, level, title)
    fenced = fenced_lines(lines, start)
    for index in range(start, len(lines)):
        if index + 1 in fenced:
            continue  # a heading inside a code block is code
        heading = _heading(lines[index])
        if heading:
            headings.append((index, *heading))
    sections: list[Section] = []
    for position, (index, level, title) in enumerate(headings):
        # A section runs to the next heading of the same or a higher level, so it includes its subsections.
        # By index, not a slice: copying the rest of the list for each heading took minutes at 100,000 headings. The
        # scan itself passes only this heading's subsections, at most five levels of them.
        end = len(lines)
        for later in range(position + 1, len(headings)):
            if headings[later][1] <= level:
                end = headings[later][0]
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
    # A binary search: callers ask once per line or link, and a scan of every section each time took minutes on a
    # card of 100,000 headings (sections are in line order).
    position = bisect_right(card.sections, line, key=lambda section: section.line)
    return card.sections[position - 1] if position else None
