"""The manifest schema accepts MOT's files and locates errors as `FILE:LINE: $.path: message`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from opencheck._resources import schema_path
from opencheck.mot import MOT_COMPONENTS
from opencheck.schema_validation import format_path, load_schema, validate
from opencheck.yaml_loading import load_yaml, load_yaml_file

FIXTURES = Path(__file__).parent / "fixtures" / "mot"
MOT_FILES = [*sorted((FIXTURES / "Test_Data").glob("*.yml")), FIXTURES / "schema" / "sample_model.yml"]
SCHEMA = "manifest.schema.json"
FORMAT = re.compile(r"^m\.yaml:\d+: \$[^:]*: .+$")

VALID = """\
framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: demo
  producer: Example
  license:
    distribution:
      name: Apache-2.0
  components:
    - name: Model architecture
      license: MIT
    - name: Datasets
"""


def check(text: str) -> list[str]:
    doc = load_yaml(text, "m.yaml")
    messages = validate(doc.data, SCHEMA, source="m.yaml", line_of=doc.line_of)
    for message in messages:
        assert FORMAT.match(message), message
    return messages


def test_manifest_schema_is_valid() -> None:
    from jsonschema.validators import validator_for

    schema = json.loads(schema_path(SCHEMA).read_text(encoding="utf-8"))
    validator_for(schema).check_schema(schema)
    assert schema["$schema"].endswith("/2020-12/schema")


def test_component_names_match_mot() -> None:
    schema = load_schema(SCHEMA)
    names = schema["properties"]["release"]["properties"]["components"]["items"]["properties"]["name"]["enum"]
    assert names == [c.name for c in MOT_COMPONENTS]


@pytest.mark.parametrize("path", MOT_FILES, ids=lambda p: p.stem[:40])
def test_accepts_mot_files(path: Path) -> None:
    doc = load_yaml_file(path)
    assert validate(doc.data, SCHEMA, source=path.name, line_of=doc.line_of) == []


def test_accepts_valid_and_extra_keys() -> None:
    assert check(VALID) == []
    assert check(VALID + "  opencheck_notes: anything\nopencheck: {pack: mof}\n") == []


def test_missing_release() -> None:
    text = "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n"
    assert check(text) == ["m.yaml:1: $: 'release' is a required property"]


def test_wrong_typed_licence_points_at_key() -> None:
    text = VALID.replace("      license: MIT\n", "      license: 2.0\n")
    assert check(text) == ["m.yaml:13: $.release.components[0].license: 2.0 is not of type 'string'"]


def test_null_component_licence_rejected_like_mot() -> None:
    messages = check(VALID + "      license:\n")
    assert messages == ["m.yaml:15: $.release.components[1].license: null is not of type 'string'"]


def test_release_licence_name_type() -> None:
    messages = check(VALID.replace("name: Apache-2.0", "name: [Apache-2.0]"))
    assert messages == ["m.yaml:10: $.release.license.distribution.name: ['Apache-2.0'] is not of type "
                        "'string', 'null'"]


def test_unknown_component_name() -> None:
    messages = check(VALID.replace("- name: Datasets", "- name: Model Card"))
    assert len(messages) == 1
    assert messages[0].startswith("m.yaml:14: $.release.components[1].name: 'Model Card' is not one of the "
                                  "allowed values (did you mean 'Model card'?)")


def test_component_without_name() -> None:
    messages = check(VALID + "    - license: MIT\n")
    assert messages == ["m.yaml:15: $.release.components[2]: 'name' is a required property"]


def test_bad_date_format() -> None:
    messages = check(VALID.replace("'2024-12-15'", "2024-13-45"))
    assert messages == ["m.yaml:4: $.framework.date: '2024-13-45' is not a 'date'"]


def test_unquoted_version_is_a_float() -> None:
    messages = check(VALID.replace("'1.0'", "1.0"))
    assert messages == ["m.yaml:3: $.framework.version: 1.0 is not of type 'string'"]


def test_best_match_first_then_source_order() -> None:
    text = VALID.replace("version: '1.0'", "version: 1").replace("      license: MIT\n", "      license: 2\n")
    text = text.replace("name: demo", "name: ''")
    messages = check(text)
    # jsonschema's best_match prefers shallow errors, and among equals the later path.
    assert messages[0] == "m.yaml:6: $.release.name: '' should be non-empty"
    assert messages[1:] == [
        "m.yaml:3: $.framework.version: 1 is not of type 'string'",
        "m.yaml:13: $.release.components[0].license: 2 is not of type 'string'",
    ]
    assert check(text) == messages  # deterministic


def test_without_line_numbers() -> None:
    messages = validate({"framework": {}}, SCHEMA, source="api")
    assert messages[0].startswith("api: $")
    assert all(m.startswith("api: $") for m in messages)


def test_dict_schema_and_path_quoting() -> None:
    schema = {"type": "object", "properties": {"a b": {"type": "string"}}}
    assert validate({"a b": 1}, schema, source="x") == ['x: $["a b"]: 1 is not of type \'string\'']
    assert validate({"a b": "ok"}, schema, source="x") == []


def test_format_path() -> None:
    assert format_path(()) == "$"
    assert format_path(("release", "components", 3, "name")) == "$.release.components[3].name"
