"""The shapes the Hub gives a model card's metadata keys, and a warning for a value of another shape.

A key of the wrong shape (`datasets: {a: 1}`, `license: 12`, `base_model: [1]`) is not read as the facts it was
meant to state, so a check would report them missing without saying why. The shapes follow huggingface_hub's
`ModelCardData` and the Hub's model card metadata spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from opencheck.evidence import Problem, Provenance

_SCALAR = (str, int, float, bool)


@dataclass(frozen=True)
class _Shape:
    """What a key's value may be: one item (when `alone`), a list of items (when `many`), items of the `item` types."""

    item: tuple[type, ...]
    alone: bool
    many: bool
    said: str  # in the warning: "should be {said}"


_TEXT = _Shape((str,), True, False, "a string")
# Free-form lists (language, tags, metrics) may hold YAML 1.1 scalars a card writer meant as words: `no`
# (Norwegian) loads as a boolean, a year as a number.
_TEXTS = _Shape(_SCALAR, True, True, "a string or a list of strings")
EXPECTED: dict[str, _Shape] = {
    "license": _Shape((str,), True, True, "a licence id or a list of licence ids (strings)"),
    "license_name": _TEXT,
    "license_link": _TEXT,
    "library_name": _TEXT,
    "pipeline_tag": _TEXT,
    "base_model_relation": _TEXT,
    "new_version": _TEXT,
    "thumbnail": _TEXT,
    "datasets": _Shape((str,), True, True, "a Hub dataset id or a list of them (strings)"),
    "base_model": _Shape((str,), True, True, "a Hub model id or a list of them (strings)"),
    "language": _TEXTS,
    "tags": _TEXTS,
    "metrics": _TEXTS,
    "model-index": _Shape((Mapping,), False, True, "a list of mappings (name, results)"),
}


def _shape(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _misfit(shape: _Shape, value: object) -> str | None:
    """How `value` departs from `shape` ("a mapping", "a list holding a number"), or None when it fits."""
    if shape.alone and isinstance(value, shape.item):
        return None
    if not (shape.many and isinstance(value, list)):
        return _shape(value)
    odd = next((entry for entry in value if not isinstance(entry, shape.item)), None)
    return None if odd is None else f"a list holding {_shape(odd)}"


def misshapen_keys(metadata: Mapping[str, object], lines: Mapping[str, int], path: str) -> list[Problem]:
    """A `front-matter-key-invalid` warning for each known key whose value has a shape the Hub does not give it."""
    problems: list[Problem] = []
    for key in sorted(EXPECTED.keys() & metadata.keys()):
        value = metadata[key]
        if value is None or (misfit := _misfit(EXPECTED[key], value)) is None:
            continue
        problems.append(Problem(
            "front-matter-key-invalid",
            f"front matter key `{key}` should be {EXPECTED[key].said} in the Hub's card metadata, not {misfit}: "
            "what it states may not be read",
            Provenance(file=path, line=lines.get(key), key=key),
        ))
    return problems
