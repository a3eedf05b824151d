"""pretty_json writes exactly what json.dumps(indent=2, sort_keys=True, ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path
from typing import Any

import pytest

from opencheck.formats.json_text import pretty_json

GOLDENS = Path(__file__).resolve().parents[1] / "goldens"


def _stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


class Colour(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


EDGES: list[Any] = [
    None, True, False, 0, -1, 2**70, 0.1, -0.0, 1e16, 1.5e-7, 3.0, "", "plain", "quote \" back \\ slash",
    "ctl \x00\x1f\x7f\x9f tab\tnl\n", "é ü 漢字 😀 \u2028\u2029 \ufeff", [], {}, (), [[]], {"": {}}, [1, [2, [3, []]]],
    {"b": 1, "a": [True, None, {"z": "y", "é": 1.25}], "A": ()}, ("tuple", 1), {"k": ("x", ["y"])},
    # Left to json.dumps, with the same result (or the same error):
    float("nan"), float("inf"), {"x": -float("inf")}, {1: "int key"}, {"e": Colour.RED}, [Level.HIGH],
    Colour.RED, {"x": {1.5: "float key"}},
]


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_every_edge_value_is_written_as_json_writes_it(value: Any) -> None:
    assert pretty_json(value) == _stdlib(value)


REPORTS = [p for p in sorted(GOLDENS.glob("*.json")) if p.read_text(encoding="utf-8").startswith("{")]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_every_golden_report_is_written_byte_for_byte(path: Path) -> None:
    report = json.loads(path.read_text(encoding="utf-8"))
    assert pretty_json(report) == _stdlib(report)


def _random(rng: random.Random, depth: int) -> Any:
    pick = rng.randrange(9 if depth < 5 else 5)
    if pick == 0:
        return rng.choice([None, True, False])
    if pick == 1:
        return rng.randint(-10**12, 10**12)
    if pick == 2:
        return rng.uniform(-1e6, 1e6)
    if pick in (3, 4):
        return "".join(rng.choice("ab \"\\\n\x01é漢\u2028") for _ in range(rng.randrange(6)))
    if pick in (5, 6):
        return [_random(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {"".join(rng.choice("abcAB_é") for _ in range(rng.randrange(4))): _random(rng, depth + 1)
            for _ in range(rng.randrange(4))}


def test_random_trees_are_written_as_json_writes_them() -> None:
    rng = random.Random(22)
    for _ in range(2000):
        value = _random(rng, 0)
        assert pretty_json(value) == _stdlib(value)


def test_mixed_keys_fail_as_json_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError):
        _stdlib({"a": 1, 2: "b"})
    with pytest.raises(TypeError):
        pretty_json({"a": 1, 2: "b"})


def test_the_golden_reports_are_compared() -> None:
    assert len(REPORTS) > 40


def test_too_deep_nesting_is_left_to_the_standard_library() -> None:
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(RecursionError):
        _stdlib(deep)
    with pytest.raises(RecursionError):
        pretty_json(deep)
