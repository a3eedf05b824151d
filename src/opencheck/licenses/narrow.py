"""Parse one expression with a `Licensing` of only the symbols that can occur in it, not all ~2,500 SPDX symbols.

license-expression's advanced tokenizer splits a text on spaces and parentheses and matches known keys and aliases
as whole runs of those tokens (an Aho-Corasick automaton over every key and alias, lower-cased). A key or alias can
match only when every one of its tokens is among the text's tokens, so a `Licensing` built from just those symbols
(kept in the index's order, so a spelling two symbols share resolves as before) finds exactly the same matches, and
everything after the tokenizer (unknown-token symbols, WITH, the boolean parser, its errors) is license-expression's
own code. Building the full `Licensing` and its automaton costs ~35 ms of a check; this costs well under 1 ms per
text. Used only with the packaged symbols (licenses/symbols.py), which are checked to be the installed index's;
tests/licenses/test_narrow.py compares answers and errors with the full parser.
"""

from __future__ import annotations

import re
from typing import Any

from opencheck.once import computed_once

_LICENSING_CLASS_ATTRS = ("TRUE", "FALSE", "NOT", "AND", "OR", "Symbol")
_SPLITS = re.compile(r"[\s()]")  # where license-expression's tokenizer splits (its `_tokenizer`, re.UNICODE)


def _tokens(text: str) -> list[str]:
    """The lower-cased non-space tokens license-expression's advanced tokenizer sees (its own splitter)."""
    if not _SPLITS.search(text):
        return [text.lower()] if text else []  # one token: what get_tokens gives, without its regex split
    from license_expression._pyahocorasick import get_tokens

    return [t for t in get_tokens(text) if t.strip()]


@computed_once
def _by_first_token() -> dict[str, list[Any]] | None:
    """First token of each key or alias -> (entry index, all its tokens); None without the packaged symbols.

    Read from its compiled form (opencheck/data_cache.py) when the packaged symbols and this code are unchanged."""
    from pathlib import Path

    from opencheck.data_cache import compiled, file_digest
    from opencheck.licenses.symbols import packaged_entries, symbols_path

    entries = packaged_entries()
    if entries is None:
        return None
    source = symbols_path()
    try:
        key = f"{file_digest(source)}:{file_digest(Path(__file__))}"  # the packaged symbols and this code
    except OSError:
        return _first_tokens(entries)
    return compiled(source, "first-tokens", key, lambda: _first_tokens(entries))


def _first_tokens(entries: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """First token -> the entries with a spelling starting with it: the entry's number for a one-token spelling
    (most of them), [number, all its tokens] otherwise (lists: JSON holds them exactly)."""
    index: dict[str, list[Any]] = {}
    for number, entry in enumerate(entries):
        for spelling in (entry["key"], *(entry["aliases"] or ())):
            # license-expression adds aliases with their spaces normalised; an empty alias is skipped.
            tokens = _tokens(" ".join(str(spelling).split())) if spelling else []
            if tokens:
                index.setdefault(tokens[0], []).append(number if len(tokens) == 1 else [number, tokens])
    return index


@computed_once
def known_keys() -> frozenset[str] | None:
    """The keys license-expression's SPDX `Licensing` knows (its `known_symbols`), from the packaged symbols."""
    from opencheck.licenses.symbols import packaged_entries

    entries = packaged_entries()
    if entries is None:
        return None
    return frozenset(" ".join(str(entry["key"]).split()) for entry in entries)


def narrow_licensing(text: str) -> Any | None:
    """A `Licensing` holding every symbol whose key or alias may match in `text`; None: use the full one."""
    from opencheck.licenses.symbols import packaged_entries

    index = _by_first_token()
    entries = packaged_entries()
    if index is None or entries is None:
        return None
    present = set(_tokens(text))
    wanted = sorted({item if type(item) is int else item[0] for token in present for item in index.get(token, ())
                     if type(item) is int or all(need in present for need in item[1])})
    import license_expression

    # Licensing() rebinds these class attributes of LicenseWithExceptionSymbol to the new algebra: keep them as the
    # full Licensing (or nothing) left them, so a narrow parser never changes how the full one behaves.
    holder = license_expression.LicenseWithExceptionSymbol
    saved = {name: holder.__dict__[name] for name in _LICENSING_CLASS_ATTRS if name in holder.__dict__}
    try:
        return license_expression.load_licensing_from_license_index([entries[n] for n in wanted])
    finally:
        for name in _LICENSING_CLASS_ATTRS:
            if name in saved:
                setattr(holder, name, saved[name])
            elif name in holder.__dict__:
                delattr(holder, name)
