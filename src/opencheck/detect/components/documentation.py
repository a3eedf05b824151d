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
from opencheck.detect.papers import paper_licence
from opencheck.evidence import Evidence, FileEntry, FileKind, Provenance
from opencheck.sources.card import is_placeholder_text

_SECTION_DATA = re.compile(
    r"\b(training[\s-]data|pre-?training[\s-]data|datasets?|data(?:\s+sources?)?|"
    r"training\s+corpus)\b",
    re.IGNORECASE,
)
_SECTION_NOT_TRAINING_DATA = re.compile(r"\b(test|testing|eval\w*|validation)\b", re.IGNORECASE)
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
_SAMPLE_DIRS = frozenset({"samples", "sample_outputs", "generations", "example_outputs"})
_REPORT_NAME = re.compile(r"report|tech", re.IGNORECASE)


def _reports_and_papers(evidence: Evidence, built: ComponentBuilder) -> None:
    papers = evidence.files_of(FileKind.PAPER)
    report_files = [f for f in papers if _REPORT_NAME.search(basename(f.path))]
    paper_files = [f for f in papers if f not in report_files]
    report_links = [link for link in evidence.links if link.kind == "technical-report"]
    paper_links = [link for link in evidence.links if link.kind == "paper"]
    if report_files:
        built.present("Technical report",
                      file_provenance(report_files) + link_provenance(report_links, "technical report link"))
    elif report_links:
        # A report on arXiv (the card calls the paper its technical report) has the licence arXiv records for it.
        built.present("Technical report", link_provenance(report_links, "technical report link"), shipped=False,
                      licence=paper_licence(evidence, [link.url for link in report_links]))
    else:
        built.missing("Technical report", usually_elsewhere=True, note="no technical report file or link")
    if paper_files:
        built.present("Research paper", file_provenance(paper_files) + link_provenance(paper_links, "paper link"))
    elif paper_links:
        built.present("Research paper", link_provenance(paper_links, "paper link"), shipped=False,
                      licence=paper_licence(evidence, [link.url for link in paper_links]))
    else:
        built.missing("Research paper", usually_elsewhere=True, note="no paper file, link or arXiv tag")


def _model_card(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    if card is not None and not is_placeholder_text(card_body(card)):
        built.present("Model card", [Provenance(file=card.path, line=card.body_start_line, note="model card")])
    elif other_cards := [f for f in evidence.files_of(FileKind.MODEL_CARD) if card is None or f.path != card.path]:
        built.present("Model card", file_provenance(other_cards))
    else:
        built.missing("Model card", usually_elsewhere=False,
                      note="README has no content beyond placeholders" if card else "no README / model card")


def _data_card(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    where = file_provenance(evidence.files_of(FileKind.DATA_CARD))
    if card is not None:
        where += [section_provenance(card, s, "training data described in the model card")
                  for s in good_sections(card, _SECTION_DATA, _SECTION_NOT_TRAINING_DATA)]
    if where:
        built.present("Data card", where)
    else:
        built.missing("Data card", usually_elsewhere=bool(evidence.datasets),
                      note="no data card file or training-data section with content")


@lru_cache(maxsize=8192)
def _in_sample_folder(folder: str) -> bool:
    return any(d in _SAMPLE_DIRS for d in folders(f"{folder}/"))


def _sample_files(evidence: Evidence) -> list[FileEntry]:
    """Sample output files and the files of sample folders, in one pass with each folder judged once."""
    found: list[FileEntry] = []
    last_folder, in_samples = "", False
    for entry in evidence.files:
        folder, _, name = entry.path.rpartition("/")
        if folder != last_folder:
            last_folder, in_samples = folder, _in_sample_folder(folder)
        if (in_samples or _SAMPLE_FILE.match(name)) and entry.kind != FileKind.CHECKPOINT:
            found.append(entry)
    return found


def _samples(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    samples = sorted(_sample_files(evidence), key=attrgetter("path"))  # only the few matches are sorted
    where = file_provenance(samples)
    if card is not None:
        where += [section_provenance(card, s, "sample outputs") for s in good_sections(card, _SECTION_SAMPLES)]
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
