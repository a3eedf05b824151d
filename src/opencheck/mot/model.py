"""MOT's vocabulary: the 17 components with their classes, the statuses and the result of an evaluation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Final

CONTENT_TYPES: Final = ("code", "data", "document")
CLASS_ORDER: Final = (3, 2, 1)

LABELS: Final[dict[int, str]] = {
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
    0: "Unclassified",
    -1: "Pending evaluation",
}

# Component statuses, as MOT's model page shows them.
INCLUDED: Final = "included"
UNLICENSED: Final = "unlicensed"
INVALID: Final = "invalid"
MISSING_STATUS: Final = "missing"


@dataclass(frozen=True)
class MotComponent:
    """One MOF component as MOT configures it."""

    id: int
    name: str
    content_type: str  # code | data | document
    klass: int  # 3, 2 or 1
    required: bool


# MOT's 17 components, in the order MOT lists them on a model page (class III first).
MOT_COMPONENTS: Final[tuple[MotComponent, ...]] = (
    MotComponent(9, "Model architecture", "code", 3, True),
    MotComponent(10, "Model parameters (Final)", "data", 3, True),
    MotComponent(11, "Technical report", "document", 3, True),
    MotComponent(12, "Evaluation results", "document", 3, True),
    MotComponent(13, "Model card", "document", 3, True),
    MotComponent(14, "Data card", "document", 3, True),
    MotComponent(20, "Sample model outputs", "document", 3, False),
    MotComponent(7, "Training code", "code", 2, True),
    MotComponent(8, "Inference code", "code", 2, True),
    MotComponent(18, "Evaluation code", "code", 2, True),
    MotComponent(19, "Evaluation data", "data", 2, True),
    MotComponent(22, "Supporting libraries and tools", "code", 2, False),
    MotComponent(15, "Datasets", "data", 1, True),
    MotComponent(16, "Data preprocessing code", "code", 1, True),
    MotComponent(24, "Model parameters (Intermediate)", "data", 1, True),
    MotComponent(21, "Research paper", "document", 1, True),
    MotComponent(17, "Model metadata", "data", 1, False),
)

TECHNICAL_REPORT: Final = "Technical report"
RESEARCH_PAPER: Final = "Research paper"

class _Omitted(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


# A component entry whose `license` key is absent (it inherits, like YAML null).
MISSING: Final = _Omitted.MISSING


@dataclass(frozen=True)
class ComponentEntry:
    """One `release.components` entry: a name and its licence as written (MISSING when the key is absent)."""

    name: str
    license: str | _Omitted | None = MISSING


@dataclass(frozen=True)
class ComponentVerdict:
    """How MOT judges one component."""

    name: str
    status: str  # included | unlicensed | invalid | missing
    licence: str  # resolved licence id, `unlicensed` when none, '' when the component is missing
    licence_source: str  # component | release.license.<type> | release.license.distribution | none | missing
    type_appropriate: bool
    klass: int
    required: bool
    content_type: str

    @property
    def warning(self) -> bool:
        """True for an open licence that is not type-appropriate (counted, but MOT warns)."""
        return self.status == INCLUDED and not self.type_appropriate


@dataclass
class MotResult:
    """MOT's classification of one model, with the per-class lists behind it."""

    mof_class: int
    label: str
    progress: dict[int, float]
    total_progress: float
    components: dict[str, ComponentVerdict]
    included: dict[int, list[str]] = field(default_factory=dict)
    missing: dict[int, list[str]] = field(default_factory=dict)
    invalid: dict[int, list[str]] = field(default_factory=dict)
    unlicensed: dict[int, list[str]] = field(default_factory=dict)
    optional: dict[int, list[str]] = field(default_factory=dict)
    not_type_appropriate: list[str] = field(default_factory=list)
    blockers: dict[int, list[str]] = field(default_factory=dict)
    paper_substitutes_report: bool = False

    def next_class(self) -> int | None:
        """The next better class to aim for (3 when unclassified), or None at Class I."""
        if self.mof_class == 1:
            return None
        return 3 if self.mof_class <= 0 else self.mof_class - 1
