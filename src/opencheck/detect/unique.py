"""Appending detected facts without repeating one a source (or an earlier detector) already recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def add_unique(target: list[Any], items: Iterable[Any], key: Callable[[Any], Any]) -> None:
    """Append each item whose key is not yet in `target`, keeping the order of both."""
    seen = {key(item) for item in target}
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            target.append(item)
