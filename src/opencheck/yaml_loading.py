"""Safe YAML (and JSON) loading that remembers the line of every node.

Only plain JSON-like data comes out: dict (string keys), list, str, int, float, bool, None. Timestamps
become ISO strings because MOT's schemas expect strings. Every failure is an `InputError` reading
`FILE:LINE: message`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from opencheck.errors import InputError
from opencheck.untrusted_json import NUMBER_HOOKS, without_lone_surrogates

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_NODES = 100_000
DEFAULT_MAX_DEPTH = 200
# Larger integers are no real value in a card, manifest or pack, and Python refuses to print an int of more
# than 4,300 digits, so one such value (0xfff... is cheap to write) crashed every report writer.
MAX_INT_BITS = 1024

JsonPath = tuple[str | int, ...]

_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp"))
_SEQ_TAG = _YAML_TAG + "seq"
_MAP_TAG = _YAML_TAG + "map"


@dataclass
class LoadedDocument:
    """Parsed data plus a map from JSON path to 1-based source line."""

    data: Any
    source: str
    lines: dict[JsonPath, int] = field(default_factory=dict, repr=False)

    def line_of(self, path: JsonPath | list[str | int]) -> int | None:
        """Line of the node at `path`, else of its nearest ancestor that has one."""
        key = tuple(path)
        while True:
            line = self.lines.get(key)
            if line is not None or not key:
                return line
            key = key[:-1]

    def location(self, path: JsonPath | list[str | int] = ()) -> str:
        """`FILE:LINE` (or just `FILE` when no line is known) for messages."""
        line = self.line_of(path)
        return f"{self.source}:{line}" if line is not None else self.source


class _Failure(Exception):
    """Internal: a problem at a known line, turned into an InputError at the API boundary."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _fail(source: str, line: int | None, message: str) -> InputError:
    one_line = " ".join(message.split())
    return InputError(f"{source}:{line if line is not None else 1}: {one_line}")


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


class _DepthLimitedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses deep nesting before Python's recursion limit is hit."""

    max_depth = DEFAULT_MAX_DEPTH

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        """Compose one node, counting nesting depth."""
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise _Failure(mark.line + 1, f"nesting deeper than {self.max_depth} levels")
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


