"""Attacker text stays inert: card values, file names, licences and server texts, made harmless for each output.

- terminal text (text report, stderr, diff): no control characters, escape sequences or bidirectional overrides;
- every output: no line a CI runner takes as a workflow command (`::error::`, `::add-mask::`, `##[...]`,
  Azure's `##vso[...]`);
- JSON: the same characters written as escapes, so the data is kept but `cat` shows them inert;
- what a viewer shows to a person (HTML, JUnit, SARIF and badge messages): as JSON or XML, but bidirectional
  controls shown as U+FFFD, because a browser or a CI page applies them even when they arrive escaped;
- Markdown: no links, images, HTML, autolinks or @mentions made from untrusted text;
- CSV: no cell a spreadsheet runs as a formula.
Every function is a pure, linear-time text transform.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REPLACEMENT = "\ufffd"
# Bidirectional controls reorder what a reader sees ("Trojan source"): ALM, LRM, RLM, embeddings and overrides,
# isolates.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 controls except tab and newline (\r rewrites a line; \x1b starts escape sequences, OSC 8 links, title
# changes), DEL, C1 controls (\x9b is a one-byte CSI, \x9d a one-byte OSC), bidi controls, and the Unicode line
# and paragraph separators some viewers break lines at.
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")
# On a terminal this program's own colours and progress bars stay: CR, SGR colours, cursor moves, erasing and
# showing/hiding the cursor (what rich writes). Everything else that acts on a terminal goes: OSC (links, titles,
# clipboard), DCS, device queries whose answers arrive as typed input, C1 controls, bidi controls.
_TTY_SEQUENCE = re.compile(f"(\x1b\\[[0-9;]{{0,32}}[mA-HK]|\x1b\\[\\?25[hl]|\r)"
                           f"|[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")
# Characters JSON and XML may carry raw inside strings that a terminal or a viewer would act on.
_ESCAPABLE = re.compile(f"[\x7f-\x9f{BIDI}\u2028\u2029]")
# XML 1.0 has no C0 control but tab, LF and CR, no surrogate and not U+FFFE/U+FFFF, even as a reference.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPABLE = re.compile("[\r\x7f-\x9f\u2028\u2029]")
_BIDI_CONTROL = re.compile(f"[{BIDI}]")
# GitHub's runner trims a line (any Unicode white space) and runs it as a command if it starts with "::" or, in
# the old syntax, "##["; lines end at \n or \r. Azure Pipelines finds "##vso[" anywhere in a line. Colour codes
# before the command count as nothing, for a log viewer that strips them first; so does a byte-order mark (older
# .NET trimmed it as white space).
_WORKFLOW_COMMAND = re.compile(r"(?:\A|(?<=[\n\r]))((?:[^\S\n\r]|\ufeff|\x1b\[[0-9;]{0,32}m)*)(::|##\[)")
_AZURE_COMMAND = re.compile(r"(?i)##(vso\[)")
# Shown before a neutralised command: visible, not white space, so the trimmed line no longer starts with "::".
COMMAND_MARK = "\u00b7"
# Markdown punctuation that could make something of untrusted text: every link, image and footnote needs a "]",
# HTML and autolinks a "<", entities a "&", code a backtick, table cells a "|", emphasis "*", "_" or "~", math
# "$". Each is backslash-escaped; "_" only where it can emphasise (not inside a word such as DATA_CARD.md).
_MARKDOWN_PUNCT = re.compile(r"([\\`*\]~|<>&$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def terminal_text(text: object) -> str:
    """`text` with control characters, escape sequences and bidi controls shown as U+FFFD (tab, newline kept)."""
    return _TERMINAL_UNSAFE.sub(REPLACEMENT, str(text))


def _defuse(text: str, workflow: str | Callable[[re.Match[str]], str], azure: str) -> str:
    # Every workflow command holds "::" or "##[", and every Azure one "##": a text without them (a usual report)
    # skips the workflow pattern, which is tried at every position (3 ms of a 70 KB JSON report).
    if "::" in text or "##[" in text:
        text = _WORKFLOW_COMMAND.sub(workflow, text)
    return _AZURE_COMMAND.sub(azure, text) if "##" in text else text


def inert_commands(text: str) -> str:
    """`text` with every line a CI runner would run as a workflow command defused by a visible mark."""
    return _defuse(text, rf"\1{COMMAND_MARK}\2", rf"##{COMMAND_MARK}\1")


def _xml_inert_commands(text: str) -> str:
    """As `inert_commands`, but with the first character as a character reference: an XML or HTML reader gets the
    text unchanged, while a CI log showing the file sees no command."""
    return _defuse(text, lambda m: f"{m.group(1)}&#{ord(m.group(2)[0])};{m.group(2)[1:]}", r"#&#35;\1")


def inert_terminal(text: str, *, tty: bool = False) -> str:
    """Final pass over text bound for a terminal or a CI log; `tty` keeps ESC and CR for our own colours."""
    if tty:
        return inert_commands(_TTY_SEQUENCE.sub(lambda m: m.group(1) or REPLACEMENT, text))
    return inert_commands(_TERMINAL_UNSAFE.sub(REPLACEMENT, text))


def inert_json(text: str) -> str:
    """JSON text with DEL, C1, bidi and line separators written as \\u escapes (same data, inert when shown).

    Outside strings JSON has only ASCII, so every such character is inside a string, where an escape is valid.
    """
    return inert_commands(_ESCAPABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def inert_shown_json(text: str) -> str:
    """As `inert_json`, for JSON whose strings a viewer shows to people (SARIF alerts, badges): bidi controls are
    replaced by U+FFFD, since an escaped one is still applied when the string is displayed."""
    return inert_json(_BIDI_CONTROL.sub(REPLACEMENT, text))


def inert_xml(text: str) -> str:
    """XML or HTML text with DEL, C1, CR and line separators as character references (same data), bidi controls as
    U+FFFD, and a workflow command at a line start broken by a character reference.

    XML and HTML files are read in browsers and CI pages, which apply a bidi control given as a reference just as
    a raw one, reordering the text around it. Other C0 controls cannot be written in XML 1.0 at all, not even as
    references: they become U+FFFD too.
    """
    text = _XML_FORBIDDEN.sub(REPLACEMENT, _BIDI_CONTROL.sub(REPLACEMENT, text))
    text = _XML_ESCAPABLE.sub(lambda m: f"&#x{ord(m.group()):x};", text)
    return _outside_raw_text(text, _xml_inert_commands)


def _outside_raw_text(text: str, transform: Callable[[str], str]) -> str:
    """`transform` applied to the HTML outside <style> and <script> blocks, whose text is code (a style sheet line
    such as "::selection {...}" is not a workflow command and must stay as written). Untrusted values are escaped,
    so only the template opens such a block; the search is linear."""
    lower = text.lower()
    out: list[str] = []
    pos = 0
    found = {"<style": -1, "<script": -1}  # next occurrence of each, searched again only once passed
    while True:
        for tag, at in found.items():
            if at != len(text) and at < pos:
                at = lower.find(tag, pos)
                found[tag] = len(text) if at < 0 else at
        start = min(found.values())
        if start >= len(text):
            out.append(transform(text[pos:]))
            return "".join(out)
        closing = "</style>" if found["<style"] == start else "</script>"
        end = lower.find(closing, start)
        end = len(text) if end < 0 else end + len(closing)
        out.append(transform(text[pos:start]))
        out.append(text[start:end])
        pos = end


def markdown_text(text: object) -> str:
    """Untrusted text as one line of inline Markdown that renders literally.

    Markdown punctuation is backslash-escaped, so no link, image, HTML, entity, emphasis or table cell break can
    form; a word GitHub would autolink or turn into a mention or issue link (a URL, www., an address, @user,
    #12) is put in a code span, where nothing is linked.
    """
    words = terminal_text(text).split()
    out = []
    for word in words:
        # "#12" and "org/repo#12" become issue links on GitHub
        if "@" in word or "#" in word or "://" in word or "www." in word.lower():
            out.append(markdown_code(word))
        else:
            out.append(_MARKDOWN_PUNCT.sub(r"\\\1", word))
    return " ".join(out)


def markdown_code(text: object) -> str:
    """Untrusted text as a one-line Markdown code span: nothing inside is parsed, linked or mentioned."""
    s = " ".join(terminal_text(text).split())
    if not s:
        return " "
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or longest else ""
    # A pipe ends a table cell even inside a code span; GitHub shows "\|" there as "|".
    return f"{fence}{pad}{s.replace('|', chr(92) + '|')}{pad}{fence}"


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value


MAX_MESSAGE = 2000  # characters of one message line (an error, a validation message) before its middle is cut


def bounded_message(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text`, or its head and tail with the middle cut when it is longer than `limit`.

    A message may quote attacker text (a 500 KB rule list in a schema error, a 5,000-character pack name). Cuts fall
    on spaces, and a word cut in two is dropped whole: a token has no spaces, so no part of one is ever shown
    without the whole of it, which the redactor would have seen.
    """
    if len(text) <= limit:
        return text
    head, tail = text[:limit * 2 // 3], text[-(limit // 4):]
    head = head[:head.rfind(" ")] if " " in head else ""
    tail = tail[tail.find(" ") + 1:] if " " in tail else ""
    return f"{head} [... {len(text) - len(head) - len(tail):,} characters cut ...] {tail}".strip()


_SURROGATES = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD: no UTF-8 writer can encode one (UnicodeEncodeError), and one can
    arrive from any text decoded with `surrogateescape` or a JSON `\\udXXX` escape that slipped past the readers."""
    return _SURROGATES.sub(REPLACEMENT, text)
