"""The weights family: final model parameters (weight files) and intermediate ones (checkpoints)."""

from __future__ import annotations

import re

from opencheck.detect.components.base import ComponentBuilder, file_provenance
from opencheck.evidence import Evidence, FileKind, Provenance


def detect_weights_components(evidence: Evidence, built: ComponentBuilder) -> None:
    """Model parameters (Final) and Model parameters (Intermediate)."""
    weights = evidence.files_of(FileKind.WEIGHTS)
    if weights:
        where = file_provenance(weights)
        if evidence.weights.parameters:
            where.insert(0, Provenance(file=weights[0].path,
                                       note=f"{evidence.weights.parameters:,} parameters {evidence.weights.dtypes}"))
        built.present("Model parameters (Final)", where)
    else:
        built.missing("Model parameters (Final)", usually_elsewhere=False, note="no weight files")
    if evidence.checkpoints:
        built.present("Model parameters (Intermediate)", [p for _, p in evidence.checkpoints])
    elif elsewhere := checkpoints_elsewhere(evidence):
        # A conversion (OLMo-7B-hf) whose card says its checkpoints are in the original repository: they are the
        # same model's, under the licence the card states for the model.
        built.present("Model parameters (Intermediate)", elsewhere)
    else:
        built.missing("Model parameters (Intermediate)", usually_elsewhere=True,
                      note="no checkpoint folders or checkpoint branches found")


def checkpoints_elsewhere(evidence: Evidence) -> list[Provenance]:
    """Links to another Hub model repository in a card paragraph that says the checkpoints are available there."""
    card = evidence.card
    if card is None:
        return []
    paragraphs = _paragraph_of_line(card.text)
    found: list[Provenance] = []
    for link in evidence.links:
        match = _HUB_MODEL.match(link.url)
        line = link.provenance.line
        if not match or link.provenance.file != card.path or not line or line not in paragraphs:
            continue
        repo = match.group(1)
        # Only the same publisher's other repository: another organisation's checkpoints are not this model's.
        owner = evidence.target.id.split("/", 1)[0].lower() if "/" in evidence.target.id else None
        if (repo.lower() == evidence.target.id.lower() or repo.split("/", 1)[0].lower() != owner
                or not _CHECKPOINTS_THERE.search(paragraphs[line])):
            continue
        found.append(Provenance(file=card.path, line=line, url=link.url,
                                note=f"intermediate checkpoints published in {repo}, as the card says"))
    return found


_HUB_MODEL = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/)"
                        r"([\w.-]+/[\w.-]+)/?$", re.IGNORECASE)
_CHECKPOINTS_THERE = re.compile(r"\bcheckpoints?\b.*\b(?:available|hosted|published|released|found)\b|"
                                r"\b(?:available|hosted|published|released)\b.*\bcheckpoints?\b",
                                re.IGNORECASE | re.DOTALL)


def _paragraph_of_line(text: str) -> dict[int, str]:
    """Each line number (1-based) with the text of the paragraph it belongs to."""
    result: dict[int, str] = {}
    block: list[int] = []
    lines = text.splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append(number)
            continue
        paragraph = "\n".join(lines[n - 1] for n in block)
        result.update(dict.fromkeys(block, paragraph))
        block = []
    return result
