"""The shapes the Hub gives a model card's metadata keys, and a warning for a value of another shape.

A key of the wrong shape (`datasets: {a: 1}`, `license: 12`, `base_model: [1]`) is not read as the facts it was
meant to state, so a check would report them missing without saying why. The shapes follow huggingface_hub's
`ModelCardData` and the Hub's model card metadata spec.
"""

from __future__ import annotations

from collections.abc import Mapping

from opencheck.evidence import Problem, Provenance

_TEXT = "a string"
_TEXTS = "a string or a list of strings"
# key -> (what is expected, said in the warning)
EXPECTED: dict[str, str] = {
    "license": "a licence id or a list of licence ids (strings)",
    "license_name": _TEXT,
    "license_link": _TEXT,
    "library_name": _TEXT,
    "pipeline_tag": _TEXT,
    "base_model_relation": _TEXT,
    "new_version": _TEXT,
    "thumbnail": _TEXT,
    "datasets": "a Hub dataset id or a list of them (strings)",
    "base_model": "a Hub model id or a list of them (strings)",
    "language": _TEXTS,
    "tags": _TEXTS,
    "metrics": _TEXTS,
    "model-index": "a list of mappings (name, results)",
}


_SCALAR = (str, int, float, bool)


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


def _fits(key: str, value: object) -> bool:
    expected = EXPECTED[key]
    if expected == EXPECTED["model-index"]:
        return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
    # Free-form lists (language, tags, metrics) may hold YAML 1.1 scalars a card writer meant as words: `no`
    # (Norwegian) loads as a boolean, a year as a number.
    item = _SCALAR if expected == _TEXTS else str
    if isinstance(value, item):
        return True
    return expected != _TEXT and isinstance(value, list) and all(isinstance(entry, item) for entry in value)


def _what(key: str, value: object) -> str:
    if isinstance(value, list) and EXPECTED[key] != _TEXT:
        odd = next((entry for entry in value if not isinstance(entry, str)), None)
        return f"a list holding {_shape(odd)}" if odd is not None else "a list"
    return _shape(value)


def misshapen_keys(metadata: Mapping[str, object], lines: Mapping[str, int], path: str) -> list[Problem]:
    """A `front-matter-key-invalid` warning for each known key whose value has a shape the Hub does not give it."""
    problems: list[Problem] = []
    for key in sorted(EXPECTED.keys() & metadata.keys()):
        value = metadata[key]
        if value is None or _fits(key, value):
            continue
        problems.append(Problem(
            "front-matter-key-invalid",
            f"front matter key `{key}` should be {EXPECTED[key]} in the Hub's card metadata, not "
            f"{_what(key, value)}: what it states may not be read",
            Provenance(file=path, line=lines.get(key), key=key),
        ))
    return problems
