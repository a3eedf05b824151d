"""Whose paper a card's paper link is: the model's own, or related work it builds on.

A curator takes a paper as the model's research paper when the card cites it (BibTeX / Citation), names it as its
paper ("- **Paper:** ...", "Link to paper:", "Research Paper", "our paper", "the accompanying paper", or "the
paper" / "this report" in a sentence about no technique it uses; not "its paper", which may be a technique's), puts
it in its
metadata (an `arxiv:` tag of its front matter), or when the paper's title
names the model (not for a model made from a base model, whose names echo the base's). A paper linked in a sentence
about a technique the model uses (Multi-Query Attention, FlashAttention, GPTQ, LoRA, the Gemini report for Gemma) or
a benchmark it is scored on is related work.
"""

from __future__ import annotations

import re

from opencheck.detect.papers import arxiv_id, cited_ids
from opencheck.evidence import Evidence, Link

_MAX_LINE = 4_000  # characters of a card line read: bounds the work per line
_MD_LINK = re.compile(r"!?\[([^\[\]]{0,300})\]\([^()\s]{0,2000}\)")
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")
_LEAD = re.compile(r"^[\s>*_#|•-]*(?:\d{1,3}[.)]\s*)?[\s*_`]*")
# A line that labels what follows as the model's paper: "- **Paper:** [...]", "Link to paper: [here]", "**Research
# Paper** [...]", a badge "Paper Link".
_LABEL = re.compile(r"(?:(?:research|technical|tech)\s+)?(?:paper|report|preprint|publication)"
                    r"(?:\s+link\b|[*_`]{0,3}\s*(?:[:\-\u2013\u2014(\[\"\u201c]|$))"
                    r"|link\s+to\s+(?:the\s+|our\s+)?(?:paper|report|preprint)\b", re.IGNORECASE)
# A sentence that calls the paper the model's own.
_OWN = re.compile(r"\b(?:our|accompanying|this\s+model'?s|the\s+model'?s)\s+(?:[\w-]+\s+){0,2}?"
                  r"(?:paper|(?:technical\s+|tech\s+)?report|preprint|publication)\b", re.IGNORECASE)
# A sentence that points to "the paper" / "this report" without saying whose: in a card, the model's own, unless the
# sentence is about something the model uses or follows (the related-work cues below).
_GENERIC = re.compile(r"\b(?:the|this)\s+(?:full\s+)?(?:paper|(?:technical\s+|tech\s+)?report|preprint|article)\b"
                      r"(?!\s+(?:on|about|of|by|that|which|introducing|describing|proposing)\b)", re.IGNORECASE)
_RELATED_CUE = re.compile(r"\bet\s+al\b|\b(?:us(?:e|es|ed|ing)|based\s+on|follow\w*|propos\w*|introduc\w*|inspired"
                          r"|adopt\w*|appl(?:y|ies|ied)|leverag\w*|similar|borrow\w*|implement\w*|modif\w*|than)\b",
                          re.IGNORECASE)
_RELATED_TITLE = re.compile(r"\b(?:related|acknowledg\w*|references?|credits?)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[*(])")
# Name tokens that end a model's family name: sizes, versions, variants ("SmolLM2-135M" is SmolLM2).
_NOT_NAME = re.compile(r"^(?:\d[\d.]*[a-z]?|v\d[\w.]*|\d+x\d+[bm]|instruct|chat|base|hf|it|sft|dpo|rlhf|gguf|awq|gptq"
                       r"|fp\d+|int\d+|bf16|quantized|w\d+a\d+|model|models|card|preview|[\d.]+k)$", re.IGNORECASE)


def _plain(text: str) -> str:
    """Text without Markdown link targets and HTML tags: `[paper](url)` reads "paper"."""
    return _HTML_TAG.sub(" ", _MD_LINK.sub(lambda m: m.group(1), text[:_MAX_LINE]))


def _sentence(line: str, url: str) -> str:
    """The sentence of a line that holds the URL (the whole line when none does)."""
    return next((s for s in _SENTENCE_BREAK.split(line[:_MAX_LINE]) if url in s), line)


