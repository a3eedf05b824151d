"""Reading rule packs: a built-in pack by name or a pack file by path, validated, its `extends:` chain followed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opencheck._resources import rules_dir
from opencheck.digests import sha256
from opencheck.engine.pack_model import Pack
from opencheck.engine.packs import build_pack, check_pack, check_rule_ids_unique, merge_packs, pattern_errors
from opencheck.errors import ConfigError

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
        if not _names_a_file(path):
            names = ", ".join(builtin_pack_names())
            raise ConfigError(f"unknown rule pack {spec!r}; built-in packs: {names} (or give a path to a .yaml pack)")
    display = spec if builtin else str(path)
    data, raw = _read_builtin(path, display) if builtin else _read_and_validate(path, display, folder)
    pack = build_pack(data, display=display, sha256=sha256(raw).hexdigest(), builtin=builtin)
    if pack.extends:
        parent = load_pack(pack.extends, base_dir=path.parent, folder=None if builtin else folder,
                           _depth=_depth + 1)
        pack = merge_packs(parent, pack, data, display)
    check_pack(pack, display)
    return pack


def _names_a_file(path: Path) -> bool:
    # A pack name may come from a checked folder's configuration: one too long for a file name (ENAMETOOLONG) or
    # holding a NUL (ValueError) names no pack, which is a ConfigError, not an internal error.
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _read_builtin(path: Path, display: str) -> tuple[dict[str, Any], bytes]:
    """A pack shipped with opencheck: trusted and schema-checked by the test suite, so the fast C parser and no
    run-time schema validation (which costs a third of a small check); a broken file still gets located errors."""
    from opencheck._resources import parse_packaged_yaml

    raw = path.read_bytes()
    try:
        data = parse_packaged_yaml(path, raw)  # a safe loader (or its compiled form), on our own packaged data
    except Exception as exc:
        import yaml

        if not isinstance(exc, yaml.YAMLError):
            raise
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        return _read_and_validate(path, display)  # reports the problem with file, line and path
    check_rule_ids_unique(data, display, lambda _path: None)
    return data, raw


def _read_and_validate(path: Path, display: str, folder: Path | None = None) -> tuple[dict[str, Any], bytes]:
    from opencheck.schema_validation import load_validated_yaml

    doc, raw = load_validated_yaml(path, display, PACK_SCHEMA, max_bytes=MAX_PACK_BYTES, what="rule pack",
                                   folder=folder)
    check_rule_ids_unique(doc.data, display, doc.line_of)
    refused = pattern_errors(doc.data, display, doc.line_of)
    if refused:
        raise ConfigError(refused[0])
    return doc.data, raw


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
    errors.extend(pattern_errors(doc.data, display, doc.line_of))
    if errors:
        return errors
    try:
        check_rule_ids_unique(doc.data, display, doc.line_of)
        load_pack(str(path))
    except ConfigError as exc:
        return [str(exc)]
    return []
