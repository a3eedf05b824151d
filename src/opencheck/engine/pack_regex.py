"""Regular expressions from rule packs, run on RE2 (google-re2): matching time is linear in the text.

Python's `re` backtracks: a custom pack's `(a+)+$` or `(.*,)*x` takes exponential time on one hostile card
line. RE2 has no such case, at the price of the constructs that need backtracking (backreferences,
lookaround, atomic groups, possessive quantifiers, conditionals); a pattern using one is refused when the
pack is loaded and by `opencheck rules validate`, with the construct named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Protocol

# Predicates whose `patterns` argument holds regular expressions (file_present's are globs).
REGEX_PREDICATES = frozenset({"card_text_matches", "link_present"})

# RE2's parse error (its operator or escape) -> the construct, as a pack author knows it.
_UNSUPPORTED = (
    (re.compile(r"invalid escape sequence: \\[1-9]|invalid perl operator: \(\?P($|[=>])"), "a backreference"),
    (re.compile(r"invalid perl operator: \(\?[=!]"), "lookahead"),
    (re.compile(r"invalid perl operator: \(\?<[=!]"), "lookbehind"),
    (re.compile(r"invalid perl operator: \(\?>"), "an atomic group"),
    (re.compile(r"invalid perl operator: \(\?\("), "a conditional group"),
    (re.compile(r"bad repetition operator: [*+?}]\+"), "a possessive quantifier"),
    (re.compile(r"invalid repetition size"), "a repetition count above 1000"),
    (re.compile(r"pattern too large"), "more states than the linear-time engine allows"),
)


class PackPattern(Protocol):
    """What the predicates use of a compiled pattern."""

    def search(self, text: str) -> Any:
        """First match in `text`, or None."""


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own error lines on stderr
    return options


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str, *, multiline: bool = False) -> PackPattern:
    """A case-insensitive RE2 pattern (`^`/`$` at line ends when `multiline`); ValueError says what is wrong."""
    import re2

    try:
        compiled: PackPattern = re2.compile(("(?im)" if multiline else "(?i)") + pattern, _options())
    except re2.error as exc:
        raise ValueError(_describe(pattern, exc)) from None
    return compiled


def _describe(pattern: str, exc: Exception) -> str:
    detail = exc.args[0] if exc.args else ""
    message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    for shape, construct in _UNSUPPORTED:
        if shape.search(message):
            return f"pattern uses {construct}, which has no linear-time guarantee"
    try:
        re.compile(pattern)
    except re.error as python_error:
        return f"pattern is not a valid regular expression: {python_error}"
    except RecursionError:
        return "pattern is not a valid regular expression: nested too deeply"
    fragment = message.rpartition(": ")[2] or message
    return f"pattern uses `{fragment}`, which the linear-time engine (RE2) does not support"


def pattern_problem(pattern: str) -> str | None:
    """Why a pack pattern is refused, or None when RE2 runs it."""
    try:
        compile_pattern(pattern)
    except ValueError as exc:
        return str(exc)
    return None


def condition_patterns(condition: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, pattern) of every regular expression in a rule condition, paths as in the pack document."""
    stack = [(condition, path)]
    while stack:
        node, where = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in ("all", "any") and isinstance(value, list):
                stack.extend((child, (*where, key, i)) for i, child in enumerate(value))
            elif key == "not":
                stack.append((value, (*where, key)))
            elif key in REGEX_PREDICATES and isinstance(value, dict) and isinstance(value.get("patterns"), list):
                for i, pattern in enumerate(value["patterns"]):
                    if isinstance(pattern, str):
                        yield (*where, key, "patterns", i), pattern


def json_path(path: tuple[Any, ...]) -> str:
    """`$.rules[0].condition.any[1]...` for a document path."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
