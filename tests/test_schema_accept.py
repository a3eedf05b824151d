"""The quick acceptance check never lets through what jsonschema refuses, and accepts the documents opencheck ships.

`schema_accept.accepts` saying True is taken as "valid" without asking jsonschema; so every document it accepts
must have no jsonschema error. Checked on the shipped documents and on many variants of them (keys dropped, values
of the wrong type, out-of-range numbers, bad dates, extra keys...).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencheck.schema_accept import accepts
from opencheck.schema_validation import get_validator, load_schema, validate
from opencheck.yaml_loading import load_yaml_file

REPO = Path(__file__).resolve().parents[1]
MOT = REPO / "tests" / "fixtures" / "mot"
CORPUS: dict[str, list[Path]] = {
    "manifest.schema.json": [*sorted((MOT / "Test_Data").glob("*.yml")), MOT / "schema" / "sample_model.yml",
                             REPO / "examples" / "open-model" / "opencheck.yaml"],
    "rule-pack.schema.json": sorted((REPO / "rules" / "packs").glob("*.yaml")),
}
SCHEMAS = sorted(p.name for p in (REPO / "schemas").glob("*.json"))
ODD = [None, True, False, 0, 1, -1, 1.5, 2.0, 1e9, "", "x", "2024-13-45", "2024-02-29", "2023-02-29", "Apache-2.0",
       "MIT", "mof", "error", "Datasets", "Model architecture", "http://", "https://a b", "https://x.org/%zz",
       "https://x.org/a?b=c#d", "ftp://x.org", "Open", [], ["x"], [1], ["x", "x"], {}, {"name": "x"}, {"x": 1}]


def _docs() -> list[tuple[str, Any]]:
    return [(schema, load_yaml_file(path).data) for schema, paths in CORPUS.items() for path in paths]


def _jsonschema_valid(data: Any, schema: str) -> bool:
    try:
        return not list(get_validator(schema).iter_errors(data))
    except (TypeError, RecursionError):
        return False


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_shipped_schema_is_a_valid_draft_2020_12_schema(schema: str) -> None:
    # The quick check reads the schemas without jsonschema's meta-validation, so that is done here.
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(load_schema(schema))


@pytest.mark.parametrize(("schema", "data"), _docs(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_shipped_documents_are_accepted_without_jsonschema(schema: str, data: Any) -> None:
    assert _jsonschema_valid(data, schema)
    assert accepts(data, load_schema(schema))


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*here, i))
    return out


def _mutate(data: Any, path: tuple[Any, ...], how: str, odd: Any) -> Any:
    doc = copy.deepcopy(data)
    if not path:
        return odd
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "drop":
        del parent[last]
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpected-key"] = odd
    else:
        parent[last] = odd
    return doc


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_whatever_the_quick_check_accepts_jsonschema_accepts(data: st.DataObject) -> None:
    schema, doc = data.draw(st.sampled_from(_DOCS))
    mutated = doc
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(mutated)))
        how = data.draw(st.sampled_from(("set", "drop", "extra"))) if path else "set"
        mutated = _mutate(mutated, path, how, data.draw(st.sampled_from(ODD)))
    if accepts(mutated, load_schema(schema)):
        assert _jsonschema_valid(mutated, schema), json.dumps(mutated, default=str)[:500]


_DOCS = _docs()


def test_an_invalid_document_still_gets_jsonschemas_located_message() -> None:
    data = load_yaml_file(CORPUS["manifest.schema.json"][-1]).data
    data["release"]["date"] = "2026-13-01"
    assert not accepts(data, load_schema("manifest.schema.json"))
    expected = ["m.yaml: $.release.date: '2026-13-01' is not a 'date'"]
    assert validate(data, "manifest.schema.json", source="m.yaml") == expected


def test_unknown_keywords_and_other_drafts_are_left_to_jsonschema() -> None:
    assert accepts({"a": "x"}, {"type": "object", "properties": {"a": {"type": "string"}}})
    assert not accepts({"a": "x"}, {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}})
    assert not accepts("x", {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"})
    assert not accepts("x", {"format": "uri"})
    assert not accepts({"a": 1}, {"$ref": "other.json#/x"})
    assert accepts({"a": 1}, {"$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}}})
    assert not accepts({"a": True}, {"$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}}})
    assert not accepts({1: "x"}, {"type": "object", "additionalProperties": False})
