"""Parsing SPDX expressions with `license-expression`, built lazily, and rendering them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opencheck.once import computed_once

if TYPE_CHECKING:
    from license_expression import Licensing


@computed_once
def licensing() -> Licensing:
    """The SPDX `Licensing` object; built on first use because its index is slow to load (~0.2 s of CPU)."""
    from opencheck.licenses.symbols import spdx_licensing

    return spdx_licensing()


@dataclass(frozen=True)
class Leaf:
    """A licence id, optionally with `+` and a `WITH` exception."""

    id: str
    plus: bool = False
    exception: str | None = None

    def render(self) -> str:
        """SPDX text of this leaf."""
        text = f"{self.id}+" if self.plus else self.id
        return f"{text} WITH {self.exception}" if self.exception else text


@dataclass(frozen=True)
class Node:
    """An AND / OR of sub-expressions."""

    op: str  # "AND" | "OR"
    args: tuple[Leaf | Node, ...]


Tree = Leaf | Node


def render(tree: Tree, *, top: bool = True) -> str:
    """SPDX text of a tree, with parentheses only where needed."""
    if isinstance(tree, Leaf):
        return tree.render()
    inner = f" {tree.op} ".join(render(a, top=False) for a in tree.args)
    return inner if top else f"({inner})"


def leaves(tree: Tree) -> list[Leaf]:
    """The leaves of a tree, left to right."""
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for arg in tree.args for leaf in leaves(arg)]


def parse_raw(text: str) -> Any:
    """Parse with license-expression, non-strict (unknown keys become plain symbols); may raise anything."""
    from opencheck.licenses.narrow import narrow_licensing

    # Only the symbols that can occur in the text: the same answer without building the whole SPDX parser.
    narrow = narrow_licensing(text) if isinstance(text, str) else None
    return (narrow or licensing()).parse(text)


def known_key(key: str) -> bool:
    """Whether license-expression's SPDX index knows this key."""
    from opencheck.licenses.narrow import known_keys

    keys = known_keys()
    return key in (keys if keys is not None else licensing().known_symbols)


def parse_tree(text: str) -> Tree | None:
    """Parse an already-normalised expression into a Tree; None if it does not parse."""
    from opencheck.licenses.symbols import single_key

    key = single_key(text)  # one id: license-expression's answer without building its index
    if key is not None:
        return Leaf(key[:-1], plus=True) if key.endswith("+") and len(key) > 1 else Leaf(key)
    try:
        parsed = parse_raw(text)
    except Exception:  # license-expression raises assorted types (even AttributeError) on bad input
        return None
    if parsed is None:
        return None
    return convert(parsed)


def convert(node: Any) -> Tree:
    """license-expression objects -> our Tree, keeping keys as they are."""
    from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

    if isinstance(node, LicenseWithExceptionSymbol):
        base = convert(node.license_symbol)
        if isinstance(base, Node):  # cannot happen with license-expression's grammar; keep the tree
            return base
        return Leaf(base.id, base.plus, str(node.exception_symbol.key))
    if isinstance(node, LicenseSymbol):
        key = str(node.key)
        if key.endswith("+") and len(key) > 1:
            return Leaf(key[:-1], plus=True)
        return Leaf(key)
    op = "AND" if type(node).__name__ == "AND" else "OR"
    return Node(op, tuple(convert(a) for a in node.args))
