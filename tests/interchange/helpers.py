"""Shared helpers: examples, Hub fixtures, schema validators."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
EXAMPLE_DIRS = ("open-model", "open-weights-only")
MOT_SCHEMA = REPO / "tests" / "fixtures" / "mot" / "schema" / "mof_schema.json"
MOT_TEST_DATA = REPO / "tests" / "fixtures" / "mot" / "Test_Data"
SPDX_SCHEMAS = REPO / "tests" / "data" / "spdx-3.0.1"
# The SPDX project's published 3.0.1 JSON Schema; the newest revision first (see tests/data/README.md).
SPDX_SCHEMA = SPDX_SCHEMAS / "spdx-spec-a898ae2-v3.0.1-rdf-schema.json"
SPDX_SCHEMA_REVISIONS = (SPDX_SCHEMA, SPDX_SCHEMAS / "spdx-spec-f55ac8b-3.0.1-rdf-schema.json",
                         SPDX_SCHEMAS / "spdx-spec-e435f40-v3.0.1-rdf-schema.json")
HUB_MODELS = ("EleutherAI/pythia-160m", "EleutherAI/gpt-neox-20b", "allenai/OLMo-7B", "LLM360/Amber",
              "bigscience/bloom", "meta-llama/Llama-2-7b-hf", "mistralai/Mistral-7B-v0.1", "tiiuae/falcon-7b",
              "microsoft/phi-2")


def copy_example(name: str, dest: Path, *, keep_manifest: bool = False) -> Path:
    """A copy of an example folder (without its opencheck.yaml unless asked)."""
    target = dest / name
    shutil.copytree(EXAMPLES / name, target)
    if not keep_manifest:
        (target / "opencheck.yaml").unlink(missing_ok=True)
    return target


def mot_schema_errors(data: Any) -> list[str]:
    """Errors of `data` against MOT's own mof_schema.json."""
    import jsonschema

    schema = json.loads(MOT_SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


@cache
def _spdx_validators() -> tuple[tuple[str, Any], ...]:
    import jsonschema_rs

    return tuple((path.name, jsonschema_rs.Draft202012Validator(json.loads(path.read_text())))
                 for path in SPDX_SCHEMA_REVISIONS)


def spdx_python_jsonschema_errors(doc: dict[str, Any]) -> list[str]:
    """Errors from the reference Python `jsonschema` against the primary SPDX schema, best match first (slow)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SPDX_SCHEMA.read_text()))
    errors = sorted(validator.iter_errors(doc), key=jsonschema.exceptions.relevance)
    return [f"$.{'.'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors]


def spdx_schema_errors(doc: dict[str, Any]) -> list[str]:
    """Errors against every shipped revision of the official SPDX 3.0.1 JSON Schema (jsonschema-rs, fast)."""
    errors = []
    for name, validator in _spdx_validators():
        errors += [f"{name}: {e.instance_path}: {e.message[:300]}" for e in validator.iter_errors(doc)]
    return errors


def spdx_errors(doc: dict[str, Any]) -> list[str]:
    """Schema errors plus the graph rules JSON Schema cannot express (references, licence cardinality)."""
    errors = spdx_schema_errors(doc)
    graph = doc.get("@graph", [])
    ids = {e.get("spdxId") for e in graph} | {e.get("@id") for e in graph} | {"expandedlicensing_NoAssertionLicense"}
    for element in graph:
        for key in ("creationInfo", "from", "suppliedBy"):
            if key in element and element[key] not in ids:
                errors.append(f"{element.get('spdxId')}: {key} -> unknown {element[key]}")
        for key in ("to", "rootElement", "element", "createdBy", "createdUsing"):
            errors += [f"{element.get('spdxId')}: {key} -> unknown {ref}" for ref in element.get(key, [])
                       if ref not in ids]
    for element in graph:
        if element.get("type") in ("ai_AIPackage", "dataset_DatasetPackage"):
            for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
                n = sum(1 for r in graph if r.get("type") == "Relationship" and r["from"] == element["spdxId"]
                        and r["relationshipType"] == kind)
                if n != 1:
                    errors.append(f"{element['spdxId']}: {n} {kind} relationships (exactly 1 required)")
    return errors


def cyclonedx_errors(text: str) -> str | None:
    """The library's strict CycloneDX 1.6 JSON validation error, or None."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return None if error is None else str(error)
