"""The 17 MOF components, found by one detector per family (weights, code, data, documentation, evaluation)."""

from __future__ import annotations

from opencheck.detect.components.base import MOF_COMPONENTS, ComponentBuilder
from opencheck.detect.components.code import detect_code
from opencheck.detect.components.data import detect_data
from opencheck.detect.components.documentation import detect_documentation
from opencheck.detect.components.evaluation import detect_evaluation
from opencheck.detect.components.weights import detect_weights_components
from opencheck.evidence import ComponentEvidence, Evidence, with_lfs_note

__all__ = ["MOF_COMPONENTS", "ComponentBuilder", "detect_components"]


def _with_lfs_notes(evidence: Evidence, component: ComponentEvidence) -> ComponentEvidence:
    """Every provenance naming an LFS pointer file says so, with the pointer's oid and size."""
    if evidence.lfs_pointers:
        component.evidence = [with_lfs_note(p, evidence.lfs_pointers) for p in component.evidence]
    return component


def detect_components(evidence: Evidence) -> dict[str, ComponentEvidence]:
    """A ComponentEvidence for each of the 17 MOF components, in MOF order, from every family detector."""
    built = ComponentBuilder(evidence)
    for family in (detect_weights_components, detect_code, detect_documentation, detect_evaluation, detect_data):
        family(evidence, built)
    return {name: _with_lfs_notes(evidence, built.result[name]) for name in MOF_COMPONENTS}
