"""The training-compute estimate 6 x parameters x training tokens, with each input and where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
    # When the card states no token count: a range estimated from the named datasets' sizes (never `tokens`).
    tokens_estimate: TokenRange | None = None
    # Named datasets whose cards give only a size category: a record count, which is never taken for tokens.
    records_only: tuple[str, ...] = ()

    def flop_range(self) -> tuple[float, float | None] | None:
        """(low, high) FLOP from the estimated token range (high None: unbounded; low 0 for an upper bound)."""
        if self.parameters is None or self.tokens_estimate is None:
            return None
        low = 0.0 if self.upper_bound else 6.0 * self.parameters.value * self.tokens_estimate.low
        high = self.tokens_estimate.high
        return low, None if high is None else 6.0 * self.parameters.value * high

    def flop_range_text(self) -> str:
        """The FLOP range from dataset sizes alone, e.g. `3.17e21 to 7.92e21 FLOP` (empty without one)."""
        flops = self.flop_range()
        if flops is None:
            return ""
        low, high = flops
        if low:
            return f"{sci(low)} to {sci(high)} FLOP" if high is not None else f"at least {sci(low)} FLOP"
        return f"at most {sci(high)} FLOP" if high is not None else "unbounded"

    def range_text(self) -> str:
        """The estimate from dataset sizes with its inputs, e.g. `6 x 7.2e9 parameters (total) x 4e11 to 1e12 ...`."""
        est = self.tokens_estimate
        if est is None or self.parameters is None:
            return ""
        return (f"6 x {sci(self.parameters.value)} parameters ({self.parameters_kind}) x {est.describe()} = "
                f"{self.flop_range_text()} (estimated from dataset sizes, not stated; {est.assumption})")

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
            records = (f"; the size categories of {', '.join(self.records_only)} count records, not tokens"
                       if self.records_only and self.tokens_estimate is None else "")
            out.append(f"the number of training tokens (state it in the card, e.g. \"trained on 2T tokens\"{records})")
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
                "missing": self.missing()} | ({"tokens_estimate": self.tokens_estimate.to_dict(),
                                               "estimate_text": self.range_text()} if self.tokens_estimate else {})


BYTES_PER_TOKEN = (2.0, 5.0)  # the range assumed for subword tokenisers: ~4 on English text, fewer on code and
# other scripts; num_bytes counts every column of a split, so the text alone is smaller (a wider range, not a guess)


@dataclass(frozen=True)
class TokenRange:
    """Training tokens estimated from dataset sizes: a range with its inputs and assumption, never a stated figure."""

    low: float
    high: float | None  # None: some named dataset's size is unknown, so only a lower bound is known
    total_bytes: int
    inputs: tuple[str, ...]  # "org/name: 1.2e12 bytes (train)" per sized dataset
    unsized: tuple[str, ...]  # named datasets without a stated size
    evidence: tuple[Provenance, ...]

    @property
    def assumption(self) -> str:
        """What the range assumes, in words."""
        lo, hi = BYTES_PER_TOKEN
        text = (f"assumes {lo:g} to {hi:g} bytes per token of the stored split (num_bytes counts every column) and one "
                "pass over each named dataset's training split; "
                "size categories count records, not tokens, and are not used")
        if self.unsized:
            text += f"; no text size stated for {', '.join(self.unsized)}, so only a lower bound"
        return text

    def describe(self) -> str:
        """The range in words, e.g. `2.4e11 to 6e11 training tokens (estimated from 1.2e12 bytes)`."""
        span = f"{sci(self.low)} to {sci(self.high)}" if self.high is not None else f"at least {sci(self.low)}"
        return f"{span} training tokens (from {sci(float(self.total_bytes))} bytes: {'; '.join(self.inputs)})"

    def to_dict(self) -> dict[str, object]:
        """JSON shape."""
        return {"low": self.low, "high": self.high, "bytes": self.total_bytes, "inputs": list(self.inputs),
                "unsized": list(self.unsized), "bytes_per_token": list(BYTES_PER_TOKEN),
                "assumption": self.assumption, "sources": [e.describe() for e in self.evidence]}


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


_MEDIA = ("image", "audio", "video", "binary", "large_binary")


def is_text(result: dict[str, Any]) -> bool:
    """A looked-up dataset holds text only: no image, audio or video modality tag or feature (bytes are tokens)."""
    kinds = {str(k).lower() for k in result.get("content") or []}
    return not any(k.startswith(_MEDIA) for k in kinds)


def dataset_bytes(result: dict[str, Any]) -> tuple[int, str] | None:
    """A looked-up dataset's training bytes (its `train*` splits, else every split) and which splits they are."""
    splits = [s for s in result.get("splits") or [] if isinstance(s, dict) and isinstance(s.get("num_bytes"), int)]
    train = [s for s in splits if str(s.get("split", "")).lower().startswith("train")] or splits
    if not train:
        return None
    names = sorted({str(s.get("split")) for s in train})
    return sum(int(s["num_bytes"]) for s in train), ", ".join(names)


def estimated_tokens(evidence: Evidence) -> TokenRange | None:
    """Training tokens estimated from the sizes the named datasets' cards state (`dataset_info` num_bytes)."""
    results = evidence.hub.get("datasets")
    if not isinstance(results, dict) or not results:
        return None
    total, inputs, unsized, where = 0, [], [], []
    for dataset_id, result in sorted(results.items()):
        found = isinstance(result, dict) and result.get("status") == "found"
        sized = dataset_bytes(result) if found and is_text(result) else None
        if sized is None:
            unsized.append(dataset_id if not found or is_text(result) else f"{dataset_id} (not text only)")
            continue
        total += sized[0]
        inputs.append(f"{dataset_id}: {sci(float(sized[0]))} bytes ({sized[1]})")
        where.append(Provenance(url=result.get("url"), key="dataset_info", note=f"dataset card of {dataset_id}"))
    if not inputs or total <= 0:
        return None
    lo, hi = BYTES_PER_TOKEN
    return TokenRange(total / hi, None if unsized else total / lo, total, tuple(inputs), tuple(unsized),
                      tuple(where))


def _records_only(evidence: Evidence) -> tuple[str, ...]:
    """Looked-up datasets with a size category (records) but no size in bytes."""
    results = evidence.hub.get("datasets")
    return tuple(sorted(d for d, r in (results.items() if isinstance(results, dict) else ())
                        if isinstance(r, dict) and r.get("size_categories") and dataset_bytes(r) is None))


def _is_moe(evidence: Evidence) -> bool:
    config = evidence.config or {}
    if any(isinstance(config.get(k), int) and config.get(k, 0) > 1 for k in _MOE_CONFIG_KEYS):
        return True
    text = evidence.card.text if evidence.card else ""
    return bool(re.search(r"mixture[- ]of[- ]experts|\bMoE\b", text, re.IGNORECASE))


def estimate(evidence: Evidence) -> ComputeEstimate:
    """The compute estimate from the weights metadata and the card (active parameters for a mixture of experts)."""
    tokens = stated_tokens(evidence)
    guess = estimated_tokens(evidence) if tokens is None else None
    records = _records_only(evidence) if tokens is None else ()
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
        return ComputeEstimate(active, "active, as the card states for this mixture of experts", total, tokens, moe,
                               guess, records)
    if total is not None and moe:
        return ComputeEstimate(total, "total (upper bound: mixture of experts, active parameters not stated)", total,
                               tokens, moe, guess, records)
    return ComputeEstimate(total, "total", total, tokens, moe, guess, records)
