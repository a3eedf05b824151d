"""Which detectors feed a rule: the facts its predicates read, matched against what each detector yields.

A predicate that reads only raw evidence (the card's front matter, the file list, problems) is fed by the
source alone; one that names a MOF component is fed by that component's family detector (and, when it judges
the component's licence, by the licence detector).
"""

from __future__ import annotations

from typing import Any

from opencheck.detect.registry import DETECTORS, Detector, detectors_yielding

_COMPONENT_LICENCE = ("licences",)
# The facts (Evidence fields detectors fill) each predicate reads beyond raw evidence, whatever its arguments.
PREDICATE_FACTS: dict[str, tuple[str, ...]] = {
    "component_present": (),
    "component_open": _COMPONENT_LICENCE,
    "mof_component": _COMPONENT_LICENCE,
    "licence_class_in": ("licences",),
    "datasets_open": ("datasets", "dataset_licences"),
    "datasets_named": ("datasets",),
    "metadata_key_present": (),
    "card_section_present": (),
    "file_present": (),
    "hyperparameters_documented": ("hyperparameters",),
    "checkpoints_present": ("checkpoints",),
    "weights_ungated": ("weights", "component:Model parameters (Final)"),
    "evaluation_results_present": ("component:Evaluation results",),
    "licences_consistent": ("licences",),
    "no_collection_problems": (),
    "card_text_matches": (),
    "tiers": (),  # its open / partial / unknown conditions are walked like any other
    "fact_present": (),  # per key: footprint.* and weights.* are detected, the rest is raw
    "link_present": ("links",),
    "card_no_placeholders": (),
    "licence_per_file_type": ("licences",),
    # The EU AI Act view (opencheck.euaiact): parameters, licences, gating, datasets and the card's figures.
    "eu_ai_act": ("weights", "licences", "datasets", "dataset_licences", "component:Model parameters (Final)"),
}
_DETECTED_NAMESPACES = ("footprint", "weights")  # fact_present keys whose namespace a detector fills


def _predicates(condition: Any) -> list[tuple[str, Any]]:
    """(predicate, arguments) for every predicate in a condition tree, combinators and tiers opened."""
    found: list[tuple[str, Any]] = []
    stack = [condition]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in ("all", "any") and isinstance(value, list):
                stack.extend(value)
            elif key == "not":
                stack.append(value)
            else:
                found.append((key, value))
                if key == "tiers" and isinstance(value, dict):
                    stack.extend(v for v in value.values() if isinstance(v, dict))
    return found


def facts_read(name: str, args: Any) -> set[str]:
    """The detected facts one predicate call reads."""
    facts = set(PREDICATE_FACTS.get(name, ()))
    if not isinstance(args, dict):
        return facts
    if isinstance(args.get("component"), str):
        facts.add(f"component:{args['component']}")
    if args.get("scope") == "datasets":
        facts |= {"datasets", "dataset_licences"}
    if name == "fact_present":
        facts |= {key.partition(".")[0] for key in args.get("keys") or []
                  if isinstance(key, str) and key.partition(".")[0] in _DETECTED_NAMESPACES}
    return facts


def rule_facts(condition: Any, component: str | None = None) -> set[str]:
    """The detected facts a rule reads: its condition's predicates, and the component it is about."""
    facts = {f"component:{component}"} if component else set()
    for name, args in _predicates(condition):
        facts |= facts_read(name, args)
    return facts


def feeding_detectors(condition: Any, component: str | None = None) -> list[Detector]:
    """The detectors that yield a fact the rule reads, and those that run before them and feed them, in order."""
    chosen = {d.name for d in detectors_yielding(rule_facts(condition, component))}
    # Backwards through the table: a detector is fed only by those that run before it.
    for index in range(len(DETECTORS) - 1, -1, -1):
        detector = DETECTORS[index]
        if detector.name in chosen:
            chosen |= {d.name for d in DETECTORS[:index] if set(d.yields).intersection(detector.reads)}
    return [d for d in DETECTORS if d.name in chosen]


def detectors_text(condition: Any, component: str | None = None) -> str:
    """`links, datasets` or `none (raw evidence only)`: the detectors feeding a rule, as docs and `rules show` say."""
    names = [d.name for d in feeding_detectors(condition, component)]
    return ", ".join(names) if names else "none (raw evidence only)"
