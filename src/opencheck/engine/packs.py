"""Rule packs from parsed, validated mappings: building `Pack` objects, `extends:` merging, the checks the schema
cannot make. Files are read by `opencheck.rulepacks`; nothing here opens a file or the network."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from opencheck.engine.conditions import walk_condition
from opencheck.engine.pack_model import MOF_COMPONENT_NAMES, Pack, Rule
from opencheck.errors import ConfigError
from opencheck.results import Severity

__all__ = ["MOF_COMPONENT_NAMES", "Pack", "Rule", "build_pack", "check_pack", "check_rule_ids_unique", "merge_packs",
           "pattern_errors"]


def pattern_errors(data: dict[str, Any], display: str, line_of: Any) -> list[str]:
    """`FILE:LINE: $.path: why` for each regular expression RE2 cannot run in linear time."""
    from opencheck.engine.pack_regex import condition_patterns, json_path, pattern_problem

    errors = []
    for i, rule in enumerate(data.get("rules") or []):
        if not isinstance(rule, dict):
            continue
        for where, pattern in condition_patterns(rule.get("condition"), ("rules", i, "condition")):
            problem = pattern_problem(pattern)
            if problem is not None:
                errors.append(f"{display}:{line_of(where) or 1}: {json_path(where)}: {problem}")
    return errors


def check_rule_ids_unique(data: dict[str, Any], display: str, line_of: Any) -> None:
    """Refuse a pack whose rule ids repeat, naming the second one's line."""
    seen: set[str] = set()
    for i, rule in enumerate(data.get("rules") or []):
        rid = rule["id"]
        if rid in seen:
            line = line_of(("rules", i, "id")) or 1
            raise ConfigError(f"{display}:{line}: $.rules[{i}].id: duplicate rule id {rid!r}")
        seen.add(rid)


def build_pack(data: dict[str, Any], *, display: str, sha256: str, builtin: bool) -> Pack:
    """The `Pack` a validated mapping describes (`extends:` not yet merged); `sha256` is its file's digest."""
    rules = tuple(
        Rule(
            id=r["id"],
            title=r["title"],
            severity=Severity(r["severity"]),
            rationale=r["rationale"].strip(),
            remediation=r["remediation"].strip(),
            condition=r["condition"],
            component=r.get("component"),
            topic=r.get("topic"),
            weight=float(r.get("weight", 1.0)),
            reference=r.get("reference"),
            tags=tuple(r.get("tags") or ()),
        )
        for r in data.get("rules") or []
    )
    return Pack(
        name=data["name"],
        version=str(data["version"]),
        title=data["title"],
        description=data["description"].strip(),
        grading=data.get("grading") or {},
        rules=rules,
        source=display,
        sha256=sha256,
        reference=data.get("reference"),
        extends=data.get("extends"),
        builtin=builtin,
    )


def merge_packs(parent: Pack, child: Pack, data: dict[str, Any], display: str) -> Pack:
    """Child inherits parent's rules and grading; overrides change severity, weight or disable rules."""
    overrides: dict[str, dict[str, Any]] = data.get("overrides") or {}
    rules: list[Rule] = []
    for rule in parent.rules:
        change = overrides.get(rule.id)
        if change:
            rule = replace(
                rule,
                severity=Severity(change.get("severity", rule.severity.value)),
                weight=float(change.get("weight", rule.weight)),
                disabled=bool(change.get("disabled", rule.disabled)),
            )
        rules.append(rule)
    unknown = sorted(set(overrides) - {r.id for r in parent.rules})
    if unknown:
        raise ConfigError(f"{display}: $.overrides: no rule {unknown[0]!r} in extended pack {parent.name!r}")
    parent_ids = {r.id for r in parent.rules}
    for rule in child.rules:
        if rule.id in parent_ids:
            raise ConfigError(f"{display}: $.rules: rule {rule.id!r} already exists in {parent.name!r}; "
                              "use `overrides:` to change it")
        rules.append(rule)
    grading = child.grading if data.get("grading") else parent.grading
    return replace(child, rules=tuple(rules), grading=grading, lineage=(*parent.lineage, parent.name))


def check_pack(pack: Pack, display: str) -> None:
    """What the schema cannot say: known component names, and a MOF table when the MOF scheme is used."""
    from opencheck.engine.predicates import PREDICATES

    for rule in pack.rules:
        if rule.component and rule.component not in MOF_COMPONENT_NAMES:
            raise ConfigError(f"{display}: rule {rule.id}: unknown component {rule.component!r}; "
                              f"expected one of the 17 MOF component names")
        for name, args in walk_condition(rule.condition):
            if name not in PREDICATES:
                raise ConfigError(f"{display}: rule {rule.id}: unknown predicate {name!r}")
            comp = args.get("component") if isinstance(args, dict) else None
            if comp and comp not in MOF_COMPONENT_NAMES:
                raise ConfigError(f"{display}: rule {rule.id}: {name}: unknown component {comp!r}")
