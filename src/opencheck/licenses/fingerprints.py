"""Recognise licence texts (LICENSE / COPYING files, licence sections of cards) from fingerprint phrases.

The statistical half of `identify_text` (normalise.py), which falls back to a licence the text merely names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from opencheck._resources import load_packaged_mapping, rules_dir
from opencheck.once import computed_once

FINGERPRINT_FILE = "fingerprints.yaml"
THRESHOLD = 0.6  # below this mean phrase coverage a text is "unknown", never a guess
TIE_MARGIN = 0.02  # scores this close are a tie, won by the variant with more matched phrase text
MAX_TEXT_CHARS = 300_000  # licence texts are < 40 kB; the cap bounds work on huge inputs


@dataclass(frozen=True)
class TextMatch:
    """Which licence a text is, with a score in [0, 1]; licence_id None means unknown."""

    licence_id: str | None
    score: float
    name: str | None


@dataclass(frozen=True)
class _Phrase:
    """One fingerprint phrase as its word shingles (a docstring also spares dataclasses an inspect.signature)."""

    shingles: frozenset[tuple[str, ...]]
    size: int  # shingle length used for this phrase


@dataclass(frozen=True)
class _Variant:
    """One licence text variant: the phrases it is scored by, what it requires and what rules it out."""

    licence_id: str
    name: str
    phrases: tuple[_Phrase, ...]
    required: tuple[str, ...]  # token sequences that must appear verbatim (after normalising)
    absent: tuple[str, ...]  # token sequences that rule the variant out


@dataclass(frozen=True)
class Fingerprints:
    """All fingerprint variants, with the data version."""

    version: str
    variants: tuple[_Variant, ...]


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, ignoring punctuation, quotes and line wrapping."""
    text = unicodedata.normalize("NFKC", text).lower()
    # Re-join words hyphenated across a line break ("non-\nexclusive") before punctuation goes.
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.findall(r"[a-z0-9]+", text)


def _shingles(words: list[str], size: int) -> frozenset[tuple[str, ...]]:
    # zip of the shifted lists builds the same tuples as slicing at each position, in C.
    return frozenset(zip(*(words[i:] for i in range(size)), strict=False)) if size > 0 else frozenset({()})


def _phrase(words: list[str]) -> _Phrase:
    size = min(3, len(words)) or 1
    return _Phrase(_shingles(words, size), size)


def _sequence(words: list[str]) -> str:
    """Space-delimited token sequence, for verbatim (order-aware) containment tests."""
    return f" {' '.join(words)} "


def fingerprints_path() -> Path:
    """Where the fingerprint data lives."""
    return rules_dir() / "licenses" / FINGERPRINT_FILE


@computed_once
def load_fingerprints() -> Fingerprints:
    """Load the fingerprint data (once per process; safe loading only)."""
    raw = load_packaged_mapping(fingerprints_path(), "licences", "licence fingerprints")
    variants: list[_Variant] = []
    for lid, spec in raw["licences"].items():
        for var in spec.get("variants", ()):
            # Each phrase tokenised once; a phrase with no words counts nowhere.
            required = [w for w in map(tokens, var.get("required", ())) if w]
            variants.append(
                _Variant(
                    licence_id=str(var.get("id", lid)),
                    name=str(spec.get("name", lid)),
                    phrases=tuple(_phrase(w) for w in (*required, *map(tokens, var.get("phrases", ()))) if w),
                    required=tuple(_sequence(w) for w in required),
                    absent=tuple(_sequence(w) for w in map(tokens, var.get("absent", ())) if w),
                )
            )
    return Fingerprints(version=str(raw.get("version", "unversioned")), variants=tuple(variants))


def _coverage(phrase: _Phrase, text_shingles: dict[int, frozenset[tuple[str, ...]]]) -> float:
    if not phrase.shingles:
        return 0.0
    return len(phrase.shingles & text_shingles[phrase.size]) / len(phrase.shingles)


def _score(
    variant: _Variant, text_shingles: dict[int, frozenset[tuple[str, ...]]], joined: str
) -> tuple[float, float]:
    """(mean phrase coverage, matched shingle count) of one variant."""
    if any(seq in joined for seq in variant.absent) or not all(seq in joined for seq in variant.required):
        return 0.0, 0.0
    covers = [_coverage(p, text_shingles) for p in variant.phrases]
    if not covers:
        return 0.0, 0.0
    matched = sum(c * len(p.shingles) for c, p in zip(covers, variant.phrases, strict=True))
    return sum(covers) / len(covers), matched


def match_fingerprints(text: str) -> TextMatch:
    """The known licence whose fingerprint phrases a text covers best; unknown (with the best score) below THRESHOLD."""
    words = tokens(text[:MAX_TEXT_CHARS])
    if not words:
        return TextMatch(None, 0.0, None)
    text_shingles = {n: _shingles(words, n) for n in (1, 2, 3)}
    joined = f" {' '.join(words)} "
    scored = [(*_score(v, text_shingles, joined), v) for v in load_fingerprints().variants]
    best_score = max((s for s, _, _ in scored), default=0.0)
    if best_score >= THRESHOLD:
        contenders = [(m, s, v) for s, m, v in scored if s >= best_score - TIE_MARGIN]
        _, score, variant = max(contenders, key=lambda c: (c[0], c[1]))
        return TextMatch(variant.licence_id, round(score, 3), variant.name)
    return TextMatch(None, round(best_score, 3), None)
