"""JSON from outside opencheck (a checked folder's files, a server's answers, a report or store written elsewhere),
parsed so that no number can break later arithmetic or output, and every failure is a ValueError.

`json.loads` accepts `NaN`, `Infinity` and `-Infinity`, turns `1e999` into an infinite float (then `int()` raises
OverflowError, and `json.dumps` writes the invalid `Infinity` back), and reads integers of any length up to 4,300
digits (a product of two of them has more, and `str()` of that raises ValueError). It raises RecursionError, not
ValueError, for deep nesting. Here a number that is not finite reads as null (which is what JavaScript's
`JSON.stringify`, the Hub's own writer, makes of it), an integer of more than 100 digits is an error (real files
hold at most about 30, e.g. a tokenizer's `model_max_length` of int(1e30); a product of a few 100-digit numbers
stays far below the 4,300 digits `str()` writes), and so is nesting past the interpreter's limit.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_INT_DIGITS = 100


def _constant(_name: str) -> None:
    return None  # NaN, Infinity, -Infinity


def _float(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None  # 1e999


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"integer of {len(text.lstrip('-')):,} digits is out of range")
    return int(text)


# The hooks alone, for a parser that handles nesting and errors its own way (yaml_loading.load_json_text).
NUMBER_HOOKS: dict[str, Any] = {"parse_constant": _constant, "parse_float": _float, "parse_int": _int}


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys included) replaced by U+FFFD.

    A JSON escape such as `"\\ud800"` decodes to a lone surrogate, which no UTF-8 writer (stdout, a report file,
    SQLite) can encode: one in a Hub answer ended a check, in any format, with UnicodeEncodeError."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value


def loads_untrusted(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """`json.loads` for untrusted text: non-finite numbers read as None, lone surrogates as U+FFFD; ValueError for
    anything it cannot read."""
    try:
        value = json.loads(data, **NUMBER_HOOKS, **kwargs)
        # Only a document with a \uD8xx-\uDFxx escape can hold a surrogate: the others skip the walk.
        escaped = (b"\\ud", b"\\uD") if isinstance(data, (bytes, bytearray)) else ("\\ud", "\\uD")
        return without_lone_surrogates(value) if any(e in data for e in escaped) else value  # type: ignore[operator]
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
