"""What a loaded rule pack is: its rules and grading, as data (loading and validating them is packs.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opencheck.results import Severity

MOF_COMPONENT_NAMES = (
    "Model architecture", "Model parameters (Final)", "Technical report", "Evaluation results", "Model card",
    "Data card", "Sample model outputs", "Training code", "Inference code", "Evaluation code", "Evaluation data",
    "Supporting libraries and tools", "Datasets", "Data preprocessing code", "Model parameters (Intermediate)",
    "Research paper", "Model metadata",
)


@dataclass(frozen=True)
class Rule:
    """One declarative rule of a pack."""

    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    condition: dict[str, Any]
    component: str | None = None
    topic: str | None = None
    weight: float = 1.0
    reference: str | None = None
    tags: tuple[str, ...] = ()
    disabled: bool = False


@dataclass(frozen=True)
class Pack:
    """A validated rule pack."""

    name: str
    version: str
    title: str
    description: str
    grading: dict[str, Any]
    rules: tuple[Rule, ...]
    source: str
    sha256: str
    reference: str | None = None
    extends: str | None = None
    builtin: bool = False
    lineage: tuple[str, ...] = field(default=())

    def active_rules(self) -> tuple[Rule, ...]:
        """Rules not disabled by an override."""
        return tuple(r for r in self.rules if not r.disabled)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        return next((r for r in self.rules if r.id == rule_id), None)
