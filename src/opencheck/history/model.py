"""What a history holds: the revisions checked, their grades and key facts, and the changes between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opencheck import __version__

HISTORY_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class RevisionRef:
    """One revision to evaluate: its commit, the names that point at it, its date and its commit title."""

    sha: str
    names: tuple[str, ...] = ()  # tags, branches or the names given with --revisions
    date: str | None = None  # ISO 8601 as the source wrote it
    title: str = ""


@dataclass
class Change:
    """One thing that changed from the previous revision, with its evidence at both revisions."""

    kind: str  # grade-dropped | grade-rose | licence-* | component-* | rule-changed | datasets-* | gating-changed
    subject: str
    old: str | None
    new: str | None
    regression: bool
    message: str
    old_evidence: list[str] = field(default_factory=list)
    new_evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"kind": self.kind, "subject": self.subject, "old": self.old, "new": self.new,
                "regression": self.regression, "message": self.message,
                "evidence": {"old": list(self.old_evidence), "new": list(self.new_evidence)}}


@dataclass
class RevisionResult:
    """The evaluation of one revision (or the previous one's, reused when nothing it reads changed)."""

    ref: RevisionRef
    grades: dict[str, str]
    facts: dict[str, Any]
    report: dict[str, Any]  # the revision's report (`Report.to_dict()`), kept for comparisons; not serialised
    fact_evidence: dict[str, list[str]] = field(default_factory=dict)  # where each key fact was read; not serialised
    requests: int = 0
    reused_from: str | None = None
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"sha": self.ref.sha, "names": list(self.ref.names), "date": self.ref.date, "title": self.ref.title,
                "reused_from": self.reused_from, "requests": self.requests, "grades": dict(self.grades),
                "facts": self.facts, "changes": [c.to_dict() for c in self.changes]}


@dataclass
class History:
    """A model's openness over a series of revisions, oldest first."""

    target_kind: str  # hf | git
    target: str
    mode: str  # commits | checkpoints | revisions
    packs: list[dict[str, Any]]  # name, title and grade order of each pack
    revisions: list[RevisionResult]
    generated_at: str
    listing_requests: int = 0
    truncated: bool = False  # more revisions existed than --limit allowed
    since: str | None = None
    limit: int | None = None

    @property
    def requests(self) -> int:
        """Every request the history cost: the listing plus each revision's."""
        return self.listing_requests + sum(r.requests for r in self.revisions)

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON envelope (schemas/history.schema.json); deterministic apart from generated_at."""
        changes = [c for r in self.revisions for c in r.changes]
        return {
            "schema_version": HISTORY_SCHEMA_VERSION,
            "kind": "opencheck-history",
            "tool": {"name": "opencheck", "version": __version__},
            "generated_at": self.generated_at,
            "target": {"kind": self.target_kind, "id": self.target, "mode": self.mode},
            "selection": {"since": self.since, "limit": self.limit, "truncated": self.truncated},
            "packs": self.packs,
            "requests": {"total": self.requests, "listing": self.listing_requests},
            "summary": {
                "revisions": len(self.revisions),
                "evaluated": sum(1 for r in self.revisions if r.reused_from is None),
                "reused": sum(1 for r in self.revisions if r.reused_from is not None),
                "changes": len(changes),
                "regressions": sum(1 for c in changes if c.regression),
                "first": self.revisions[0].grades if self.revisions else {},
                "last": self.revisions[-1].grades if self.revisions else {},
            },
            "revisions": [r.to_dict() for r in self.revisions],
        }
