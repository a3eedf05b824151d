"""Sentences of a card: the stated ones (negated ones left out), read by the footprint and approach detectors, and
the sentence and clause breaks the base-model, dataset and licence-scope readers share."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opencheck.evidence import ModelCard

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z*])")
_NEGATION = re.compile(r"\b(no|not|never|without)\b|n't\b", re.IGNORECASE)
# A sentence's end, for the words of one sentence before a point of interest (`sentence_before`).
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# Sentence and clause breaks before a capital, a bold mark or a link: "... under MIT; The weights ...".
CLAUSE_BREAK = re.compile(r"(?<=[.;!?])\s+(?=[A-Z*\[])")
TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")  # a Markdown table row; group 1 holds its cells


def sentence_before(text: str) -> str:
    """The words of the sentence that `text` (what precedes a point of interest on its line) ends in."""
    return _SENTENCE_END.split(text)[-1]


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
