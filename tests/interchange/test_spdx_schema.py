"""The shipped SPDX 3.0.1 JSON Schemas are the published bytes, and they really reject what SPDX forbids."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from tests.interchange.helpers import (
    EXAMPLES,
    SPDX_SCHEMA,
    SPDX_SCHEMA_REVISIONS,
    spdx_errors,
    spdx_python_jsonschema_errors,
    spdx_schema_errors,
)

from opencheck.collect import collect
from opencheck.interchange.bom import build_bom

STAMP = "2026-01-01T00:00:00Z"
# sha256 of each file as transcribed from spdx/spdx-spec's published site; tests/data/README.md says where from.
PUBLISHED = {
    "spdx-spec-a898ae2-v3.0.1-rdf-schema.json": "dd0b626dc43cc9c7083d00127af34407c8b2e82b74b5b2550d8a92a870d87b72",
    "spdx-spec-f55ac8b-3.0.1-rdf-schema.json": "d711c811b1ff6face561cbd8cfd07cb5d581845030d4c24cf8cc7107cc8d112a",
    "spdx-spec-e435f40-v3.0.1-rdf-schema.json": "aeee07d6dfa86b4ae01b00388d78b024c3556f43cbfda05c4d8ba3675495d5eb",
}


@pytest.fixture(scope="module")
def open_model_spdx() -> dict[str, Any]:
    return json.loads(build_bom(collect(str(EXAMPLES / "open-model")), "spdx", STAMP))


def test_schema_files_are_unchanged_and_are_spdx_3_0_1() -> None:
    assert {p.name for p in SPDX_SCHEMA_REVISIONS} == set(PUBLISHED)
    for path in SPDX_SCHEMA_REVISIONS:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == PUBLISHED[path.name], path.name
        schema = json.loads(path.read_text())
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["@context"]["const"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
        assert {"ai_AIPackage", "dataset_DatasetPackage", "Relationship"} <= set(schema["$defs"])


def test_example_is_valid_under_two_independent_validators(open_model_spdx: dict[str, Any]) -> None:
    assert spdx_schema_errors(open_model_spdx) == []
    # The reference Python implementation agrees with jsonschema-rs on the newest revision.
    assert spdx_python_jsonschema_errors(open_model_spdx) == []


def _model(doc: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in doc["@graph"] if e["type"] == "ai_AIPackage")


def _break_unknown_property(doc: dict[str, Any]) -> None:
    _model(doc)["ai_modelCard"] = "not an SPDX property"


def _break_autonomy(doc: dict[str, Any]) -> None:
    _model(doc)["ai_autonomyType"] = "maybe"


def _break_context(doc: dict[str, Any]) -> None:
    doc["@context"] = "https://spdx.org/rdf/3.0.0/spdx-context.jsonld"


def _break_created(doc: dict[str, Any]) -> None:
    doc["@graph"][0]["created"] = "2026-01-01 00:00:00"


def _break_dataset_type(doc: dict[str, Any]) -> None:
    next(e for e in doc["@graph"] if e["type"] == "dataset_DatasetPackage").pop("dataset_datasetType")


def _break_relationship(doc: dict[str, Any]) -> None:
    next(e for e in doc["@graph"] if e["type"] == "Relationship")["relationshipType"] = "trainedWith"


def _break_domain_cardinality(doc: dict[str, Any]) -> None:
    _model(doc)["ai_informationAboutTraining"] = ["a list where SPDX allows one string"]


BREAKS = [_break_unknown_property, _break_autonomy, _break_context, _break_created, _break_dataset_type,
          _break_relationship, _break_domain_cardinality]


@pytest.mark.parametrize("breaker", BREAKS, ids=[b.__name__.removeprefix("_break_") for b in BREAKS])
def test_every_revision_rejects_a_broken_document(open_model_spdx: dict[str, Any], breaker: Any) -> None:
    doc = copy.deepcopy(open_model_spdx)
    breaker(doc)
    errors = spdx_schema_errors(doc)
    flagged = {e.split(":", 1)[0] for e in errors}
    assert flagged == set(PUBLISHED), errors


def test_python_reference_validator_also_rejects(open_model_spdx: dict[str, Any]) -> None:
    doc = copy.deepcopy(open_model_spdx)
    _break_autonomy(doc)
    assert spdx_python_jsonschema_errors(doc)


def test_graph_rules_beyond_the_schema(open_model_spdx: dict[str, Any]) -> None:
    # JSON Schema cannot see dangling references or the AI profile's one-declared-licence rule.
    doc = copy.deepcopy(open_model_spdx)
    doc["@graph"] = [e for e in doc["@graph"] if e.get("relationshipType") != "hasDeclaredLicense"]
    doc["@graph"][-1]["rootElement"] = ["https://example.invalid/missing"]
    errors = spdx_errors(doc)
    assert any("hasDeclaredLicense" in e for e in errors) and any("missing" in e for e in errors)
    assert spdx_errors(open_model_spdx) == []
    assert SPDX_SCHEMA in SPDX_SCHEMA_REVISIONS
