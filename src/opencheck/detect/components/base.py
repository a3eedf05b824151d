"""What every MOF component family detector shares: the 17 components, the record builder, provenance helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from opencheck.evidence import (
    ComponentEvidence,
    ComponentStatus,
    Evidence,
    FileEntry,
    LicenceStatement,
    Link,
    ModelCard,
    Provenance,
    Section,
    TargetKind,
)
from opencheck.file_index import file_names

# The 17 MOF components (names exactly as MOT spells them) and their content type.
MOF_COMPONENTS: dict[str, str] = {
    "Model architecture": "code",
    "Model parameters (Final)": "data",
    "Technical report": "document",
    "Evaluation results": "document",
    "Model card": "document",
    "Data card": "document",
    "Sample model outputs": "document",
    "Training code": "code",
    "Inference code": "code",
    "Evaluation code": "code",
    "Evaluation data": "data",
    "Supporting libraries and tools": "code",
    "Datasets": "data",
    "Data preprocessing code": "code",
    "Model parameters (Intermediate)": "data",
    "Research paper": "document",
    "Model metadata": "data",
}
_WEIGHT_COMPONENTS = frozenset({"Model parameters (Final)", "Model parameters (Intermediate)"})
MAX_PROVENANCE = 20  # per component: enough to show where, without copying a million-file listing


class ComponentBuilder:
    """Builds ComponentEvidence records against the evidence's licence statements."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.complete = evidence.target.kind != TargetKind.MANIFEST
        self.result: dict[str, ComponentEvidence] = {}

    def licence(self, component: str) -> LicenceStatement | None:
        """The statement that applies to a component shipped in the repository."""
        content = "weights" if component in _WEIGHT_COMPONENTS else MOF_COMPONENTS[component]
        # Most specific first: a statement for this component, then for its content type, then the repo's.
        for wanted in (component, content, "data" if content == "weights" else None, "repository"):
            for statement in self.evidence.licences:
                if wanted and statement.scope == wanted:
                    return statement
        return None

    def present(self, component: str, where: list[Provenance], *, shipped: bool = True,
                licence: LicenceStatement | None = None) -> None:
        """Record a component as present; `shipped` components take the repository licence."""
        self.result[component] = ComponentEvidence(
            name=component,
            status=ComponentStatus.PRESENT,
            licence=licence or (self.licence(component) if shipped else None),
            evidence=where[:MAX_PROVENANCE],
        )

    def missing(self, component: str, *, usually_elsewhere: bool, note: str) -> None:
        """Record a component not found: absent only when this listing could have shown it."""
        status = ComponentStatus.ABSENT if self.complete and not usually_elsewhere else ComponentStatus.UNKNOWN
        self.result[component] = ComponentEvidence(name=component, status=status, evidence=[Provenance(note=note)])


# A paragraph led by a bold label (`**Training Data:** ...`) is a section in many cards (IBM Granite's, among others).
_BOLD_LABEL = re.compile(r"^\*\*(?P<title>[A-Za-z][^*\n]{1,58}?)\s*:?\s*\*\*\s*:?\s*(?P<rest>.*)$")
_HEADING = re.compile(r"^#{1,6}\s")


def labelled_paragraphs(card: ModelCard) -> list[Section]:
    """The card's bold-labelled paragraphs as sections: the label, its line, and the text up to the next label or
    heading."""
    from opencheck.sources.card import is_placeholder_text

    lines = card.text.splitlines()
    # One pass: where each label or heading starts; a label's text runs to the next one (linear in the card).
    starts: list[tuple[int, re.Match[str] | None]] = []
    for index in range(card.body_start_line - 1, len(lines)):
        match = _BOLD_LABEL.match(lines[index].strip())
        if match or _HEADING.match(lines[index]):
            starts.append((index, match))
    found: list[Section] = []
    for position, (index, match) in enumerate(starts):
        if match is None:
            continue
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        text = "\n".join([match.group("rest"), *lines[index + 1:end]]).strip()
        found.append(Section(title=match.group("title").strip(), level=7, line=index + 1, text=text,
                             placeholder=not text or is_placeholder_text(text)))
    return found


def good_sections(card: ModelCard | None, pattern: re.Pattern[str],
                  exclude: re.Pattern[str] | None = None) -> list[Section]:
    """The card's sections (headings, then bold-labelled paragraphs) with content whose title matches `pattern`
    (and not `exclude`). The card's title is not a section about anything: a first heading that holds the card's
    other headings ("# K2: ... Reproduction of Llama 2 Performance Using 35% Less Data") names the model."""
    if card is None:
        return []
    sections = card.sections
    if len(sections) > 1 and sections[1].level > sections[0].level:
        sections = sections[1:]
    return [s for s in [*sections, *labelled_paragraphs(card)]
            if pattern.search(s.title) and not s.placeholder and not (exclude and exclude.search(s.title))]


def section_provenance(card: ModelCard, section: Section, note: str) -> Provenance:
    """Where a card section is, with what it shows."""
    return Provenance(file=card.path, line=section.line, note=f"{note}: section '{section.title}'")


def file_provenance(entries: Iterable[FileEntry], note: str | None = None) -> list[Provenance]:
    """One provenance per file, for the first MAX_PROVENANCE files: a component keeps no more (see `present`)."""
    return [Provenance(file=e.path, note=note) for e in islice(entries, MAX_PROVENANCE)]


def link_provenance(links: Iterable[Link], note: str) -> list[Provenance]:
    """One provenance per link, at the link's place in the card."""
    return [Provenance(file=link.provenance.file, line=link.provenance.line, key=link.provenance.key, url=link.url,
                       note=note) for link in links]


def card_body(card: ModelCard) -> str:
    """The card's text after its front matter."""
    return "\n".join(card.text.splitlines()[card.body_start_line - 1 :])


def basename(path: str) -> str:
    """The last part of a repository path."""
    return path.rsplit("/", 1)[-1]


def folders(path: str) -> list[str]:
    """The folders of a repository path, lower case."""
    return [d.lower() for d in path.split("/")[:-1]]


def config_file(evidence: Evidence) -> str | None:
    """`config.json` when the repository has it (the model configuration may also come from the Hub API)."""
    return "config.json" if "config.json" in evidence.from_files(file_names).paths else None  # one C scan
