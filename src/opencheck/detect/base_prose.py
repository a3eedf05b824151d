"""Base models a card names in prose, without a Hub id: "Base model: Llama 2", "a fine-tuned version of Llama 2".

A community fine-tune often names its base only in words (in any language: "**Modelo Base:** Llama 2",
"desenvolvido a partir do modelo Llama 2"). A family of `rules/licenses/base_models.yaml` with `names` (the words
its models are called by) counts as the base model when its name follows a base-model label on a list line, or
follows, within a few words in the same sentence, words that say the model was made from it ("fine-tuned version of",
"based on", "a partir do"). A name used as an adjective ("outperforms fine-tuned Llama 2 models"), compared with
("better than Llama 2"), named in a sentence about other models ("unlike models based on Llama 2") or about a model
trained from scratch, or named for its design ("based on the Llama 2 architecture") is not a base model.
A card shared by a family that says which base each member was made from ("DeepSeek-R1-Distill-Llama-8B is derived
from Llama3.1-8B-Base", "DeepSeek-R1-Distill-Llama-70B is derived from Llama3.3-70B-Instruct") names a base only for
the member it names: the one this model's id names, none for the others (`names_another_model`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencheck.detect.base_families import base_families
from opencheck.detect.sentences import sentence_before
from opencheck.evidence import Evidence, Provenance
from opencheck.sources.card import fenced_lines

# A list or bold label naming the base model (English, Portuguese, Spanish, French, German, the Hub template's
# "Finetuned from model [optional]").
# Each run of spaces belongs to one token, so that no two runs compete for the same spaces (a line of 20,000 spaces
# took 10 s when they did).
_LABEL = re.compile(r"^\s*(?:[-*+]\s*)?(?:(?:\*\*|__)\s*)?(?:base[\s_-]*model|modelo[\s-]+(?:de\s+)?base|"
                    r"mod[eè]le\s+de\s+base|basismodell|fine-?tuned\s+from(?:\s+model)?)(?:\s*\[optional\])?"
                    r"(?:\s*(?:\*\*|__))?\s*:", re.IGNORECASE)
# Words that say the model was made from what follows: a made-from verb with its preposition, or a phrase.
_CUE = re.compile(r"\b(?:fine[\s-]?tun\w*|finetun\w*|derived|built|distill\w*|quanti[sz]\w*|initiali[sz]ed|"
                  r"adapter|continued\s+pre-?train\w*)(?:\s+[\w-]+){0,2}?\s+(?:from|of|upon)\b|"
                  r"\bbased\s+on\b|\ba\s+partir\s+d[oae]s?\b|\bbasad[oa]\s+en\b|\bbaseado\s+n[oa]\b|"
                  r"\bbas[ée]e?\s+sur\b", re.IGNORECASE)
_COMPARED = re.compile(r"[,;:()]|\b(?:than|compared|versus|vs|like|unlike|outperform\w*)\b", re.IGNORECASE)
# Before the cue: the sentence is about other models ("unlike models based on Llama 2", "like other fine-tunes of
# Gemma") or says this one was not made from another ("trained from scratch").
_OTHERS = re.compile(r"\b(?:than|compared|versus|vs|like|unlike|outperform\w*|rather|instead|other)\b"
                     r"|\bfrom\s+scratch\b", re.IGNORECASE)
_DESIGN = re.compile(r"^\W*(?:[\w.-]+\s+){0,2}?(?:architecture|tokeni[sz]er|design|style|format|template|recipe)\b",
                     re.IGNORECASE)
# A versioned model name as a sentence's subject: a word joining letters and digits with hyphens ("Qwen2.5-7B").
_WORD = re.compile(r"[\w.-]+")
_MAX_GAP_WORDS = 4  # "fine-tuning a partir do modelo Llama 2": at most this many words between the cue and the name
_WINDOW = 120  # characters before a name in which its cue is looked for: bounds the work on a long line


def about_other_models(head: str) -> bool:
    """Whether the words before a made-from cue put the sentence about other models, or a model trained from
    scratch ("unlike models fine-tuned from ...")."""
    return bool(_OTHERS.search(head))


def _subjects(head: str) -> frozenset[str]:
    """The versioned model names in the words before a made-from cue ("DeepSeek-R1-Distill-Llama-8B is ")."""
    words = (w.strip(".").lower() for w in _WORD.findall(head))
    return frozenset(w for w in words if "-" in w and w[:1].isalpha() and any(c.isdigit() for c in w))


@lru_cache(maxsize=4)
def _card_subjects(text: str, body_start: int) -> frozenset[str]:
    """Every versioned model name a made-from sentence of the card's body has as its subject."""
    lines = text.splitlines()
    fenced = fenced_lines(lines)
    found: set[str] = set()
    for index, line in enumerate(lines):
        if index + 1 < body_start or index + 1 in fenced:
            continue
        for cue in _CUE.finditer(line):
            found |= _subjects(sentence_before(line[max(0, cue.start() - _WINDOW):cue.start()]))
    return frozenset(found)


