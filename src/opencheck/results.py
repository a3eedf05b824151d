"""Results of evaluating rule packs: rule outcomes, grades and per-pack results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from opencheck.evidence import Provenance


class RuleStatus(str, Enum):
    """Outcome of one rule."""

    PASS = "pass"
    WARN = "warn"  # passes, with something to improve (e.g. a licence not appropriate for the type)
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"  # the evidence cannot decide
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Severity(str, Enum):
    """How much a failing rule matters."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Ordering for `--fail-on`: info < warning < error."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Outcome:
    """What a predicate decided, why, and from which evidence."""

    status: RuleStatus
    message: str
    evidence: tuple[Provenance, ...] = ()
    unknown: tuple[str, ...] = ()  # facts a failed look-up left unknown that made this outcome inconclusive
    floor: RuleStatus | None = None  # the worst those facts could make it (None: fail); WARN when partial holds
    fix: str | None = None  # a remediation for this exact state, in place of the rule's general one


@dataclass(frozen=True)
class Suppression:
    """A maintainer's reasoned decision to accept a failing rule."""

    reason: str
    note: str | None = None
    expires: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Mapping without empty fields."""
        return {k: v for k, v in (("reason", self.reason), ("note", self.note), ("expires", self.expires),
                                  ("source", self.source)) if v is not None}


@dataclass
class RuleResult:
    """One rule applied to one target."""

    rule_id: str
    pack: str
    title: str
    severity: Severity
    status: RuleStatus
    message: str
    remediation: str
    evidence: tuple[Provenance, ...] = ()
    component: str | None = None
    topic: str | None = None
    reference: str | None = None
    weight: float = 1.0
    suppression: Suppression | None = None
    unknown: tuple[str, ...] = ()  # facts a failed look-up left unknown (the result is inconclusive)
    floor: RuleStatus | None = None  # the worst status those facts could give (None: fail)

    @property
    def undetermined(self) -> bool:
        """Inconclusive only because a look-up failed: with the facts fetched it would pass or fail."""
        return bool(self.unknown) and self.status == RuleStatus.INCONCLUSIVE and self.suppression is None

    @property
    def failed(self) -> bool:
        """A failure that is not suppressed."""
        return self.status in (RuleStatus.FAIL, RuleStatus.ERROR) and self.suppression is None

    def location(self) -> Provenance | None:
        """The first evidence that points at a file, else the first at all."""
        for ev in self.evidence:
            if ev.file:
                return ev
        return self.evidence[0] if self.evidence else None

    def to_dict(self) -> dict[str, Any]:
        """Versioned JSON shape of a result."""
        loc = self.location()
        data: dict[str, Any] = {
            "rule_id": self.rule_id,
            "pack": self.pack,
            "title": self.title,
            "severity": self.severity.value,
            "status": self.status.value,
            "message": self.message,
            "remediation": self.remediation,
            "evidence": [ev.to_dict() for ev in self.evidence],
            "location": ({"file": loc.file, "line": loc.line or 1} if loc and loc.file
                         else ({"url": loc.url} if loc and loc.url else None)),
            "component": self.component,
            "topic": self.topic,
            "reference": self.reference,
            "weight": self.weight,
        }
        if self.suppression:
            data["suppression"] = self.suppression.to_dict()
        if self.unknown:
            data["unknown_facts"] = list(self.unknown)
        return data


@dataclass
class Grade:
    """The headline verdict of one pack."""

    scheme: str  # mof | pass-fail | score | index | count
    value: str  # e.g. "II", "pass", "B", "0.625", "12/20"
    label: str  # e.g. "Class II - Open Tooling Model"
    rank: int  # position in `order`; higher is better
    order: tuple[str, ...]  # every possible value, worst first (empty for numeric schemes)
    score: float | None = None  # 0..100 where meaningful
    details: dict[str, Any] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)  # what to fix to reach the next grade
    unknown_facts: tuple[str, ...] = ()  # facts a failed look-up left unknown that this pack's rules read
    # The grade if every unknown fact is unfavourable / favourable; `value` is "undetermined" when they differ.
    bounds: tuple[str, str] | None = None

    @property
    def undetermined(self) -> bool:
        """Whether the unknown facts could change the grade."""
        return self.bounds is not None and self.bounds[0] != self.bounds[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a grade."""
        data = {
            "scheme": self.scheme,
            "value": self.value,
            "label": self.label,
            "rank": self.rank,
            "order": list(self.order),
            "score": None if self.score is None else round(self.score, 4),
            "details": self.details,
            "next_steps": list(self.next_steps),
        }
        if self.unknown_facts:
            data["unknown_facts"] = list(self.unknown_facts)
            if self.bounds is not None:
                data["if_unknown"] = {"unfavourable": self.bounds[0], "favourable": self.bounds[1]}
        return data


@dataclass
class PackResult:
    """All rule results of one pack, and its grade."""

    name: str
    version: str
    title: str
    sha256: str
    grade: Grade
    results: list[RuleResult]

    def counts(self) -> dict[str, int]:
        """Number of results per status, plus suppressed."""
        counts = {s.value: 0 for s in RuleStatus}
        counts["suppressed"] = 0
        for r in self.results:
            counts[r.status.value] += 1
            if r.suppression:
                counts["suppressed"] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a pack result."""
        return {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "sha256": self.sha256,
            "grade": self.grade.to_dict(),
            "counts": self.counts(),
            "results": [r.to_dict() for r in self.results],
        }