class _Builder:
    """Turns a composed node tree into plain data, enforcing the tag, key, size and depth rules."""

    def __init__(self, loader: yaml.SafeLoader, max_nodes: int, max_depth: int) -> None:
        self.loader = loader
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.nodes = 0
        self.lines: dict[JsonPath, int] = {}

    def build(self, node: Node, path: JsonPath, line: int, depth: int) -> Any:
        # Aliased nodes are rebuilt at every use, so this count bounds alias expansion (billion laughs).
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _Failure(node.start_mark.line + 1,
                           f"document too large: more than {self.max_nodes} nodes after alias expansion")
        if depth > self.max_depth:
            raise _Failure(node.start_mark.line + 1,
                           f"nesting deeper than {self.max_depth} levels (recursive alias?)")
        if len(self.lines) < self.max_nodes:
            self.lines.setdefault(path, line)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._bad_tag(node)
            return [self.build(item, (*path, i), item.start_mark.line + 1, depth + 1)
                    for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        raise _Failure(node.start_mark.line + 1, "unsupported YAML node")

    def _bad_tag(self, node: Node) -> _Failure:
        return _Failure(node.start_mark.line + 1, f"unsupported YAML tag '{_show_tag(node.tag)}'")

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise self._bad_tag(node)
        if tag == _YAML_TAG + "timestamp":
            try:
                value = SafeConstructor.construct_yaml_timestamp(self.loader, node)
            except ValueError:
                # An impossible date such as 2024-13-45 stays text; schema `format: date` reports it.
                return node.value
            return value.isoformat()
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            shown = node.value if len(node.value) <= 60 else node.value[:60] + "..."
            raise _Failure(node.start_mark.line + 1, f"invalid scalar {shown!r}: {exc}") from None
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise _Failure(node.start_mark.line + 1, f"integer {node.value[:20]!r}... is too large "
                           f"(over {MAX_INT_BITS} bits)")
        return value

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise _Failure(node.start_mark.line + 1, "mapping keys must be plain scalars, not collections")
        if node.tag == _YAML_TAG + "merge":
            raise _Failure(node.start_mark.line + 1, "merge keys ('<<') are not supported")
        if node.tag not in _SCALAR_TAGS:
            raise self._bad_tag(node)
        # JSON objects only have string keys; keep the key as written (`1.0:` stays '1.0', `on:` stays 'on').
        return str(node.value)

    def _mapping(self, node: MappingNode, path: JsonPath, depth: int) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            raise self._bad_tag(node)
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            key_line = key_node.start_mark.line + 1
            if key in first_line:
                raise _Failure(key_line, f"duplicate key '{key}' (first defined on line {first_line[key]})")
            first_line[key] = key_line
            # A value's line is its key's line: that is where a reader looks for the offending entry.
            result[key] = self.build(value_node, (*path, key), key_line, depth + 1)
        return result


def _check_size(source: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise _fail(source, 1, f"file is larger than the {max_bytes}-byte limit")


def _decode(data: str | bytes, source: str, max_bytes: int) -> str:
    if isinstance(data, str):
        # Characters never outnumber UTF-8 bytes, so the cheap test rejects most oversized text first.
        if len(data) > max_bytes:
            _check_size(source, len(data), max_bytes)
        _check_size(source, len(data.encode("utf-8", "surrogatepass")), max_bytes)
        return data
    _check_size(source, len(data), max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:offset].count(b"\n") + 1
        raise _fail(source, line, f"not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset})") from None
    return text


_C_LOADER = getattr(yaml, "CSafeLoader", None)


def _nesting_bound(text: str) -> int:
    """An upper bound on how deeply `text` can nest: running flow-bracket depth plus block indentation plus
    compact entries on one line. Brackets or indicators inside quotes only make the bound larger, never smaller."""
    flow = deepest_flow = 0
    for char in text:
        if char in "[{":
            flow += 1
            deepest_flow = max(deepest_flow, flow)
        elif char in "]}" and flow:
            flow -= 1
    block = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        # Every block level is an indentation step or a compact indicator on the line ("- ", "? ", "key: "),
        # which sits left of anything deeper; counting every '-', '?' and ':' over-counts, never under-counts.
        compact = stripped.count("-") + stripped.count("?") + stripped.count(":")
        block = max(block, len(line) - len(stripped) + compact)
    return deepest_flow + block + 2  # the root node, and the scalar at the bottom


def _fast_loader(decoded: str, max_depth: int) -> Any:
    """libyaml's composer, when the document provably stays within the depth bound (the C composer recurses
    without Python's recursion check); tags, duplicate keys and alias expansion are still enforced by _Builder."""
    if _C_LOADER is None or _nesting_bound(decoded) > max_depth:
        return None
    return _C_LOADER(decoded)


def load_yaml(
    text: str | bytes,
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> LoadedDocument:
    """Parse one YAML document safely into plain data with line numbers; raise InputError on any problem."""
    decoded = _decode(text, source, max_bytes)
    loader: Any = None
    try:
        loader = _fast_loader(decoded, max_depth)
        if loader is None:
            loader = _DepthLimitedLoader(decoded)
            loader.max_depth = max_depth
        node = loader.get_single_node()
        if node is None:
            return LoadedDocument(data=None, source=source)
        builder = _Builder(loader, max_nodes, max_depth)
        data = builder.build(node, (), node.start_mark.line + 1, 1)
        return LoadedDocument(data=data, source=source, lines=builder.lines)
    except _Failure as exc:
        raise _fail(source, exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        raise _fail(source, *_describe_marked(exc)) from None
    except yaml.reader.ReaderError as exc:
        line = decoded[: max(exc.position, 0)].count("\n") + 1
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise _fail(source, line, f"unacceptable character {what}: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise _fail(source, 1, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise _fail(source, 1, "nesting too deep") from None
    finally:
        if loader is not None:
            loader.dispose()


def _describe_marked(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = exc.problem or "invalid YAML"
    if exc.context:
        context = exc.context
        if exc.context_mark is not None and exc.context_mark is not mark:
            context += f" on line {exc.context_mark.line + 1}"
        message = f"{message} ({context})"
    return line, message


def _read_capped(path: Path, display: str, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            # One byte over the cap is enough to know the file is too large without reading all of it.
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(display, 1, f"cannot read file: {exc.strerror or exc}") from None


def load_yaml_file(
    path: Path,
    *,
    display_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> LoadedDocument:
    """Read and parse a YAML file; messages name it `display_name` (default: the path as given)."""
    display = display_name if display_name is not None else str(path)
    raw = _read_capped(Path(path), display, max_bytes)
    return load_yaml(raw, display, max_bytes=max_bytes, max_nodes=max_nodes, max_depth=max_depth)


class _DuplicateJsonKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_lines(decoded: str, source: str, max_bytes: int) -> dict[JsonPath, int]:
    # JSON is (nearly) a YAML subset, so the YAML composer can locate every node; when PyYAML balks at
    # some JSON detail the document simply has no line numbers.
    try:
        return load_yaml(decoded, source, max_bytes=max_bytes).lines
    except InputError:
        return {}


def _json_duplicate(decoded: str, source: str, key: str, max_bytes: int) -> InputError:
    try:
        load_yaml(decoded, source, max_bytes=max_bytes)
    except InputError as exc:
        if "duplicate key" in str(exc):
            return exc
    # Fallback: the second `"key":` in the text, usually right for the first duplicate.
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    matches = list(pattern.finditer(decoded))
    line = decoded.count("\n", 0, matches[1].start()) + 1 if len(matches) > 1 else 1
    return _fail(source, line, f"duplicate key '{key}'")


def load_json_text(text: str | bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Parse JSON with a size cap and duplicate-key rejection, with line numbers where they can be found."""
    decoded = _decode(text, source, max_bytes)

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _DuplicateJsonKey(key)
            result[key] = value
        return result

    try:
        data = json.loads(decoded, object_pairs_hook=pairs_hook, **NUMBER_HOOKS)
    except json.JSONDecodeError as exc:
        raise _fail(source, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except ValueError as exc:  # an integer of more than 100 digits (untrusted_json); json has no line for it
        raise _fail(source, 1, f"invalid JSON: {exc}") from None
    except _DuplicateJsonKey as exc:
        raise _json_duplicate(decoded, source, exc.key, max_bytes) from None
    except RecursionError:
        raise _fail(source, 1, "nesting too deep") from None
    if "\\ud" in decoded or "\\uD" in decoded:  # a lone surrogate no UTF-8 writer can encode
        data = without_lone_surrogates(data)
    return LoadedDocument(data=data, source=source, lines=_json_lines(decoded, source, max_bytes))


def load_json_file(path: Path, *, display_name: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Read and parse a JSON file with the same checks and error style as load_json_text."""
    display = display_name if display_name is not None else str(path)
    return load_json_text(_read_capped(Path(path), display, max_bytes), display, max_bytes=max_bytes)
