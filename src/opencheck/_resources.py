"""Locate the data shipped with opencheck (rule packs, licence data, JSON Schemas)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


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
