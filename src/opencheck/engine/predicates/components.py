"""Predicates over MOF components' presence: weights, checkpoints, datasets, evaluation, collection."""

from __future__ import annotations

from typing import Any

from opencheck.engine.context import Context
from opencheck.engine.predicates.registry import (
    _S,
    _component_outcome,
    predicate,
)
from opencheck.evidence import LOOKUP_PROBLEM_CODES, Provenance
from opencheck.results import Outcome
from opencheck.wording import count


@predicate("component_present")
def component_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The component is published (detected or declared)."""
    name = args["component"]
    missing = _component_outcome(ctx, name)
    if missing:
        return missing
    comp = ctx.component(name)
    return Outcome(_S.PASS, f"{name}: present ({comp.origin})", tuple(comp.evidence))


@predicate("datasets_named")
def datasets_named(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The card or manifest names the training datasets."""
    ds = ctx.evidence.datasets
    if ds:
        names = ", ".join(sorted({n for n, _ in ds}))
        return Outcome(_S.PASS, f"training data named: {names}", tuple(p for _, p in ds))
    return _component_outcome(ctx, "Datasets") or Outcome(_S.PASS, "training data declared in the manifest")


@predicate("checkpoints_present")
def checkpoints_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Intermediate training checkpoints are published (folders, git or Hub branches, or declared)."""
    cps = ctx.evidence.checkpoints
    if cps:
        names = [n for n, _ in cps]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return Outcome(_S.PASS, f"{count(len(names), 'intermediate checkpoint')}: {shown}",
                       tuple(p for _, p in cps[:5]))
    return _component_outcome(ctx, "Model parameters (Intermediate)") or Outcome(
        _S.PASS, "intermediate checkpoints declared in the manifest",
        tuple(ctx.component("Model parameters (Intermediate)").evidence))


@predicate("weights_ungated")
def weights_ungated(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Weights can be downloaded without accepting extra terms."""
    gated = ctx.evidence.hub.get("gated")
    if gated:
        return Outcome(_S.FAIL, f"weights are gated on the Hub (gated: {gated})",
                       (Provenance(key="gated", url=ctx.evidence.hub.get("url")),))
    gate = ctx.evidence.weights.gate
    if ctx.evidence.weights.gated and gate is not None:
        where = f"{gate.file}:{gate.line}" if gate.line else gate.file
        return Outcome(_S.FAIL, f"weights are gated (declared in the card: {gate.key}, {where})", (gate,))
    missing = _component_outcome(ctx, "Model parameters (Final)")
    if missing:
        # There is no gate to remove: the rule's usual fix would send the user after the wrong thing.
        return Outcome(missing.status, missing.message, missing.evidence,
                       fix="Publish the final weights where anyone can download them, without a Hub access gate.")
    return Outcome(_S.PASS, "weights are downloadable without a gate",
                   tuple(ctx.component("Model parameters (Final)").evidence))


@predicate("evaluation_results_present")
def evaluation_results_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Evaluation results are published (model-index, .eval_results, or an evaluation section)."""
    return component_present(ctx, {"component": "Evaluation results"})


@predicate("no_collection_problems")
def no_collection_problems(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Nothing went wrong reading the repository (malformed front matter, unreadable files, ...)."""
    # A look-up that got no answer is not a problem reading the repository: its facts are reported as unknown.
    problems = [p for p in ctx.evidence.problems if p.code not in LOOKUP_PROBLEM_CODES]
    if not problems and ctx.evidence.lookup_failures:
        # A look-up that answered might have reported something (a dataset not found, a repository without
        # a licence): clean so far, but not known to be clean.
        failed = ", ".join(ctx.evidence.lookups_failed)
        return Outcome(_S.INCONCLUSIVE, f"every file read cleanly; what the failed look-ups ({failed}) would report "
                       "is unknown", (), (f"{failed} look-up findings",))
    if not problems:
        return Outcome(_S.PASS, "all files were read cleanly")
    return Outcome(_S.FAIL, "; ".join(f"{p.message}" for p in problems[:5])
                   + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
                   tuple(p.provenance for p in problems))
