"""JSON Schema validation with `FILE:LINE: $.json.path: message` messages, best match first.

`jsonschema` is imported inside functions: it is slow to import and most CLI runs never validate.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opencheck.errors import ConfigError
from opencheck.output.inert import bounded_message

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

LineOf = Callable[[tuple[str | int, ...]], "int | None"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_LONG_ENUM = 5


def format_path(path: Sequence[str | int]) -> str:
    """JSONPath-style text for an instance path, e.g. `$.release.components[3].name`."""
    parts = ["$"]
    for element in path:
        if isinstance(element, int):
            parts.append(f"[{element}]")
        elif _IDENTIFIER.match(element):
            parts.append(f".{element}")
        else:
            parts.append(f"[{json.dumps(element, ensure_ascii=False)}]")
    return "".join(parts)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in opencheck's `schemas/` folder, by file name."""
    from opencheck._resources import schemas_dir

    path = schemas_dir() / name
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot load JSON Schema: {exc}") from None
    if not isinstance(schema, dict):
        raise ConfigError(f"{path}: a JSON Schema must be an object")
    return schema


def _build_validator(schema: dict[str, Any]) -> Validator:
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import SchemaError

    cls = validators.validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ConfigError(f"invalid JSON Schema: {exc.message}") from None
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def _named_validator(name: str) -> Validator:
    return _build_validator(load_schema(name))


@cache
def _dict_validator(canonical: str) -> Validator:
    return _build_validator(json.loads(canonical))


def get_validator(schema: dict[str, Any] | str) -> Validator:
    """A cached, format-checking validator for a schema dict or a shipped schema's file name."""
    if isinstance(schema, str):
        return _named_validator(schema)
    # Dicts are unhashable; their canonical JSON text is a stable cache key.
    return _dict_validator(json.dumps(schema, sort_keys=True))


def _message(error: ValidationError) -> str:
    if error.validator == "enum" and isinstance(error.validator_value, list):
        options = [o for o in error.validator_value if isinstance(o, str)]
        if len(error.validator_value) > _LONG_ENUM and isinstance(error.instance, str):
            close = difflib.get_close_matches(error.instance, options, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            listed = ", ".join(repr(o) for o in error.validator_value)
            return f"{error.instance!r} is not one of the allowed values{hint}; allowed: {listed}"
    message = error.message
    # jsonschema speaks Python (None/True/False); users wrote YAML or JSON.
    for python, json_word in (("None", "null"), ("True", "true"), ("False", "false")):
        if error.instance is json.loads(json_word) and message.startswith(python + " "):
            return json_word + message[len(python):]
    return message


def validate(
    data: Any,
    schema: dict[str, Any] | str,
    *,
    source: str,
    line_of: LineOf | None = None,
) -> list[str]:
    """Validate data; return `FILE:LINE: $.path: message` lines, best match first, else an empty list."""
    if _certainly_valid(data, schema):
        return []  # jsonschema (slow to import) is asked only about documents that may be invalid
    from jsonschema.exceptions import best_match, relevance

    validator = get_validator(schema)
    try:
        errors = list(validator.iter_errors(data))
    except (TypeError, RecursionError) as exc:
        # Non-JSON data (e.g. non-string keys meeting `patternProperties`) must not end in a traceback.
        return [f"{source}: $: cannot validate: {exc}"]
    if not errors:
        return []
    best = best_match(errors, key=relevance)

    def locate(error: ValidationError) -> tuple[int, str]:
        path = tuple(error.absolute_path)
        line = line_of(path) if line_of is not None else None
        where = f"{source}:{line}" if line is not None else source
        # jsonschema's message quotes the offending value whole (a 500 KB rule list "is too long"): cut its middle.
        return (line or 0), f"{where}: {format_path(path)}: {bounded_message(_message(error))}"

    first = locate(best)[1] if best is not None else None
    # The rest in source order, then by text, so output never depends on dict or set iteration.
    rest = sorted({locate(e) for e in errors})
    messages = [first] if first else []
    messages.extend(text for _, text in rest if text != first)
    return messages


def _certainly_valid(data: Any, schema: dict[str, Any] | str) -> bool:
    from opencheck.schema_accept import accepts

    try:
        return accepts(data, load_schema(schema) if isinstance(schema, str) else schema)
    except (TypeError, ValueError, re.error):
        return False  # unusual data or patterns: jsonschema decides and words it


def ensure_valid(data: Any, schema: dict[str, Any] | str, *, source: str, line_of: Any = None) -> None:
    """Raise ConfigError with the best-matching error (and how many more there are) when `data` is invalid."""
    errors = validate(data, schema, source=source, line_of=line_of)
    if errors:
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise ConfigError(errors[0] + more)


def read_capped_file(path: Path, display: str, *, max_bytes: int, what: str, folder: Path | None = None) -> bytes:
    """Bytes of a configuration-like file (inside `folder` when given); problems raise ConfigError."""
    from opencheck.target_files import read_confined

    return read_confined(path, display, max_bytes=max_bytes, what=what, folder=folder)


def load_validated_yaml(path: Path, display: str, schema: str, *, max_bytes: int, what: str,
                        folder: Path | None = None) -> tuple[Any, bytes]:
    """Read a YAML mapping with line numbers and check it against a schema: (loaded document, raw bytes)."""
    from opencheck.yaml_loading import load_yaml

    raw = read_capped_file(path, display, max_bytes=max_bytes, what=what, folder=folder)
    doc = load_yaml(raw, display, max_bytes=max_bytes)
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{display}:1: $: a {what} must be a YAML mapping")
    ensure_valid(doc.data, schema, source=display, line_of=doc.line_of)
    return doc, raw
