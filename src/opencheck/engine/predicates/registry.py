"""The predicate registry (PREDICATES, filled by @predicate) and the outcome helpers predicates share."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from opencheck.engine.context import Context
from opencheck.evidence import ComponentStatus, Provenance
from opencheck.results import Outcome, RuleStatus

if TYPE_CHECKING:
    from opencheck.engine.pack_regex import PackPattern


Predicate = Callable[[Context, dict[str, Any]], Outcome]


PREDICATES: dict[str, Predicate] = {}


_S = RuleStatus


@lru_cache(maxsize=1024)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    # Built-in patterns only (reviewed for linear time); a pack's patterns run on RE2, see _pack_pattern. Being the
    # program's own, their compiled forms are kept between runs.
    from opencheck.compiled_forms import program_regex

    return program_regex(pattern, flags)  # type: ignore[no-any-return]


def _pack_pattern(pattern: str, *, multiline: bool = False) -> PackPattern:
    """A pack's pattern on RE2 (linear time); packs are checked at load time, so this does not fail."""
    from opencheck.engine.pack_regex import compile_pattern

    return compile_pattern(pattern, multiline=multiline)


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate under the name rule packs use."""

    def register(func: Predicate) -> Predicate:
        PREDICATES[name] = func
        return func

    return register


def _unknown_of(outcomes: list[Outcome]) -> tuple[str, ...]:
    """The unknown facts behind inconclusive outcomes, once each, in order."""
    return tuple(dict.fromkeys(u for o in outcomes if o.status == _S.INCONCLUSIVE for u in o.unknown))


def _card_unreadable(ctx: Context) -> bool:
    """The source could not read the card (a gated Hub repo, or a failed download): facts there are unknown."""
    return ctx.evidence.hub.get("card_status") in ("gated", "unavailable")


def _component_outcome(ctx: Context, name: str) -> Outcome | None:
    """A failing outcome when the component is not present; None when it is."""
    comp = ctx.component(name)
    if comp.status == ComponentStatus.PRESENT:
        return None
    if why := ctx.unknown(name):
        return _unknown(name, why, tuple(comp.evidence))
    if _card_unreadable(ctx) and comp.status == ComponentStatus.UNKNOWN:
        return Outcome(_S.INCONCLUSIVE, f"{name}: cannot tell (the model card is not readable)",
                       tuple(comp.evidence))
    where = "declared absent" if comp.origin == "declared" else "not found in the repository, model card or manifest"
    return Outcome(_S.FAIL, f"{name}: {where}", tuple(comp.evidence))


def _unknown(name: str, why: str, evidence: tuple[Provenance, ...] = ()) -> Outcome:
    """Inconclusive because a look-up failed: the fact is unknown, not false."""
    return Outcome(_S.INCONCLUSIVE, f"{name}: {why}", evidence, (name,))


def _lookup(meta: dict[str, Any], dotted: str) -> Any:
    node: Any = meta
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _no_card(ctx: Context) -> Outcome:
    if _card_unreadable(ctx):
        return Outcome(_S.INCONCLUSIVE, "the model card could not be read")
    return Outcome(_S.FAIL, "no model card (README.md)", (Provenance(file="README.md", line=1),))


def _one_of(names: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`: a list of alternatives in a sentence."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
