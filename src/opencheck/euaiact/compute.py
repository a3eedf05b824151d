"""The training-compute estimate 6 x parameters x training tokens, with each input and where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from opencheck.evidence import Evidence, Provenance

GPAI_THRESHOLD = 1e23  # FLOP; the Commission's GPAI guidelines, indicative criterion
SYSTEMIC_THRESHOLD = 1e25  # FLOP; Art. 51(2) presumption of systemic risk

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12,
          "trillion": 1e12}
# Starts only at the first digit of a number: a long digit run must not be a start at every digit (quadratic).
_NUM = r"(?<![\d.,])(\d+(?:[.,]\d+)*)"
# "15T tokens", "14.8 trillion diverse and high-quality tokens", "1,500B tokens": a few words may sit between.
_TOKENS = re.compile(_NUM + r"\s*(T|B|trillion|billion)\b\s*(?:[A-Za-z-]+\s+){0,4}?tokens\b", re.IGNORECASE)
# "Total seen tokens: **366B**": the figure after the word.
_TOKENS_AFTER = re.compile(r"\btokens\b[:*|\s]{1,8}" + _NUM + r"\s*(T|B|trillion|billion)\b", re.IGNORECASE)
# Mixture of experts: "37B activated", "3.3B activated", "12.9B active parameters", "Activated Parameters | 32B".
_ACTIVE_AFTER = re.compile(_NUM + r"\s*(B|M|T|billion|million|trillion)\b\s*(?:parameters?\s+)?(?:are\s+)?"
                           r"(?:activated|active)\b", re.IGNORECASE)
_ACTIVE_BEFORE = re.compile(r"\b(?:activated|active)\s+param(?:eter)?s?\b[^0-9\n]{0,12}" + _NUM
                            + r"\s*(B|M|T|billion|million|trillion)\b", re.IGNORECASE)
_TOTAL_AFTER = re.compile(_NUM + r"\s*(B|M|T|billion|million|trillion)\b\s*(?:parameters?\s+)?(?:in\s+)?total\b"
                          r"|" + _NUM + r"\s*(B|M|T|billion|million|trillion)\b\s+total\s+param", re.IGNORECASE)
_TOTAL_BEFORE = re.compile(r"\btotal\s+param(?:eter)?s?\b[^0-9\n]{0,12}" + _NUM
                           + r"\s*(B|M|T|billion|million|trillion)\b", re.IGNORECASE)
_PARAMS = re.compile(_NUM + r"\s*(B|M|T|billion|million|trillion)\b[ -]param(?:eter)?s?\b", re.IGNORECASE)
_MOE_CONFIG_KEYS = ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_experts_per_tok")


@dataclass(frozen=True)
class Stated:
    """A number with where it was found."""

    value: float
    provenance: Provenance
    text: str  # as written, or how it was derived


@dataclass(frozen=True)
class ComputeEstimate:
    """6 x N x D, its inputs, and what is missing."""

    parameters: Stated | None
    parameters_kind: str  # total | active | total (upper bound: mixture of experts)
    total_parameters: Stated | None
    tokens: Stated | None
    mixture_of_experts: bool

    @property
    def flop(self) -> float | None:
        """The estimate in FLOP, or None when an input is missing."""
        if self.parameters is None or self.tokens is None:
            return None
        return 6.0 * self.parameters.value * self.tokens.value

    @property
    def upper_bound(self) -> bool:
        """True when total parameters of a mixture of experts stand in for the active ones (an over-estimate)."""
        return self.parameters_kind.startswith("total (upper bound")

    def missing(self) -> list[str]:
        """The numbers that would decide a verdict, in words."""
        out = []
        if self.parameters is None:
            out.append("the parameter count (Hub safetensors metadata, safetensors shard headers, or the card)")
        if self.tokens is None:
            out.append("the number of training tokens (state it in the card, e.g. \"trained on 2T tokens\")")
        return out

    def formula(self) -> str:
        """The formula with its inputs, e.g. `6 x 3.08e9 parameters (total) x 1.12e13 tokens = 2.07e23 FLOP`."""
        kind = self.parameters_kind
        if kind.startswith("active") and self.total_parameters is not None:
            kind = f"{kind}; the total {sci(self.total_parameters.value)} is not used"
        n = f"{sci(self.parameters.value)} parameters ({kind})" if self.parameters else "N (unknown)"
        d = f"{sci(self.tokens.value)} training tokens" if self.tokens else "D (unknown)"
        flop = self.flop
        return f"6 x {n} x {d} = " + (f"{sci(flop)} FLOP" if flop is not None else "unknown")

    def to_dict(self) -> dict[str, object]:
        """JSON shape: inputs with sources, the formula and the result."""

        def stated(s: Stated | None) -> dict[str, object] | None:
            return None if s is None else {"value": s.value, "stated": s.text, "source": s.provenance.describe()}

        return {"formula": "6 x parameters x training tokens", "flop": self.flop, "text": self.formula(),
                "parameters": stated(self.parameters), "parameters_kind": self.parameters_kind,
                "total_parameters": stated(self.total_parameters), "tokens": stated(self.tokens),
                "mixture_of_experts": self.mixture_of_experts, "upper_bound": self.upper_bound,
                "missing": self.missing()}


def sci(value: float) -> str:
    """A number in compact scientific notation: 2.07e+23 -> '2.07e23', 1e+25 -> '1e25'."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def _number(text: str, unit: str) -> float:
    digits = text.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", text) else text.replace(",", ".")
    return float(digits) * _SCALE[unit.lower()]


