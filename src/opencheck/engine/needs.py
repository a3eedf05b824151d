"""Which optional evidence lookups a set of packs needs, so a check only spends the requests its rules use.

The Hub source answers a plain check in two requests; branches (intermediate checkpoints), dataset cards
(training-data licences) and linked code repositories' licences cost more and are fetched only when a rule
of an enabled pack reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opencheck.engine.conditions import walk_condition
from opencheck.engine.pack_model import Pack

REFS, DATASETS, GITHUB, ARXIV = "refs", "datasets", "github", "arxiv"

# Components whose facts come from an optional lookup.
COMPONENT_NEEDS: dict[str, frozenset[str]] = {
    "Model parameters (Intermediate)": frozenset({REFS}),
    "Datasets": frozenset({DATASETS}),
    "Training code": frozenset({GITHUB}),
    "Inference code": frozenset({GITHUB}),
    "Evaluation code": frozenset({GITHUB}),
    "Data preprocessing code": frozenset({GITHUB}),
    "Supporting libraries and tools": frozenset({GITHUB}),
    "Research paper": frozenset({ARXIV}),
    "Technical report": frozenset({ARXIV}),
}
# Predicates that need a lookup whatever their arguments.
PREDICATE_NEEDS: dict[str, frozenset[str]] = {
    "checkpoints_present": frozenset({REFS}),
    "datasets_open": frozenset({DATASETS}),
    # A training-content summary in the repository is read; the named datasets' sizes estimate the training tokens
    # when the card states none.
    "eu_ai_act": frozenset({"documents", DATASETS}),
}
# Predicates whose need depends on the component they name (licence checks need the licence lookups;
# presence checks need only what tells presence).
LICENCE_PREDICATES = frozenset({"component_open", "mof_component", "licence_class_in"})


def _predicate_needs(name: str, args: Any) -> set[str]:
    out = set(PREDICATE_NEEDS.get(name, ()))
    if not isinstance(args, dict):
        return out
    if args.get("scope") == "datasets":
        out.add(DATASETS)
    component = args.get("component")
    if component in COMPONENT_NEEDS:
        needs = COMPONENT_NEEDS[component]
        out |= needs if name in LICENCE_PREDICATES else needs & {REFS}
    return out


def pack_needs(pack: Pack) -> frozenset[str]:
    """Lookups a pack's active rules (and its grading) read."""
    out: set[str] = set()
    if pack.grading.get("scheme") == "mof":
        # MOT scores every listed component, so its class depends on every lookup.
        out |= {REFS, DATASETS, GITHUB, ARXIV}
    for rule in pack.active_rules():
        for name, args in walk_condition(rule.condition):
            out |= _predicate_needs(name, args)
    return frozenset(out)


def packs_needs(packs: Iterable[Pack]) -> frozenset[str]:
    """Union of the lookups several packs need."""
    out: set[str] = set()
    for pack in packs:
        out |= pack_needs(pack)
    return frozenset(out)
