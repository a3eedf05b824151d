"""Licence sections that license parts differently: "The code in this repo is under [MIT]. The checkpoints are for
non-commercial use only [...]" (NVIDIA's Audio Flamingo 3), "code under MIT, weights under the Model License".

Each sentence of a licence section that says what it covers (the code, or the weights / checkpoints / model) and
names a licence the licence table knows becomes a statement of that scope; the weights components then take the
weights' licence, the code components the code's, over the repository's.
"""

from __future__ import annotations

import re

from opencheck.detect.sentences import CLAUSE_BREAK
from opencheck.evidence import LicenceStatement, Provenance

_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_WEIGHTS = re.compile(r"\b(?:checkpoints?|weights|parameters|models?)\b", re.IGNORECASE)
# "They are also subject to ...": a sentence that goes on about the part the previous one named.
_SAME_SUBJECT = re.compile(r"^(?:they|these|those|it|this|both)\b", re.IGNORECASE)
_CODE = re.compile(r"\b(?:code|source|scripts?|repo(?:sitory)?|software)\b", re.IGNORECASE)
# "under the MIT License", "licensed under Apache 2.0", "released under CC-BY-NC-4.0": what follows "under".
_UNDER = re.compile(r"\bunder\s+(?:the\s+)?([A-Za-z][\w .+-]{1,60}?)(?=\s*(?:[.,;()]|$|\s+(?:and|for|with|but)\b))",
                    re.IGNORECASE)


def _named_licence(sentence: str) -> str | None:
    """The first licence the sentence's link texts, or the words after "under", name that the table knows."""
    from opencheck.licenses import normalise

    for candidate in [*_LINK.findall(sentence), *_UNDER.findall(_LINK.sub(r"\1", sentence))]:
        text = re.sub(r"^(?:the|a|an)\s+", "", candidate.strip(" *_`"), flags=re.IGNORECASE)
        if text and (expression := normalise(text).expression):
            return expression
    return None


def scoped_statements(lines: list[str], start: int, end: int, path: str, title: str) -> list[LicenceStatement]:
    """Statements of scope `weights` or `code` from the sentences of lines[start:end] (0-based) of a licence
    section: only a sentence about one part, naming one licence the table knows."""
    found: list[LicenceStatement] = []
    for index in range(start, end):
        part: str | None = None
        for sentence in CLAUSE_BREAK.split(lines[index].strip().lstrip("-* ").strip()):
            weights, code = bool(_WEIGHTS.search(sentence)), bool(_CODE.search(sentence))
            if weights != code:
                part = "weights" if weights else "code"
            elif not (part and _SAME_SUBJECT.match(sentence)):
                part = None  # about both parts, or neither: the repository's licence, read as before
                continue
            expression = _named_licence(sentence)
            if expression is not None and part is not None:
                found.append(LicenceStatement(raw=expression, scope=part, provenance=Provenance(
                    file=path, line=index + 1, note=f"licence section '{title}', for the {part}")))
    return found