def names_another_model(head: str, evidence: Evidence) -> bool:
    """Whether the subject before a made-from cue is another member of a family whose shared card names each
    member's base ("DeepSeek-R1-Distill-Llama-70B is derived from ..." read for DeepSeek-R1-Distill-Qwen-7B)."""
    subjects = _subjects(head)
    card = evidence.card
    if not subjects or card is None:
        return False
    # The model's own name: the last part of its Hub id, or of a local folder named like "owner--name".
    own = evidence.target.id.rstrip("/").split("/")[-1].split("--")[-1].lower()
    # A card naming one subject only is about this model, whatever its folder is called.
    return own not in subjects and len(_card_subjects(card.text, card.body_start_line)) >= 2


def _made_from(before: str, after: str) -> bool:
    """Whether the words before a name say the model was made from it (and those after do not make it a design)."""
    cues = list(_CUE.finditer(before[-_WINDOW:]))
    if not cues:
        return False
    window = before[-_WINDOW:]
    gap = window[cues[-1].end():]
    if about_other_models(window[:cues[-1].start()]):
        return False
    return len(gap.split()) <= _MAX_GAP_WORDS and not _COMPARED.search(gap) and not _DESIGN.match(after)


def prose_bases(evidence: Evidence) -> list[tuple[str, str, Provenance]]:
    """(the name as written, its family's licence, where) for each base model the card names only in prose."""
    card = evidence.card
    families = [(f.key, f.names, f.licence) for f in base_families() if f.names is not None]
    if card is None or not families:
        return []
    lines = card.text.splitlines()
    fenced = fenced_lines(lines)
    found: list[tuple[str, str, Provenance]] = []
    for index, line in enumerate(lines):
        if index + 1 < card.body_start_line or index + 1 in fenced:
            continue
        if line.lstrip().startswith("|"):
            # A table row names a base model only as a key and its value ("| Base model | Llama 2 |"); other rows
            # compare models.
            cells = line.strip().strip("|").split("|", 2)
            if len(cells) < 2 or not _LABEL.match(cells[0] + ":"):
                continue
            line = cells[0] + ": " + cells[1]
        label = _LABEL.match(line)
        for _family, pattern, licence in families:
            for match in pattern.finditer(line):
                # Windows around the name bound the work on a long line naming the family thousands of times.
                sentence = sentence_before(line[max(0, match.start() - _WINDOW):match.start()])
                labelled = label is not None and match.start() - label.end() <= _WINDOW and \
                    not _COMPARED.search(line[label.end():match.start()])
                made = not labelled and _made_from(sentence, line[match.end():match.end() + 80])
                if made and names_another_model(sentence, evidence):
                    continue  # a sibling's base in a family's shared card
                if labelled or made:
                    note = f"the card says the model was made from {match.group(0)}"
                    found.append((match.group(0), licence, Provenance(file=card.path, line=index + 1, note=note)))
                    break
    return found
