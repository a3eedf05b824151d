"""What a maintainer declares about the EU release in opencheck.yaml (`eu_ai_act:`): facts no repository shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from opencheck.evidence import Evidence, Provenance

KEY = "eu_ai_act"


@dataclass(frozen=True)
class Declarations:
    """The declared facts, each None when not declared; `where` names the file they came from."""

    monetised: bool | None = None
    placed_on_market: str | None = None  # ISO date
    copyright_policy: str | None = None  # URL or repository path
    training_summary: str | None = None  # URL or repository path
    where: str | None = None

    def provenance(self, key: str) -> Provenance:
        """Where one declared key was written, marked as declared."""
        return Provenance(file=self.where, key=f"{KEY}.{key}", note="declared")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: the declared values (absent keys left out) and the file."""
        values = {"monetised": self.monetised, "placed_on_market": self.placed_on_market,
                  "copyright_policy": self.copyright_policy, "training_summary": self.training_summary}
        return {"declared": {k: v for k, v in values.items() if v is not None}, "file": self.where}


def _text(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() or None if value is not None else None


def declarations(evidence: Evidence) -> Declarations:
    """`eu_ai_act:` of the manifest (opencheck.yaml), else `eu-ai-act:` of .opencheck.yml; both schema-validated."""
    block = (evidence.manifest or {}).get(KEY)
    where = evidence.manifest_path
    if not isinstance(block, dict) or not block:
        block, where = evidence.eu_declarations, evidence.eu_declarations_file
    if not isinstance(block, dict) or not block:
        return Declarations()
    monetised = block.get("monetised")
    return Declarations(
        monetised=monetised if isinstance(monetised, bool) else None,
        placed_on_market=_text(block.get("placed_on_market")),
        copyright_policy=_text(block.get("copyright_policy")),
        training_summary=_text(block.get("training_summary")),
        where=where,
    )
