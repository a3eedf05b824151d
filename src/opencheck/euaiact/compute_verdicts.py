"""The two compute verdicts (GPAI model, systemic risk) from the training-compute estimate and the task.

A stated token count gives one figure; a range estimated from the named datasets' sizes decides a verdict only when
the whole range is on one side of the threshold, else the verdict is undetermined and names the number that would
decide it.
"""

from __future__ import annotations

from opencheck.euaiact.compute import GPAI_THRESHOLD, SYSTEMIC_THRESHOLD, ComputeEstimate
from opencheck.euaiact.verdict_model import GENERATIVE_TASKS, LIKELY, NOT_LIKELY, UNDETERMINED, Verdict
from opencheck.evidence import Evidence, Provenance


def pipeline_tag(evidence: Evidence) -> tuple[str | None, Provenance]:
    """The pipeline_tag (card, else Hub) and where it was read."""
    card = evidence.card
    if card and isinstance(card.metadata.get("pipeline_tag"), str):
        return card.metadata["pipeline_tag"], card.key_provenance("pipeline_tag")
    tag = evidence.hub.get("pipeline_tag") or (evidence.hub.get("card_data") or {}).get("pipeline_tag")
    return (tag if isinstance(tag, str) else None), Provenance(key="pipeline_tag", url=evidence.hub.get("url"))


def _compute_evidence(est: ComputeEstimate) -> tuple[Provenance, ...]:
    return tuple(s.provenance for s in (est.parameters, est.tokens) if s is not None)


def gpai_verdict(est: ComputeEstimate, evidence: Evidence) -> Verdict:
    """GPAI model: > 10^23 FLOP and a generative task."""
    title = "General-purpose AI model (indicative: > 10^23 FLOP and a generative task)"
    tag, where = pipeline_tag(evidence)
    flop = est.flop
    ev = (*_compute_evidence(est), where)
    if tag and tag not in GENERATIVE_TASKS:
        return Verdict("gpai", title, NOT_LIKELY, "task", f"pipeline_tag {tag!r} is not a generative task", ev)
    if flop is None and est.flop_range() is not None:
        return _gpai_from_range(est, tag, title, where)
    if flop is not None and flop <= GPAI_THRESHOLD and not est.upper_bound:
        return Verdict("gpai", title, NOT_LIKELY, "compute",
                       f"estimated {est.formula()}, not above 10^23 FLOP", ev)
    if flop is not None and flop <= GPAI_THRESHOLD:
        return Verdict("gpai", title, NOT_LIKELY, "compute",
                       f"even the upper bound {est.formula()} is not above 10^23 FLOP", ev)
    if flop is None:
        return Verdict("gpai", title, UNDETERMINED, "compute",
                       "training compute unknown: missing " + " and ".join(est.missing()), ev)
    if not tag:
        return Verdict("gpai", title, UNDETERMINED, "task",
                       f"estimated {est.formula()} is above 10^23 FLOP, but no pipeline_tag says whether the model "
                       "generates text, images, video or speech", ev)
    if est.upper_bound:
        return Verdict("gpai", title, UNDETERMINED, "compute",
                       f"only an upper bound is known ({est.formula()}); the active parameter count would decide", ev)
    return Verdict("gpai", title, LIKELY, "compute and task",
                   f"estimated {est.formula()} is above 10^23 FLOP and {tag!r} is a generative task", ev)


_ESTIMATED = "compute (estimated from dataset sizes)"


def _range_side(est: ComputeEstimate, threshold: float) -> str | None:
    """"above" or "below" when the whole range estimated from dataset sizes is on one side of `threshold`."""
    flops = est.flop_range()
    if flops is None:
        return None
    low, high = flops
    if high is not None and high <= threshold:
        return "below"
    return "above" if low > threshold else None


def _range_evidence(est: ComputeEstimate) -> tuple[Provenance, ...]:
    return (*_compute_evidence(est), *(est.tokens_estimate.evidence if est.tokens_estimate else ()))


def _undecided(threshold: str, est: ComputeEstimate) -> str:
    return (f"the estimate from dataset sizes spans {threshold} FLOP ({est.range_text()}); the number of training "
            "tokens, stated in the card (e.g. \"trained on 2T tokens\"), would decide"
            + ("; so would the active parameter count" if est.upper_bound else ""))


def _gpai_from_range(est: ComputeEstimate, tag: str | None, title: str, where: Provenance) -> Verdict:
    """The GPAI verdict when only a token range estimated from dataset sizes is known: decided only off the fence."""
    side, ev = _range_side(est, GPAI_THRESHOLD), (*_range_evidence(est), where)
    if side == "below":
        return Verdict("gpai", title, NOT_LIKELY, _ESTIMATED,
                       f"the whole estimate is not above 10^23 FLOP: {est.range_text()}", ev)
    if side is None:
        return Verdict("gpai", title, UNDETERMINED, _ESTIMATED, _undecided("10^23", est), ev)
    if not tag:
        return Verdict("gpai", title, UNDETERMINED, "task",
                       f"the whole estimate is above 10^23 FLOP ({est.range_text()}), but no pipeline_tag says "
                       "whether the model generates text, images, video or speech", ev)
    return Verdict("gpai", title, LIKELY, _ESTIMATED, f"the whole estimate is above 10^23 FLOP "
                   f"({est.range_text()}) and {tag!r} is a generative task", ev)


def systemic_verdict(est: ComputeEstimate) -> Verdict:
    """Systemic risk presumed: > 10^25 FLOP."""
    title = "Systemic risk presumed (Art. 51(2): > 10^25 FLOP)"
    flop = est.flop
    ev = _compute_evidence(est)
    if flop is None and est.flop_range() is not None:
        side, ev = _range_side(est, SYSTEMIC_THRESHOLD), _range_evidence(est)
        if side == "below":
            return Verdict("systemic_risk", title, NOT_LIKELY, _ESTIMATED, "the whole estimate is not above 10^25 "
                           f"FLOP: {est.range_text()} (the Commission can still designate a model)", ev)
        if side == "above":
            return Verdict("systemic_risk", title, LIKELY, _ESTIMATED,
                           f"the whole estimate is above 10^25 FLOP: {est.range_text()}", ev)
        return Verdict("systemic_risk", title, UNDETERMINED, _ESTIMATED, _undecided("10^25", est), ev)
    if flop is None:
        return Verdict("systemic_risk", title, UNDETERMINED, "compute",
                       "training compute unknown: missing " + " and ".join(est.missing()), ev)
    if flop > SYSTEMIC_THRESHOLD and est.upper_bound:
        return Verdict("systemic_risk", title, UNDETERMINED, "compute",
                       f"the upper bound {est.formula()} is above 10^25 FLOP; the active parameter count would "
                       "decide", ev)
    if flop > SYSTEMIC_THRESHOLD:
        return Verdict("systemic_risk", title, LIKELY, "compute",
                       f"estimated {est.formula()} is above 10^25 FLOP", ev)
    return Verdict("systemic_risk", title, NOT_LIKELY, "compute",
                   f"estimated {est.formula()} is not above 10^25 FLOP (the Commission can still designate a model)",
                   ev)
