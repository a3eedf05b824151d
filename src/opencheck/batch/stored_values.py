"""Values read back from a batch store, typed by the column they come from.

A store may have been written elsewhere (docs/hardening.md: a batch store is untrusted), and SQLite keeps whatever
type a writer gave a value whatever the column says: a `score` may hold text or a blob, a `grade` a number, a
`target` bytes that are not UTF-8, and `components` any JSON at all. Every value `export` and `--diff` read goes
through `typed_row`, so the writers after it see only what the schema promises: text or None in a TEXT column, a
finite number or None in a number column, and `components` a mapping of mappings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from opencheck.untrusted_json import loads_untrusted

INTEGER_COLUMNS = frozenset({"grade_rank", "rules_passed", "rules_warned", "rules_failed", "rules_inconclusive",
                             "requests", "attempts", "old_rank", "new_rank"})
REAL_COLUMNS = frozenset({"score"})
BOOLEAN_COLUMNS = frozenset({"gate_passed"})
MAX_REAL = 1e15  # far past any score, and small enough that a sum over millions of rows stays finite


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)  # a number where text belongs: its digits (SQLite's integers have at most 19)


def _integer(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_REAL:
        return int(value)
    return None  # text, a blob, a non-finite float


def _real(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) and abs(number) <= MAX_REAL else None
    return None


def typed_value(column: str, value: Any) -> Any:
    """`value` as the type column `column` holds (None where it cannot be)."""
    if column in INTEGER_COLUMNS:
        return _integer(value)
    if column in REAL_COLUMNS:
        return _real(value)
    if column in BOOLEAN_COLUMNS:
        return bool(_integer(value))
    return _text(value)


def typed_row(row: Mapping[str, Any], columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The row's `columns` (default: all it has; a missing one is None), each typed by `typed_value`."""
    names = columns if columns is not None else tuple(row.keys())
    have = set(row.keys())
    return {c: typed_value(c, row[c]) if c in have else None for c in names}


def stored_components(raw: Any) -> dict[str, dict[str, Any]]:
    """The `components` column: component name -> its stored fields; anything else reads as no components."""
    text = _text(raw)
    try:
        data = loads_untrusted(text) if text is not None else None
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: {k: _text(v) for k, v in fields.items()} for name, fields in data.items()
            if isinstance(fields, dict)}
