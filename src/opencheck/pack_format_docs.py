"""The README's rule-pack format section, generated from schemas/rule-pack.schema.json so the two cannot drift.

`python -m opencheck.pack_format_docs [README.md]` rewrites the part between the markers; tests/test_readme_sections.py
fails when the committed README differs from what this module renders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BEGIN = ("<!-- BEGIN rule-pack format: generated from schemas/rule-pack.schema.json by "
         "`python -m opencheck.pack_format_docs`; do not edit by hand -->")
END = "<!-- END rule-pack format -->"
# How a `$ref` reads in a table cell, alone and as the items of a list.
REF_NAMES = {"#/$defs/rule": "a rule (*Rule keys*)", "#/$defs/condition": "a condition",
             "#/$defs/grading": "a grading (*Grading keys*)"}
REF_PLURALS = {"#/$defs/rule": "rules (*Rule keys*)", "#/$defs/condition": "conditions"}


def _code(value: Any) -> str:
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def _value(spec: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short description of the values a schema allows."""
    if "$ref" in spec:
        if spec["$ref"] in REF_NAMES:
            return REF_NAMES[spec["$ref"]]
        return _value(defs[spec["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in spec:
        return _code(spec["const"])
    if "enum" in spec:
        return " \\| ".join(_code(v) for v in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        item_spec = spec.get("items", {})
        items = REF_PLURALS.get(item_spec.get("$ref", ""), _value(item_spec, defs))
        return f"list of {items}" if spec.get("minItems", 0) == 0 else f"non-empty list of {items}"
    if kind == "string":
        if "pattern" in spec:  # a | inside a code span still ends a Markdown table cell
            return "text matching `{}`".format(spec["pattern"].replace("|", "\\|"))
        return "URL" if spec.get("format") == "uri" else "text"
    if kind in ("number", "integer"):
        word = "whole number" if kind == "integer" else "number"
        if "minimum" in spec and "maximum" in spec:
            return f"{word} from {spec['minimum']} to {spec['maximum']}"
        return f"{word} ≥ {spec['minimum']}" if "minimum" in spec else word
    if kind == "boolean":
        return "`true` \\| `false`"
    if kind == "object" and isinstance(spec.get("additionalProperties"), dict):
        return f"mapping of names to {_value(spec['additionalProperties'], defs)}"
    if kind == "object" and spec.get("properties"):
        required = set(spec.get("required", []))
        fields = [f"`{key}`{'' if key in required else ' (optional)'}: {_value(value, defs)}"
                  for key, value in spec["properties"].items()]
        return "{" + ", ".join(fields) + "}"
    if kind == "object":
        return "mapping"
    return "any"


def _conditions(schema: dict[str, Any]) -> dict[str, str]:
    """Key -> when it is required, from `allOf: [{if: ..., then: {required: [...]}}]`."""
    found: dict[str, str] = {}
    for clause in schema.get("allOf", []):
        condition, then = clause.get("if", {}), clause.get("then", {})
        for key in then.get("required", []):
            if "not" in condition:
                found[key] = "unless " + ", ".join(f"`{k}`" for k in condition["not"].get("required", []))
            else:
                found[key] = "when " + ", ".join(f"`{k}` is {_code(v.get('const'))}"
                                                 for k, v in condition.get("properties", {}).items())
    return found


def _table(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required, conditional = set(schema.get("required", [])), _conditions(schema)
    rows = ["| key | required | value |", "|---|---|---|"]
    for key, spec in schema.get("properties", {}).items():
        needed = "yes" if key in required else ("yes, " + conditional[key] if key in conditional else "no")
        value = _value(spec, defs)
        if spec.get("description"):
            value += f": {spec['description']}"
        rows.append(f"| `{key}` | {needed} | {value} |")
    return rows


def _arguments(spec: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in spec and spec["$ref"] not in REF_NAMES:
        spec = defs[spec["$ref"].rsplit("/", 1)[-1]]
    if spec.get("type") == "array" or "$ref" in spec:
        return _value(spec, defs)
    required = set(spec.get("required", []))
    parts = [f"`{name}`{'' if name in required else ' (optional)'}: {_value(arg, defs)}"
             for name, arg in spec.get("properties", {}).items()]
    text = "; ".join(parts) if parts else "none: `{}`"
    return f"{text}. {spec['description']}" if spec.get("description") else text


def render_section(schema: dict[str, Any]) -> str:
    """The Markdown between the markers (markers included)."""
    defs = schema["$defs"]
    about = schema["description"]
    lines = [BEGIN, "", f"The format, as `schemas/rule-pack.schema.json` defines it: {about[0].lower()}{about[1:]}", "",
             "**Pack keys**", "", *_table(schema, defs), "",
             "**Grading keys**", "", *_table(defs["grading"], defs), "",
             "**Rule keys**", "", *_table(defs["rule"], defs), "",
             "**Conditions**: a `condition` is a mapping with exactly one of these keys.", "",
             "| condition | arguments |", "|---|---|"]
    for name, spec in defs["condition"]["properties"].items():
        lines.append(f"| `{name}` | {_arguments(spec, defs)} |")
    return "\n".join([*lines, "", END])


def rendered_readme(readme: str, schema: dict[str, Any]) -> str:
    """`readme` with its generated section replaced by the current rendering."""
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[:start] + render_section(schema) + readme[end:]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the section in the given README (default: ./README.md); exit 0."""
    from opencheck._resources import schema_path

    path = Path((argv if argv is not None else sys.argv[1:] or ["README.md"])[0])
    schema = json.loads(schema_path("rule-pack.schema.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    new = rendered_readme(text, schema)
    if new != text:
        path.write_text(new, encoding="utf-8")
    print(f"{path}: rule-pack format section {'updated' if new != text else 'already up to date'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
