"""Rule conditions as trees: `all`/`any`/`not` over predicate calls."""

from __future__ import annotations

from typing import Any


def walk_condition(cond: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every predicate call (name, arguments) in a condition tree, `tiers` included (what a rule reads)."""
    out: list[tuple[str, Any]] = []
    stack = [cond]
    while stack:
        node = stack.pop()
        for key, value in node.items():
            if key in ("all", "any"):
                stack.extend(value)
            elif key == "not":
                stack.append(value)
            elif key == "tiers" and isinstance(value, dict):
                # tiers holds conditions (open / partial / unknown): what they read is what the rule reads.
                out.append((key, value))
                stack.extend(v for v in value.values() if isinstance(v, dict))
            else:
                out.append((key, value))
    return out
