"""Evaluating a condition tree: `all` / `any` / `not` over predicates, and `tiers`."""

from __future__ import annotations

from typing import Any

from opencheck.engine.context import Context
from opencheck.engine.predicates.registry import (
    _S,
    PREDICATES,
    _unknown_of,
    predicate,
)
from opencheck.results import Outcome, RuleStatus


def evaluate_condition(ctx: Context, cond: dict[str, Any]) -> Outcome:
    """Evaluate a condition tree (`all` / `any` / `not` / a predicate)."""
    (key, args), = cond.items()
    if key == "all":
        return _combine_all([evaluate_condition(ctx, c) for c in args])
    if key == "any":
        return _combine_any([evaluate_condition(ctx, c) for c in args])
    if key == "not":
        inner = evaluate_condition(ctx, args)
        flipped = {_S.PASS: _S.FAIL, _S.WARN: _S.FAIL, _S.FAIL: _S.PASS}.get(inner.status, inner.status)
        return Outcome(flipped, f"not ({inner.message})", inner.evidence, inner.unknown)
    return PREDICATES[key](ctx, args or {})


def _floor(outcomes: list[Outcome], *, every: bool) -> RuleStatus | None:
    """WARN when every (or, with every=False, any) inconclusive outcome is known to be at least a warning."""
    floors = [o.floor == _S.WARN for o in outcomes if o.status == _S.INCONCLUSIVE]
    return _S.WARN if floors and (all(floors) if every else any(floors)) else None


def _combine_all(outcomes: list[Outcome]) -> Outcome:
    evidence = tuple(ev for o in outcomes for ev in o.evidence)
    for status in (_S.ERROR, _S.FAIL, _S.INCONCLUSIVE, _S.WARN):
        hits = [o for o in outcomes if o.status == status]
        if hits:
            floor = _floor(outcomes, every=True) if status == _S.INCONCLUSIVE else None
            return Outcome(status, "; ".join(o.message for o in hits), evidence, _unknown_of(hits), floor)
    return Outcome(_S.PASS, "; ".join(o.message for o in outcomes), evidence)


def _combine_any(outcomes: list[Outcome]) -> Outcome:
    for status in (_S.PASS, _S.WARN, _S.INCONCLUSIVE, _S.ERROR):
        hits = [o for o in outcomes if o.status == status]
        if hits:
            if status == _S.WARN and (unknown := _unknown_of(outcomes)):
                # A branch left unknown by a failed look-up might pass: "warn" would be a guess (at worst, warn).
                first = next(o for o in outcomes if o.status == _S.INCONCLUSIVE and o.unknown)
                return Outcome(_S.INCONCLUSIVE, first.message, first.evidence, unknown, _S.WARN)
            floor = _floor(hits, every=False) if status == _S.INCONCLUSIVE else None
            return Outcome(status, hits[0].message, hits[0].evidence, _unknown_of(hits), floor)
    return Outcome(_S.FAIL, "; ".join(o.message for o in outcomes),
                   tuple(ev for o in outcomes for ev in o.evidence))


@predicate("tiers")
def tiers(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Three levels: PASS when `open` holds, WARN when only `partial` holds, INCONCLUSIVE when `unknown` holds."""
    full = evaluate_condition(ctx, args["open"])
    if full.status in (_S.PASS, _S.WARN):
        return Outcome(_S.PASS, full.message, full.evidence)
    undecided = full.status in (_S.INCONCLUSIVE, _S.ERROR)
    tried = [full]
    if "partial" in args:
        part = evaluate_condition(ctx, args["partial"])
        if part.status in (_S.PASS, _S.WARN):
            if full.status == _S.INCONCLUSIVE and full.unknown:
                # Partial holds, but "open" hangs on facts a failed look-up left unknown: warn or pass, not known.
                return Outcome(_S.INCONCLUSIVE,
                               f"at least partly open ({part.message}); fully open unless: {full.message}",
                               (*part.evidence, *full.evidence), full.unknown, _S.WARN)
            return Outcome(_S.WARN, f"partly open ({part.message}), but not fully open: {full.message}",
                           (*part.evidence, *full.evidence))
        undecided = undecided or part.status in (_S.INCONCLUSIVE, _S.ERROR)
        tried.append(part)
    if "unknown" in args:
        unk = evaluate_condition(ctx, args["unknown"])
        if unk.status in (_S.PASS, _S.WARN):
            return Outcome(_S.INCONCLUSIVE, f"cannot tell: {unk.message}", unk.evidence)
    if undecided:
        lookup = next((o for o in tried if o.unknown), full)  # say why: the failed look-up, if one did this
        return Outcome(_S.INCONCLUSIVE, f"cannot tell: {lookup.message}", lookup.evidence, _unknown_of(tried))
    return Outcome(_S.FAIL, full.message, full.evidence)