def _first(evidence: Evidence, patterns: tuple[re.Pattern[str], ...], *, largest: bool = False) -> Stated | None:
    """The first (or largest) figure the card body states matching one of the patterns (a match may wrap lines)."""
    card = evidence.card
    if card is None:
        return None
    lines = card.text.splitlines(keepends=True)
    skip = sum(len(line) for line in lines[:max(card.body_start_line, 1) - 1])
    body = card.text[skip:]
    flat = re.sub(r"\s", " ", body)  # one character per character: offsets still map to lines
    found: list[tuple[int, Stated]] = []
    for pattern in patterns:
        for m in pattern.finditer(flat):
            groups = [g for g in m.groups() if g is not None]
            if len(groups) < 2:
                continue
            before = flat[max(0, m.start() - 24):m.start()].lower()
            if any(word in before for word in ("context", "vocab", "sequence", "warmup", "window")):
                continue  # "a context of 128K tokens" is not a training-data size
            line = max(card.body_start_line, 1) + body.count("\n", 0, m.start())
            text = " ".join(m.group(0).split())
            found.append((m.start(), Stated(_number(groups[0], groups[1]),
                                            Provenance(file=card.path, line=line, note=text), text)))
    if not found:
        return None
    if largest:
        return max(found, key=lambda item: (item[1].value, -item[0]))[1]
    return min(found, key=lambda item: item[0])[1]


def stated_tokens(evidence: Evidence) -> Stated | None:
    """The largest training-token count the card states (pre-training is the largest figure)."""
    return _first(evidence, (_TOKENS, _TOKENS_AFTER), largest=True)


def _is_moe(evidence: Evidence) -> bool:
    config = evidence.config or {}
    if any(isinstance(config.get(k), int) and config.get(k, 0) > 1 for k in _MOE_CONFIG_KEYS):
        return True
    text = evidence.card.text if evidence.card else ""
    return bool(re.search(r"mixture[- ]of[- ]experts|\bMoE\b", text, re.IGNORECASE))


def estimate(evidence: Evidence) -> ComputeEstimate:
    """The compute estimate from the weights metadata and the card (active parameters for a mixture of experts)."""
    tokens = stated_tokens(evidence)
    moe = _is_moe(evidence)
    active = _first(evidence, (_ACTIVE_AFTER, _ACTIVE_BEFORE)) if moe else None
    weights = evidence.weights
    total: Stated | None = None
    if weights.parameters:
        total = Stated(float(weights.parameters), weights.provenance or Provenance(note="weights metadata"),
                       f"{weights.parameters:,} parameters")
    else:
        total = _first(evidence, (_TOTAL_AFTER, _TOTAL_BEFORE)) if moe else None
        total = total or _first(evidence, (_PARAMS,))
    if active is not None:
        return ComputeEstimate(active, "active, as the card states for this mixture of experts", total, tokens, moe)
    if total is not None and moe:
        return ComputeEstimate(total, "total (upper bound: mixture of experts, active parameters not stated)", total,
                               tokens, moe)
    return ComputeEstimate(total, "total", total, tokens, moe)
