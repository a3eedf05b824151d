"""A faithful, pure port of the Model Openness Tool's MOF evaluation (MOT commit 8b5d30e).

Reference: `shared/reference/mof.md` §1–§5 (ModelEvaluator, LicenseHandler, ModelUpdater). MOT's quirks are
kept on purpose (exact-match licence ids, no expression parsing, `unlicensed` blocks inheritance); only
unknown component names are rejected instead of being silently booked to another component.

model.py holds MOT's vocabulary, licences.py its licence table, evaluate.py the evaluator; from_evidence.py (not
part of the port) turns opencheck's evidence into the manifest the evaluator scores.
"""

from __future__ import annotations

from opencheck.mot.evaluate import badge, evaluate_components, evaluate_manifest, resolve_licence
from opencheck.mot.licences import (
    MOF_LICENSES_FILE,
    OPEN_DATA_LICENSES,
    OPEN_LICENSES,
    is_mot_open,
    mot_open_ids,
    mot_type_appropriate,
    type_appropriate_licences,
)
from opencheck.mot.model import (
    CLASS_ORDER,
    CONTENT_TYPES,
    INCLUDED,
    INVALID,
    LABELS,
    MISSING,
    MISSING_STATUS,
    MOT_COMPONENTS,
    RESEARCH_PAPER,
    TECHNICAL_REPORT,
    UNLICENSED,
    ComponentEntry,
    ComponentVerdict,
    MotComponent,
    MotResult,
)

__all__ = [
    "CLASS_ORDER",
    "CONTENT_TYPES",
    "INCLUDED",
    "INVALID",
    "LABELS",
    "MISSING",
    "MISSING_STATUS",
    "MOF_LICENSES_FILE",
    "MOT_COMPONENTS",
    "OPEN_DATA_LICENSES",
    "OPEN_LICENSES",
    "RESEARCH_PAPER",
    "TECHNICAL_REPORT",
    "UNLICENSED",
    "ComponentEntry",
    "ComponentVerdict",
    "MotComponent",
    "MotResult",
    "badge",
    "evaluate_components",
    "evaluate_manifest",
    "is_mot_open",
    "mot_open_ids",
    "mot_type_appropriate",
    "resolve_licence",
    "type_appropriate_licences",
]
