"""Counted nouns in finding texts: "1 category", "2 categories", "0 of 1 category"."""

from __future__ import annotations


def plural(n: int, singular: str, many: str | None = None) -> str:
    """The noun for `n` things: `singular` for exactly one, else `many` (default: singular + "s")."""
    return singular if n == 1 else (many or singular + "s")


def count(n: int, singular: str, many: str | None = None) -> str:
    """`n` and its noun: "1 statement", "3 statements"."""
    return f"{n} {plural(n, singular, many)}"
