"""Rule packs: loading YAML packs (built-in or custom), validating them, resolving `extends:`."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from opencheck._resources import rules_dir
from opencheck.engine.conditions import walk_condition
from opencheck.engine.pack_model import MOF_COMPONENT_NAMES, Pack, Rule
from opencheck.errors import ConfigError
from opencheck.results import Severity

PACK_SCHEMA = "rule-pack.schema.json"
MAX_PACK_BYTES = 2_000_000
MAX_EXTENDS_DEPTH = 8


def builtin_packs_dir() -> Path:
    """Folder of the built-in packs."""
    return rules_dir() / "packs"


def builtin_pack_names() -> list[str]:
    """Names of the built-in packs, sorted."""
    return sorted(p.stem for p in builtin_packs_dir().glob("*.yaml"))


def is_path_like(spec: str) -> bool:
    """Whether a pack spec names a file (a .yaml name or a path) rather than a built-in pack."""
    return spec.endswith((".yaml", ".yml")) or "/" in spec or "\\" in spec


def load_pack(spec: str, *, base_dir: Path | None = None, folder: Path | None = None, _depth: int = 0) -> Pack:
    """Load a built-in pack by name, or a custom pack from a YAML path (relative to `base_dir`).

    With `folder` (packs named by a configuration the checked folder supplied), every pack file of the chain,
    `extends:` included, must lie inside `folder` (target_files)."""
    if _depth > MAX_EXTENDS_DEPTH:
        raise ConfigError(f"{spec}: `extends:` chain is deeper than {MAX_EXTENDS_DEPTH} packs (a cycle?)")
    if is_path_like(spec):
        path = Path(spec)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        builtin = False
        if folder is not None:
            from opencheck.target_files import leaves_folder

            if leaves_folder(path, folder):
                raise ConfigError(f"{spec}: rule pack is outside {folder}; a configuration found in a folder may "
                                  "name only packs inside it (name others with --pack or --config)")
    else:
        path = builtin_packs_dir() / f"{spec}.yaml"
        builtin = True
        if not path.is_file():
            names = ", ".join(builtin_pack_names())
            raise ConfigError(f"unknown rule pack {spec!r}; built-in packs: {names} (or give a path to a .yaml pack)")
    display = spec if builtin else str(path)
    data, raw = _read_builtin(path, display) if builtin else _read_and_validate(path, display, folder)
    pack = _build(data, raw, display, builtin)
    if pack.extends:
        parent = load_pack(pack.extends, base_dir=path.parent, folder=None if builtin else folder,
                           _depth=_depth + 1)
        pack = _merge(parent, pack, data, display)
    _semantic_checks(pack, display)
    return pack


def _read_builtin(path: Path, display: str) -> tuple[dict[str, Any], bytes]:
    """A pack shipped with opencheck: trusted and schema-checked by the test suite, so the fast C parser and no
    run-time schema validation (which costs a third of a small check); a broken file still gets located errors."""
    import yaml

    raw = path.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(raw, Loader=loader)  # a safe loader, on our own packaged data
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        return _read_and_validate(path, display)  # reports the problem with file, line and path
    _check_rule_ids_unique(data, display, lambda _path: None)
    return data, raw


def _read_and_validate(path: Path, display: str, folder: Path | None = None) -> tuple[dict[str, Any], bytes]:
    from opencheck.schema_validation import load_validated_yaml

    doc, raw = load_validated_yaml(path, display, PACK_SCHEMA, max_bytes=MAX_PACK_BYTES, what="rule pack",
                                   folder=folder)
    _check_rule_ids_unique(doc.data, display, doc.line_of)
    refused = _pattern_errors(doc.data, display, doc.line_of)
    if refused:
        raise ConfigError(refused[0])
    return doc.data, raw


def _pattern_errors(data: dict[str, Any], display: str, line_of: Any) -> list[str]:
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


def pack_errors(path: Path) -> list[str]:
    """Every problem with a pack file, as `FILE:LINE: $.path: message` lines (empty when valid)."""
    from opencheck.schema_validation import validate
    from opencheck.yaml_loading import load_yaml

    display = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [f"{display}: cannot read: {exc.strerror or exc}"]
    try:
        doc = load_yaml(raw, display, max_bytes=MAX_PACK_BYTES)
    except ConfigError as exc:
        return [str(exc)]
    if not isinstance(doc.data, dict):
        return [f"{display}:1: $: a rule pack must be a YAML mapping"]
    errors = validate(doc.data, PACK_SCHEMA, source=display, line_of=doc.line_of)
    errors.extend(_pattern_errors(doc.data, display, doc.line_of))
    if errors:
        return errors
    try:
        _check_rule_ids_unique(doc.data, display, doc.line_of)
        load_pack(str(path))
    except ConfigError as exc:
        return [str(exc)]
    return []


def _check_rule_ids_unique(data: dict[str, Any], display: str, line_of: Any) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(data.get("rules") or []):
        rid = rule["id"]
        if rid in seen:
            line = line_of(("rules", i, "id")) or 1
            raise ConfigError(f"{display}:{line}: $.rules[{i}].id: duplicate rule id {rid!r}")
        seen.add(rid)


def _build(data: dict[str, Any], raw: bytes, display: str, builtin: bool) -> Pack:
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
        sha256=hashlib.sha256(raw).hexdigest(),
        reference=data.get("reference"),
        extends=data.get("extends"),
        builtin=builtin,
    )


def _merge(parent: Pack, child: Pack, data: dict[str, Any], display: str) -> Pack:
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


def _semantic_checks(pack: Pack, display: str) -> None:
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
