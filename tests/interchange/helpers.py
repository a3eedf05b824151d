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
SPDX_SUBSET_SCHEMA = REPO / "tests" / "data" / "spdx-3.0.1-subset.schema.json"
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
def _spdx_validator() -> Any:
    import jsonschema

    schema = json.loads(SPDX_SUBSET_SCHEMA.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def spdx_errors(doc: dict[str, Any]) -> list[str]:
    """Schema errors plus the graph rules JSON Schema cannot express (references, licence cardinality)."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _spdx_validator().iter_errors(doc)]
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
