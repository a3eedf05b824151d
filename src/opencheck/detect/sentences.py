"""The sentences a card states (negated ones left out), read by the footprint and approach detectors."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opencheck.evidence import ModelCard

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