def _names(evidence: Evidence) -> list[str]:
    """The model's family names (lower case, words spaced): of its repository and of the card's first heading."""
    found: list[str] = []
    raw = [evidence.target.id.replace("\\", "/").rsplit("/", 1)[-1].rsplit("--", 1)[-1]]
    card = evidence.card
    if card is not None and card.sections and card.sections[0].level == 1:
        raw.append(card.sections[0].title)
    for name in raw:
        words: list[str] = []
        for token in re.split(r"[\s_-]+", name.strip()[:200]):
            if not token or _NOT_NAME.match(token):
                break
            words.append(token.lower())
        stem = " ".join(words)
        if len(stem) >= 3 and stem not in found:
            found.append(stem)
    return found


def _title_names_model(title: str, names: list[str]) -> bool:
    """Whether a paper title names the model as a whole word ("StarCoder: May the source be with you!")."""
    text = " " + re.sub(r"[\s_-]+", " ", title[:500].lower()) + " "
    for name in names:
        start = text.find(name)
        while start != -1:
            if not text[start - 1].isalnum() and not text[start + len(name)].isalnum():
                return True
            start = text.find(name, start + 1)
    return False


def _derived(evidence: Evidence) -> bool:
    """Whether the model is made from a base model (its names then echo the base's)."""
    from opencheck.detect.base_model import base_model_ids, base_model_source

    return bool(base_model_ids(base_model_source(evidence)))


def _key(link: Link) -> str:
    return arxiv_id(link.url) or link.url.rstrip("/").lower()


def _own_link(evidence: Evidence, link: Link, lines: list[str], names: list[str]) -> bool:
    """Whether one paper link is the model's own by where and how the card gives it."""
    card = evidence.card
    line = link.provenance.line
    if card is None or link.provenance.file != card.path or not line or line > len(lines):
        return False
    if line < card.body_start_line:
        return True  # an `arxiv:` tag of the front matter: the publisher's own metadata
    from opencheck.sources.card import section_at

    text = lines[line - 1]
    section = section_at(card, line)
    if not (section and _RELATED_TITLE.search(section.title)) and _LABEL.match(_LEAD.sub("", _plain(text))):
        return True
    sentence = _plain(_sentence(text, link.url))
    if _OWN.search(sentence) or (_GENERIC.search(sentence) and not _RELATED_CUE.search(sentence)):
        return True
    return bool(names) and _title_names_model(link.text, names)


def own_paper_keys(evidence: Evidence, links: list[Link]) -> set[str]:
    """The papers (arXiv id, else URL) among `links` that are the model's own; the others are related work."""
    card = evidence.card
    lines = card.text.splitlines() if card is not None else []
    names = [] if _derived(evidence) else _names(evidence)
    own = set(cited_ids(evidence))
    titles = evidence.hub.get("arxiv")
    in_text = {_key(link) for link in links if card is not None and link.provenance.file == card.path}
    for link in links:
        key = _key(link)
        if key in own:
            continue
        payload = titles.get(key) if isinstance(titles, dict) else None
        looked_up = str(payload.get("title") or "") if isinstance(payload, dict) else ""
        title_names = bool(names and looked_up and _title_names_model(looked_up, names))
        if link.provenance.key == "tags" and not link.provenance.file:
            # The Hub derives arxiv tags from the card's text, so a tag the text links is judged there. A tag the
            # text does not show (an unreadable card, a mention no link marks) has no context: the title the arXiv
            # look-up read decides, and without one it counts.
            if key not in in_text and (title_names or not looked_up):
                own.add(key)
            continue
        if title_names or _own_link(evidence, link, lines, names):
            own.add(key)
    return own


def split_papers(evidence: Evidence, links: list[Link]) -> tuple[list[Link], list[Link]]:
    """(the model's own paper links, related-work links), each in card order."""
    own = own_paper_keys(evidence, links)
    return [link for link in links if _key(link) in own], [link for link in links if _key(link) not in own]

