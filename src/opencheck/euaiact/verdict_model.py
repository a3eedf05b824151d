"""The vocabulary of the EU AI Act view: verdict words, conditions, verdicts, duties and the assessment they make."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from opencheck.euaiact.compute import ComputeEstimate
from opencheck.euaiact.declarations import Declarations
from opencheck.euaiact.summary_check import SummaryCheck
from opencheck.evidence import Provenance

LIKELY, NOT_LIKELY, UNDETERMINED = "likely", "not likely", "undetermined"
VERDICT_ORDER = (NOT_LIKELY, UNDETERMINED, LIKELY)
GRADE_ORDER = tuple(f"exemption {v}" for v in VERDICT_ORDER)  # the pack's grade: the exemption verdict
DISCLAIMER = "Information, not legal advice."
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("Regulation (EU) 2024/1689 (AI Act): Art. 51(2), 53, 54(6), Recitals 102-104", "2024-06-13",
     "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"),
    ("Commission guidelines for providers of GPAI models, C(2025) 5045 (non-binding; 10^23 FLOP criterion)",
     "2025-07-18", "https://digital-strategy.ec.europa.eu/en/policies/guidelines-gpai-providers"),
    ("General-Purpose AI Code of Practice, transparency chapter (model documentation form)", "2025-07-10",
     "https://digital-strategy.ec.europa.eu/en/policies/contents-code-gpai"),
    ("Template and explanatory notice for the public summary of training content", "2025-07-24",
     "https://digital-strategy.ec.europa.eu/en/library/explanatory-notice-and-template-public-summary-training-"
     "content-general-purpose-ai-models"),
)
DATES = ("GPAI duties apply from 2025-08-02; the Commission can enforce them from 2026-08-02; models placed on the "
         "market before 2025-08-02 must comply by 2027-08-02 (Art. 111(3))")
GENERATIVE_TASKS = frozenset({"text-generation", "text2text-generation", "image-text-to-text", "text-to-image",
                              "text-to-video", "text-to-speech", "any-to-any", "image-to-text", "text-to-audio",
                              "visual-question-answering", "audio-text-to-text", "video-text-to-text"})
_OPEN_CLASSES = frozenset({"osi", "free", "open-data"})
_COPYRIGHT = re.compile(r"copyright[-_ ]*polic|text[-_ ]and[-_ ]data[-_ ]mining|\btdm\b[-_ ]*(opt|polic)",
                        re.IGNORECASE)
_MONETISED_HINT = re.compile(r"commercial licen[cs]e (is )?available|enterprise licen[cs]e|paid api|"
                             r"contact (us|sales) for (a )?commercial", re.IGNORECASE)
_ARCH_SECTION = re.compile(r"architecture|model details|model description|model summary|technical specifications",
                           re.IGNORECASE)
# "Run the model", "Running with vLLM", "How to run": a heading about running it is usage ("Training runs" is not).
_USAGE_SECTION = re.compile(r"\buses?\b|usage|how to (get started|use)|quick ?start|getting started|inference|"
                            r"(?<!training )\brun(ning)?\b(?! ?(time|s\b))", re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    """One condition of the exemption: met / assumed / not met / not shown, with why and where."""

    key: str
    label: str
    state: str
    message: str
    evidence: tuple[Provenance, ...] = ()
    declared: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"key": self.key, "label": self.label, "state": self.state, "message": self.message,
                "declared": self.declared, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Verdict:
    """One verdict: likely / not likely / undetermined, the deciding condition and its evidence."""

    key: str
    title: str
    verdict: str
    deciding: str
    message: str
    evidence: tuple[Provenance, ...] = ()
    declared: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"verdict": self.verdict, "title": self.title, "deciding_condition": self.deciding,
                "message": self.message, "declared": self.declared,
                "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Duty:
    """A duty no exemption removes (copyright policy, training-content summary): found where, or not found."""

    key: str
    label: str
    found: bool
    where: str
    link: str | None = None
    evidence: tuple[Provenance, ...] = ()
    declared: bool = False
    path: str | None = None  # a repository file holding it, when it is one

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"key": self.key, "label": self.label, "found": self.found, "where": self.where, "link": self.link,
                "declared": self.declared, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass
class Assessment:
    """Everything the eu-gpai pack reports."""

    estimate: ComputeEstimate
    declarations: Declarations
    gpai: Verdict
    systemic_risk: Verdict
    conditions: list[Condition]
    exemption: Verdict
    duties: list[Duty]
    owed: Verdict
    notes: list[str] = field(default_factory=list)
    summary_check: SummaryCheck | None = None  # the published summary read against the template and metadata
    summary_note: str = ""  # why it was not read (a PDF, a URL)

    def verdicts(self) -> dict[str, Verdict]:
        """The four verdicts by key."""
        return {"gpai": self.gpai, "systemic_risk": self.systemic_risk, "exemption": self.exemption,
                "still_owed": self.owed}

    def headline(self) -> str:
        """One line with the four verdicts."""
        owed = "; ".join(f"{d.label} {'found' if d.found else 'not found'}" for d in self.duties)
        return (f"exemption {self.exemption.verdict}; GPAI model {self.gpai.verdict}; systemic risk "
                f"{self.systemic_risk.verdict}; still owed ({self.owed.verdict}): {owed}. {DISCLAIMER}")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"verdicts": {k: v.to_dict() for k, v in self.verdicts().items()},
                "compute_estimate": self.estimate.to_dict(),
                "exemption_conditions": [c.to_dict() for c in self.conditions],
                "duties": [d.to_dict() for d in self.duties],
                "declarations": self.declarations.to_dict(),
                "summary_check": self.summary_check.to_dict() if self.summary_check else None,
                "summary_note": self.summary_note,
                "notes": list(self.notes), "disclaimer": DISCLAIMER, "dates": DATES,
                "sources": [{"title": t, "date": d, "url": u} for t, d, u in SOURCES]}


_HEADLINE = re.compile(r"^exemption (?P<exemption>likely|not likely|undetermined); GPAI model (?P<gpai>likely|not "
                       r"likely|undetermined); systemic risk (?P<systemic_risk>likely|not likely|undetermined); still "
                       r"owed \((?P<still_owed>likely|not likely|undetermined)\)")


def parse_headline(label: str) -> dict[str, str]:
    """The four verdicts back from a grade label (`Assessment.headline`), e.g. in batch rows; {} for other labels."""
    m = _HEADLINE.match(label or "")
    return dict(m.groupdict()) if m else {}
