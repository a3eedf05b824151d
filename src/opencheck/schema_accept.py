"""A quick, conservative check that a document is valid against one of opencheck's JSON Schemas (draft 2020-12).

Importing `jsonschema` and building a validator costs more than the rest of a small check. Most documents a user
supplies (a manifest, a configuration, a pack) are valid, so `accepts` first answers the one question that matters
for them: is this document certainly valid? It knows the keywords opencheck's schemas use and follows
jsonschema's meaning of each; any keyword, format or value it is not sure about makes the answer "unknown", and
the caller then asks jsonschema, which also words every error. So `accepts` never lets through a document
jsonschema would refuse (tests/test_schema_accept.py compares the two on every shipped schema).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

Verdict = bool | None  # True: certainly valid; False: certainly invalid; None: ask jsonschema
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# Keywords that only annotate: they never make a document invalid.
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
                          "deprecated", "readOnly", "writeOnly", "markdownDescription"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's own `date` pattern
# A plain http(s) URL: valid under every URI grammar jsonschema may check `uri` with (rfc3987, rfc3986-validator).
_PLAIN = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*"
_URI = re.compile(rf"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{{1,5}})?(?:/{_PLAIN})?(?:\?{_PLAIN})?"
                  rf"(?:#{_PLAIN})?", re.ASCII)
_MAX_DEPTH = 200


def accepts(data: Any, schema: dict[str, Any]) -> bool:
    """Whether `data` is certainly valid against `schema` (False means: ask jsonschema)."""
    if schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
        return False
    try:
        return _Walk(schema).check(data, schema, 0) is True
    except RecursionError:
        return False


def _all(verdicts: list[Verdict]) -> Verdict:
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _is_type(value: Any, name: str) -> Verdict:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return True if name == "number" or isinstance(value, int) else value.is_integer()
    return None


def _same(value: Any, expected: Any) -> Verdict:
    """jsonschema's equality for enum/const, on the plain scalars where Python's agrees with it."""
    if isinstance(expected, (str, bool, int)) or expected is None:
        if isinstance(value, (str, bool, int)) or value is None:
            return type(value) is type(expected) and value == expected
        return None if isinstance(value, float) else False
    return None


class _Walk:
    """One document against one root schema (for `$ref`)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def check(self, value: Any, schema: Any, depth: int) -> Verdict:
        """The verdict of one (sub)schema on one value."""
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return None
        verdicts: list[Verdict] = []
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("then", "else"):
                continue
            verdict = self._keyword(keyword, argument, value, schema, depth + 1)
            if verdict is False:
                return False
            verdicts.append(verdict)
        return _all(verdicts)

    def _keyword(self, keyword: str, arg: Any, value: Any, schema: dict[str, Any], depth: int) -> Verdict:
        simple = _SIMPLE.get(keyword)
        if simple is not None:
            return simple(arg, value)
        if keyword == "$ref":
            target = self._resolve(arg)
            return None if target is None else self.check(value, target, depth)
        if keyword in ("allOf", "anyOf", "oneOf"):
            return self._combine(keyword, arg, value, depth)
        if keyword == "not":
            inner = self.check(value, arg, depth)
            return None if inner is None else not inner
        if keyword == "if":
            condition = self.check(value, arg, depth)
            if condition is None:
                return None
            branch = schema.get("then" if condition else "else", True)
            return self.check(value, branch, depth)
        if keyword == "items":
            return _all([self.check(v, arg, depth) for v in value]) if isinstance(value, list) else True
        if keyword in ("properties", "patternProperties", "additionalProperties", "propertyNames"):
            return self._object(keyword, value, schema, depth)
        return None  # a keyword this check does not know: jsonschema decides

    def _combine(self, keyword: str, branches: Any, value: Any, depth: int) -> Verdict:
        if not isinstance(branches, list):
            return None
        verdicts = [self.check(value, b, depth) for b in branches]
        if keyword == "allOf":
            return _all(verdicts)
        if keyword == "anyOf":
            return True if True in verdicts else (False if all(v is False for v in verdicts) else None)
        if None in verdicts:
            return None
        return verdicts.count(True) == 1

    def _object(self, keyword: str, value: Any, schema: dict[str, Any], depth: int) -> Verdict:
        if not isinstance(value, dict):
            return True
        if not all(isinstance(k, str) for k in value):
            return None  # jsonschema fails on such keys in its own way
        if keyword == "propertyNames":
            return _all([self.check(k, schema[keyword], depth) for k in value])
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        if keyword == "properties":
            return _all([self.check(value[k], s, depth) for k, s in properties.items() if k in value])
        if keyword == "patternProperties":
            return _all([self.check(v, s, depth) for p, s in patterns.items() for k, v in value.items()
                         if re.search(p, k)])
        extra = [k for k in value if k not in properties and not any(re.search(p, k) for p in patterns)]
        return _all([self.check(value[k], schema[keyword], depth) for k in extra])

    def _resolve(self, ref: Any) -> Any:
        """A `#/...` pointer inside the root schema; anything else is unknown here."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        node: Any = self.root
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


def _type(arg: Any, value: Any) -> Verdict:
    names = arg if isinstance(arg, list) else [arg]
    verdicts = [_is_type(value, n) for n in names]
    return True if True in verdicts else (None if None in verdicts else False)


def _enum(arg: Any, value: Any) -> Verdict:
    if not isinstance(arg, list):
        return None
    verdicts = [_same(value, e) for e in arg]
    return True if True in verdicts else (None if None in verdicts else False)


def _sized(kind: type, compare: Any) -> Any:
    def check(arg: Any, value: Any) -> Verdict:
        if not isinstance(value, kind):
            return True
        if isinstance(arg, bool) or not isinstance(arg, int):
            return None
        return compare(len(value), arg)
    return check


def _bound(compare: Any) -> Any:
    def check(arg: Any, value: Any) -> Verdict:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        if isinstance(arg, bool) or not isinstance(arg, (int, float)):
            return None
        return compare(value, arg)
    return check


def _pattern(arg: Any, value: Any) -> Verdict:
    if not isinstance(value, str):
        return True
    return None if not isinstance(arg, str) else re.search(arg, value) is not None


def _format(arg: Any, value: Any) -> Verdict:
    if not isinstance(value, str):
        return True
    if arg == "uri":
        return True if _URI.fullmatch(value) else None
    if arg != "date":
        return None  # the other formats are left to jsonschema
    if not _DATE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return True


def _required(arg: Any, value: Any) -> Verdict:
    if not isinstance(value, dict):
        return True
    return None if not isinstance(arg, list) else all(k in value for k in arg)


def _unique(arg: Any, value: Any) -> Verdict:
    if arg is not True or not isinstance(value, list):
        return True
    if not all(isinstance(v, str) for v in value):
        return None
    return len(set(value)) == len(value)


_SIMPLE = {
    "type": _type,
    "enum": _enum,
    "const": lambda arg, value: _same(value, arg),
    "minLength": _sized(str, lambda n, m: n >= m),
    "maxLength": _sized(str, lambda n, m: n <= m),
    "minItems": _sized(list, lambda n, m: n >= m),
    "maxItems": _sized(list, lambda n, m: n <= m),
    "minProperties": _sized(dict, lambda n, m: n >= m),
    "maxProperties": _sized(dict, lambda n, m: n <= m),
    "minimum": _bound(lambda v, m: v >= m),
    "maximum": _bound(lambda v, m: v <= m),
    "exclusiveMinimum": _bound(lambda v, m: v > m),
    "exclusiveMaximum": _bound(lambda v, m: v < m),
    "pattern": _pattern,
    "format": _format,
    "required": _required,
    "uniqueItems": _unique,
}
