"""Locate the data shipped with opencheck (rule packs, licence data, JSON Schemas)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_root() -> Path:
    """Folder holding `rules/` and `schemas/`: inside the installed wheel, else the source checkout."""
    packaged = Path(__file__).resolve().parent / "_data"
    if (packaged / "rules").is_dir():
        return packaged
    # An editable install or a plain checkout: the data lives at the repository's top level.
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "rules").is_dir():
        return checkout
    raise FileNotFoundError("opencheck data folders (rules/, schemas/) are missing from this installation")


def rules_dir() -> Path:
    """The built-in rule packs and licence data."""
    return data_root() / "rules"


def schemas_dir() -> Path:
    """The JSON Schemas."""
    return data_root() / "schemas"


def schema_path(name: str) -> Path:
    """Path of one JSON Schema, e.g. `rule-pack.schema.json`."""
    return schemas_dir() / name


def load_packaged_yaml(path: Path) -> Any:
    """Parse one of opencheck's own YAML data files (trusted, so PyYAML's fast C safe loader when available), or
    read its compiled JSON form when one was made from these very bytes (opencheck/data_cache.py)."""
    return parse_packaged_yaml(path, path.read_bytes())


def parse_packaged_yaml(path: Path, raw: bytes) -> Any:
    """`raw` (the bytes of the packaged file `path`) parsed, through its compiled form when current."""
    from opencheck.data_cache import compiled
    from opencheck.digests import sha256

    def parse() -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(raw, Loader=loader)  # a safe loader, on our packaged data

    return compiled(path, "yaml", sha256(raw).hexdigest(), parse)


def load_packaged_mapping(path: Path, key: str, what: str) -> dict[str, Any]:
    """A packaged YAML data file whose `key` must be a mapping; a ConfigError naming the file otherwise."""
    from opencheck.errors import ConfigError

    try:
        raw = load_packaged_yaml(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    except Exception as exc:
        import yaml  # only now: a compiled form needs no YAML parser

        if not isinstance(exc, yaml.YAMLError):
            raise
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: cannot read {what}: {problem}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get(key), dict):
        raise ConfigError(f"{path}: expected a mapping with a '{key}' mapping")
    return raw
