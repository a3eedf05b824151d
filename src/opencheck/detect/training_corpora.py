"""Well-known training corpora a card names only in prose ("trained on FineWeb-Edu, DCLM and The Stack"), read where
a curator would read them: a sentence about the training data, or a section about it. Never in a comparison ("unlike
models trained on The Pile"), a negated sentence, an evaluation, usage or citation section, code or BibTeX.
Each name maps to its Hub dataset and the licence that dataset's card states (rules/licenses/training_datasets.yaml).
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencheck.detect.name_patterns import NamedDataset, load_named_datasets
from opencheck.detect.sentences import CLAUSE_BREAK, TABLE_ROW
from opencheck.evidence import LicenceStatement, ModelCard, Provenance, Section
from opencheck.sources.card import fenced_lines

FROM_TABLE = "opencheck's training corpus table"  # in a statement's note: the table's licence, not a look-up's
_MAX_LINE = 4_000  # characters of a card line read: bounds the work per line
# A sentence that says what the model was trained on (each alternative a fixed phrase: linear on any line).
_TRAINING_CUE = re.compile(
    r"\b(?:(?:pre-?|re-?|continued\s+)?train(?:ed|ing)\s+(?:on|with|using|from)\b|fine-?tuned\s+(?:on|with|using)\b"
    r"|(?:pre-?)?training\s+(?:data(?:sets?)?|corpus|corpora|mix(?:ture)?|set|tokens)\b"
    r"|data\s*(?:set\s+)?mix(?:ture)?\b|dataset\s+(?:combination|mixture|mix)\b|trained\s+for\s+[\d.,]+)",
    re.IGNORECASE)
# A sentence that compares with other models or data, says what was not used, or speaks of held-out or test data
# ("decontaminated against The Pile's test set"): not this model's training data.
_COMPARISON = re.compile(
    r"\b(?:unlike|compar\w*|in\s+contrast|versus|vs\.?|outperform\w*|better\s+than|worse\s+than|rather\s+than"
    r"|instead\s+of|other\s+models|previous\s+models|similar\s+to|such\s+as\s+models|no|not|never|without"
    r"|decontaminat\w*|test\s+sets?|validation\s+sets?|held[\s-]?out)\b"
    r"|n't\b", re.IGNORECASE)
# Sections whose every sentence is about the training data.
_DATA_TITLE = re.compile(r"\b(?:training[\s-]+data\w*|pre-?training[\s-]+data\w*|data(?:sets?)?|data\s*mix\w*"
                         r"|data\s+sources?|corpus|corpora)\b", re.IGNORECASE)
_TRAINING_TITLE = re.compile(r"train|fine-?tun|corpus|corpora", re.IGNORECASE)
# Sections that never name training data: evaluations, usage, citations, limitations, comparisons.
_ELSEWHERE_TITLE = re.compile(
    r"\b(?:evaluations?|results?|benchmarks?|performance|metrics|uses?|usage|how\s+to\s+use|quick\s*start"
    r"|getting\s+started|inference|prompt(?:ing|s)?|citations?|cite|bibtex|references?|acknowledge?ments?"
    r"|limitations?|bias(?:es)?|comparisons?|related\s+work)\b", re.IGNORECASE)


Corpus = NamedDataset  # one known training corpus (rules/licenses/training_datasets.yaml)


@lru_cache(maxsize=1)
def known_corpora() -> tuple[Corpus, ...]:
    """The packaged training-corpus table, in table order (an earlier entry wins a name it shares with a later
    one)."""
    return load_named_datasets("training_datasets.yaml", "corpora", "the training corpus table")


def by_dataset(dataset_id: str) -> Corpus | None:
    """The known corpus held by a Hub dataset id (case-insensitive)."""
    return next((c for c in known_corpora() if c.dataset.lower() == dataset_id.lower()), None)


def _section_chains(card: ModelCard) -> list[tuple[int, tuple[str, ...]]]:
    """(first line, titles from the outermost heading to the innermost) of each section, in line order."""
    chains: list[tuple[int, tuple[str, ...]]] = []
    stack: list[Section] = []
    for section in sorted(card.sections, key=lambda s: s.line):
        while stack and stack[-1].level >= section.level:
            stack.pop()
        stack.append(section)
        chains.append((section.line, tuple(s.title for s in stack)))
    return chains


def _kind(titles: tuple[str, ...]) -> str:
    """'data' for a section about the training data, 'skip' for one that never names it, '' otherwise."""
    inner = titles[-1] if titles else ""
    if _DATA_TITLE.search(inner) and not _ELSEWHERE_TITLE.search(inner):
        return "data"
    if any(_ELSEWHERE_TITLE.search(t) and not _TRAINING_TITLE.search(t) for t in titles):
        return "skip"
    return ""


def _prose_lines(card: ModelCard) -> list[tuple[int, str, str]]:
    """(line, text, section kind) for each body line that is prose: not code, BibTeX or a heading."""
    from opencheck.detect.hyperparameters import without_citations

    chains = _section_chains(card)
    lines = without_citations(card.text).splitlines()
    first = max(card.body_start_line, 1)
    fenced = fenced_lines(lines, first - 1)  # the card parser's own fence rules
    found: list[tuple[int, str, str]] = []
    chain_at, kind = 0, ""
    for number in range(first, len(lines) + 1):
        while chain_at < len(chains) and chains[chain_at][0] <= number:
            kind = _kind(chains[chain_at][1])
            chain_at += 1
        line = lines[number - 1]
        if number in fenced or kind == "skip" or not line.strip() or line.lstrip().startswith("#"):
            continue
        found.append((number, line[:_MAX_LINE], kind))
    return found


def prose_corpora(card: ModelCard | None, *, tables: bool = True) -> list[tuple[Corpus, Provenance]]:
    """Each known corpus the card names in a sentence or section about its training data, once, with its line
    (table rows only with `tables`)."""
    if card is None:
        return []
    found: dict[str, tuple[Corpus, Provenance]] = {}
    corpora = known_corpora()
    for number, line, kind in _prose_lines(card):
        if not tables and TABLE_ROW.match(line):
            continue
        for sentence in CLAUSE_BREAK.split(line):
            if _COMPARISON.search(sentence) or (kind != "data" and not _TRAINING_CUE.search(sentence)):
                continue
            matches: list[tuple[int, Corpus, str]] = []
            for corpus in corpora:
                match = corpus.pattern.search(sentence)
                if match:
                    matches.append((match.start(), corpus, match.group(0)))
                    # A shared word counts once ("The Stack v2" is not also The Stack); blanks keep the positions.
                    sentence = corpus.pattern.sub(lambda m: " " * len(m.group(0)), sentence)
            for _, corpus, text in sorted(matches, key=lambda m: m[0]):  # in the order the sentence names them
                if corpus.key not in found:
                    found[corpus.key] = (corpus, Provenance(
                        file=card.path, line=number,
                        note=f"training data named in the card: '{text}' ({corpus.dataset})"))
    return list(found.values())


def table_licence(dataset_id: str) -> LicenceStatement | None:
    """The licence the corpus table records for a dataset id, as a statement that says where it was read."""
    corpus = by_dataset(dataset_id)
    if corpus is None or not corpus.licence:
        return None
    return LicenceStatement(raw=str(corpus.licence), scope="data", provenance=Provenance(
        url=f"https://huggingface.co/datasets/{corpus.dataset}", key="license",
        note=f"licence of {corpus.dataset}'s dataset card, as {FROM_TABLE} records it "
             f"(rules/licenses/training_datasets.yaml)"))
