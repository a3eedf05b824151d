"""The documentation family: technical report, research paper, model card, data card and sample model outputs."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter

from opencheck.detect.components.base import (
    ComponentBuilder,
    basename,
    card_body,
    file_provenance,
    folders,
    good_sections,
    link_provenance,
    section_provenance,
)
from opencheck.detect.paper_roles import split_papers
from opencheck.detect.papers import arxiv_id, cited_ids, paper_licence, report_ids
from opencheck.evidence import Evidence, FileEntry, FileKind, LicenceStatement, Link, Provenance
from opencheck.file_index import file_names
from opencheck.sources.card import is_placeholder_text

# English, and the words cards in other languages head their data sections with (Bode's "## Treinamento e Dados",
# "Datos de entrenamiento", "Données d'entraînement", "Trainingsdaten", "训练数据").
_SECTION_DATA = re.compile(
    r"\b(training[\s-]data|pre-?training[\s-]data|datasets?|data(?:\s+sources?)?|data[\s-]?mix(?:ture)?|"
    r"training\s+corpus|dados|datos|donn[ée]es|trainingsdaten|datens[äa]tze?)\b|训练数据|数据集",
    re.IGNORECASE,
)
_SECTION_NOT_TRAINING_DATA = re.compile(r"\b(test|testing|eval\w*|validation|avalia\w*|evalua\w*|[ée]valuation|"
                                        r"teste|prueba)\b", re.IGNORECASE)
_SECTION_SAMPLES = re.compile(
    r"^(examples?|sample(?:s| outputs?| generations?)|example (?:outputs?|generations?)|"
    r"generations?|model outputs?|outputs?)$",
    re.IGNORECASE,
)
_SAMPLE_FILE = re.compile(
    r"^(samples?|sample_outputs?|example_outputs?|generations?|outputs?)[\w.-]*"
    r"\.(jsonl?|txt|md|csv)$",
    re.IGNORECASE,
)
_SAMPLE_FILE_LOWER = re.compile(_SAMPLE_FILE.pattern)  # for lower-cased ASCII names: the same test, twice as fast
_SAMPLE_DIRS = frozenset({"samples", "sample_outputs", "generations", "example_outputs"})
_REPORT_NAME = re.compile(r"report|tech", re.IGNORECASE)
# A fenced block of source code (it imports something): how to generate, not what the model generated. A section
# that holds only such blocks ("### Generation" under Usage) shows no sample output.
_FENCED = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_SOURCE_CODE = re.compile(r"\b(?:import|from_pretrained)\b")


def _beyond_usage_code(text: str) -> bool:
    """Whether a section has anything besides fenced blocks of source code."""
    return bool(_FENCED.sub(lambda m: "" if _SOURCE_CODE.search(m.group(0)) else m.group(0), text).strip())


def _reports_and_papers(evidence: Evidence, built: ComponentBuilder) -> None:
    papers = evidence.files_of(FileKind.PAPER)
    report_files = [f for f in papers if _REPORT_NAME.search(basename(f.path))]
    paper_files = [f for f in papers if f not in report_files]
    report_links = [link for link in evidence.links if link.kind == "technical-report"]
    paper_links, related = split_papers(evidence, [link for link in evidence.links if link.kind == "paper"])
    if report_files:
        built.present("Technical report",
                      file_provenance(report_files) + link_provenance(report_links, "technical report link"))
    elif report_links:
        # A report on arXiv (the card calls the paper its technical report) has the licence arXiv records for it.
        built.present("Technical report", link_provenance(report_links, "technical report link"), shipped=False,
                      licence=paper_licence(evidence, [link.url for link in report_links]))
    elif reports := [f"https://arxiv.org/abs/{ident}" for ident in report_ids(evidence)
                     if ident in {arxiv_id(link.url) for link in paper_links}]:
        # A linked arXiv paper of the model's own whose title says it is the technical report ("A Technical Report
        # for Polyglot-Ko"); a base model's report linked as related work is not this model's.
        built.present("Technical report", [Provenance(url=url, key="title", note="arXiv paper titled a technical "
                                                      "report") for url in reports], shipped=False,
                      licence=paper_licence(evidence, reports))
    else:
        built.missing("Technical report", usually_elsewhere=True, note="no technical report file or link")
    # The papers the card cites, names as its own or whose title names the model are its research paper; a paper
    # linked for a technique it uses or a benchmark (MQA, GPTQ, the Gemini report for Gemma) is related work.
    own_ids = cited_ids(evidence)
    cited = [f"https://arxiv.org/abs/{ident}" for ident in own_ids]
    paper_links = _own_first(paper_links, own_ids)
    if paper_files:
        built.present("Research paper", file_provenance(paper_files) + link_provenance(paper_links, "paper link"))
    elif paper_links:
        built.present("Research paper", link_provenance(paper_links, "paper link"), shipped=False,
                      licence=paper_licence(evidence, cited + [link.url for link in paper_links]))
    elif related:
        urls = list(dict.fromkeys(link.url for link in related))
        more = f" and {len(urls) - 3} more" if len(urls) > 3 else ""
        built.missing("Research paper", usually_elsewhere=True,
                      note=f"only related work linked (papers of techniques or benchmarks it uses): "
                           f"{', '.join(urls[:3])}{more}")
    else:
        built.missing("Research paper", usually_elsewhere=True, note="no paper file, link or arXiv tag")


def _own_first(links: list[Link], own_ids: list[str]) -> list[Link]:
    """Paper links with the ones the card's citation names first: StarCoder's card links the Multi-Query Attention
    paper before its own, which its BibTeX cites."""
    return sorted(links, key=lambda link: arxiv_id(link.url) not in own_ids)  # stable: card order otherwise


def _model_card(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    if card is not None and not is_placeholder_text(card_body(card)):
        built.present("Model card", [Provenance(file=card.path, line=card.body_start_line, note="model card")])
    elif other_cards := [f for f in evidence.files_of(FileKind.MODEL_CARD) if card is None or f.path != card.path]:
        built.present("Model card", file_provenance(other_cards))
    else:
        built.missing("Model card", usually_elsewhere=False,
                      note="README has no content beyond placeholders" if card else "no README / model card")


def _dataset_cards(evidence: Evidence) -> list[tuple[Provenance, LicenceStatement | None]]:
    """The Hub dataset cards the datasets look-up found for the named training datasets, with their licences."""
    results = evidence.hub.get("datasets")
    found = []
    for name, _ in evidence.datasets:
        result = results.get(name) if isinstance(results, dict) else None
        if isinstance(result, dict) and result.get("status") == "found":
            statements = evidence.dataset_licences.get(name) or []
            found.append((Provenance(url=result.get("url") or f"https://huggingface.co/datasets/{name}",
                                     note=f"dataset card of {name}"), statements[0] if statements else None))
    return found


def _data_card(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    where = file_provenance(evidence.files_of(FileKind.DATA_CARD))
    if card is not None:
        where += [section_provenance(card, s, "training data described in the model card")
                  for s in good_sections(card, _SECTION_DATA, _SECTION_NOT_TRAINING_DATA)]
    # The card of a named dataset on the Hub documents the training data too (what a curator reads as the data
    # card); it carries the dataset's licence when the model's own files say nothing about the data.
    dataset_cards = _dataset_cards(evidence)
    if where:
        built.present("Data card", where + [p for p, _ in dataset_cards])
    elif dataset_cards:
        built.present("Data card", [p for p, _ in dataset_cards], shipped=False,
                      licence=next((lic for _, lic in dataset_cards if lic is not None), None))
    else:
        built.missing("Data card", usually_elsewhere=bool(evidence.datasets),
                      note="no data card file or training-data section with content")


@lru_cache(maxsize=8192)
def _in_sample_folder(folder: str) -> bool:
    return any(d in _SAMPLE_DIRS for d in folders(f"{folder}/"))


def _sample_files(evidence: Evidence) -> list[FileEntry]:
    """Sample output files and the files of sample folders: each folder's run of files judged once, and only the
    names the pattern matches over every lower-case name (and names not ASCII) tested one by one."""
    found: list[FileEntry] = []
    names = evidence.from_files(file_names)
    files, skipped = evidence.files, (FileKind.CHECKPOINT, FileKind.CONFIG)  # generation_config.json: settings
    sample, sample_lower = _SAMPLE_FILE.match, _SAMPLE_FILE_LOWER.match
    candidates, taken = names.matching(_SAMPLE_FILE_LOWER), 0
    for folder, first, end in names.runs:
        in_samples = _in_sample_folder(folder)
        if in_samples:
            found += [entry for entry in files[first:end] if entry.kind not in skipped]
        while taken < len(candidates) and candidates[taken] < end:
            entry = files[candidates[taken]]
            taken += 1
            if in_samples or entry.kind in skipped:
                continue
            name = entry.path.rpartition("/")[2]
            if sample_lower(name.lower()) if name.isascii() else sample(name):
                found.append(entry)
    return found


def _samples(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    samples = sorted(_sample_files(evidence), key=attrgetter("path"))  # only the few matches are sorted
    where = file_provenance(samples)
    if card is not None:
        where += [section_provenance(card, s, "sample outputs") for s in good_sections(card, _SECTION_SAMPLES)
                  if _beyond_usage_code(s.text)]
    if where:
        built.present("Sample model outputs", where)
    else:
        built.missing("Sample model outputs", usually_elsewhere=False, note="no sample outputs file or section")


def detect_documentation(evidence: Evidence, built: ComponentBuilder) -> None:
    """Technical report, research paper, model card, data card and sample model outputs."""
    _reports_and_papers(evidence, built)
    _model_card(evidence, built)
    _data_card(evidence, built)
    _samples(evidence, built)
