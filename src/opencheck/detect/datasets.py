"""Datasets a model names (card `datasets`, dataset links, Hub `dataset:` tags, well-known corpora named in its
prose about training data) and the ones it is evaluated on."""

from __future__ import annotations

import re
from typing import Any

from opencheck.detect.benchmarks import SECTION_EVAL
from opencheck.detect.results_names import RESULTS_NAME
from opencheck.detect.sentences import sentence_before
from opencheck.detect.training_corpora import Corpus, prose_corpora
from opencheck.detect.unique import add_unique
from opencheck.evidence import Evidence, Link, ModelCard, Provenance
from opencheck.sources.card import section_at

_DATASET_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+(?:/[\w.-]+)?)", re.IGNORECASE)
_TRAINING_TITLE = re.compile(r"train|fine-?tun|data\s*mix|corpus|pre-?train", re.IGNORECASE)
# Sections about using the model: a dataset linked there is a prompt set or an example input (StarCoder's "Tech
# Assistant prompt"), not what the model was trained on.
_USE_TITLE = re.compile(r"\b(?:uses?|usage|how\s+to\s+use|quick\s*start|getting\s+started|inference|"
                        r"prompt(?:ing|s)?)\b", re.IGNORECASE)


# Calibration data of a quantisation (llama.cpp's importance matrix, GPTQ's or AWQ's calibration samples) sets the
# rounding of existing weights: it trains nothing. A dataset named so, or linked in a sentence or section about it.
_CALIBRATION = re.compile(r"calibrat\w*|\bimatrix\b|\bimportance[\s-]+matrix\b", re.IGNORECASE)
_QUANTISATION_TITLE = re.compile(r"quanti[sz]|calibrat", re.IGNORECASE)


def _calibration_data(card: ModelCard, link: Link, dataset_id: str, lines: list[str]) -> bool:
    """Whether a dataset link names a quantisation's calibration data rather than training data."""
    if _CALIBRATION.search(dataset_id):
        return True
    number = link.provenance.line or 0
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    at = text.find(link.url)
    # Only the sentence before the link, within a window that bounds the work on a line of thousands of links.
    before = text[max(0, at - 300):at] if at >= 0 else text[:300]
    if _CALIBRATION.search(sentence_before(before)):
        return True
    section = section_at(card, number)
    return bool(section and _QUANTISATION_TITLE.search(section.title) and not _TRAINING_TITLE.search(section.title))


def _not_training_data(card: ModelCard | None, link: Link, dataset_id: str, lines: list[str]) -> bool:
    """A dataset link that names results (bigscience/evaluation-results), sits in an evaluation or usage section, or
    names a quantisation's calibration data: it is what the model was scored on, used with or rounded with, not what
    it was trained on."""
    if RESULTS_NAME.search(dataset_id):
        return True
    if card is None or link.provenance.file != card.path or not link.provenance.line:
        return False
    if _calibration_data(card, link, dataset_id, lines):
        return True
    section = section_at(card, link.provenance.line)
    return bool(section and (SECTION_EVAL.search(section.title) or _USE_TITLE.search(section.title))
                and not _TRAINING_TITLE.search(section.title))


def named_datasets(evidence: Evidence) -> list[tuple[str, Provenance]]:
    """(dataset id or name, where) for each training dataset the card, its links or the Hub's tags name, then each
    well-known corpus its prose about training data names."""
    found = _declared_datasets(evidence, evidence.links)
    return found + _prose_datasets(evidence.card, [name for name, _ in found])


def prose_lookup_ids(evidence: Evidence) -> list[str]:
    """The Hub ids of the corpora only the card's prose names, for the datasets look-up (which reads the `datasets`
    key and tags itself); run on the raw evidence, before detection, so the card's links are extracted here."""
    from opencheck.detect.links import extract_links

    links = extract_links(evidence.card) if evidence.card is not None else []
    declared = [name for name, _ in _declared_datasets(evidence, links)]
    return [name for name, _ in _prose_datasets(evidence.card, declared)]


def _declared_datasets(evidence: Evidence, links: list[Link]) -> list[tuple[str, Provenance]]:
    """What the card's `datasets` key, its dataset links and the Hub's `dataset:` tags name."""
    found: list[tuple[str, Provenance]] = []
    card = evidence.card
    if card is not None:
        value = card.metadata.get("datasets")
        items = value if isinstance(value, list) else [value] if value else []
        for item in items:
            if isinstance(item, str) and item.strip():
                found.append((item.strip(), card.key_provenance("datasets")))
    lines = card.text.splitlines() if card is not None else []
    for link in links:
        match = _DATASET_URL.match(link.url)
        if link.kind == "dataset" and match and not _not_training_data(card, link, match.group(1), lines):
            found.append((match.group(1), link.provenance))
    tags = evidence.hub.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, str) and tag.startswith("dataset:"):
            found.append((tag.split(":", 1)[1], Provenance(key="tags", note="Hub dataset tag")))
    return found


def _prose_datasets(card: ModelCard | None, declared: list[str]) -> list[tuple[str, Provenance]]:
    """The corpora the prose names that no declared dataset already stands for. The `datasets` key and the prose are
    read together (a key often lists only the fine-tuning sets, the prose the pre-training ones); when the card
    declares datasets, a data-mix table lists their parts (Amber's C4 share of AmberDatasets), so only its sentences
    count."""
    return [(corpus.dataset, where) for corpus, where in prose_corpora(card, tables=not declared)
            if not any(_stands_for(name, corpus) for name in declared)]


def _stands_for(name: str, corpus: Corpus) -> bool:
    """Whether a declared dataset id or legacy name is this corpus or a version of it (`the_pile` is EleutherAI/pile,
    `bigcode/the-stack-dedup` is The Stack)."""
    base, own = name.rsplit("/", 1)[-1].lower(), corpus.dataset.rsplit("/", 1)[-1].lower()
    return base == own or base.startswith(own + "-") or bool(corpus.pattern.fullmatch(base))


def model_index_results(model_index: Any) -> list[dict[str, Any]]:
    """The well-formed result entries of a card's (or the Hub's) `model-index`, whatever shape it arrives in."""
    results: list[dict[str, Any]] = []
    if isinstance(model_index, list):
        for model in model_index:
            if isinstance(model, dict) and isinstance(model.get("results"), list):
                results.extend(r for r in model["results"] if isinstance(r, dict))
    return results


def evaluation_datasets(evidence: Evidence) -> list[str]:
    """The datasets a model's evaluation results name (card or Hub `model-index`, the Hub's eval results)."""
    names: list[str] = []
    metadata = evidence.card.metadata if evidence.card else {}
    results = model_index_results(metadata.get("model-index")) or model_index_results(
        evidence.hub.get("model_index") or evidence.hub.get("model-index"))
    for result in results:
        dataset = result.get("dataset")
        if isinstance(dataset, dict):
            name = dataset.get("type") or dataset.get("name")
            if isinstance(name, str) and name not in names:
                names.append(name)
    hub_eval = evidence.hub.get("eval_results")
    if isinstance(hub_eval, list):
        for item in hub_eval:
            dataset = item.get("dataset") if isinstance(item, dict) else getattr(item, "dataset_type", None)
            name = dataset.get("id") if isinstance(dataset, dict) else dataset
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def detect_datasets(evidence: Evidence) -> None:
    """Add the named training datasets to `evidence.datasets`, each once (case-insensitively)."""
    add_unique(evidence.datasets, named_datasets(evidence), lambda item: item[0].lower())
