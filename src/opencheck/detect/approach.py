"""The learning approach a model card states, in CycloneDX's `modelParameters.approach.type` vocabulary.

Only statements count: "self-supervised", a next-token or masked-language-modelling objective, "an
autoregressive language model" (trained by predicting the next token), "supervised fine-tuning", "RLHF".
A negated sentence ("hasn't been fine-tuned through reinforcement learning") states nothing. A card may
describe several stages; a fine-tune is described by its last stage, a pre-trained model by its pre-training.
"""

from __future__ import annotations

import re

from opencheck.detect.sentences import stated_sentences
from opencheck.evidence import ModelCard, Provenance

APPROACH_PATTERNS: dict[str, re.Pattern[str]] = {
    "self-supervised": re.compile(
        r"\bself[- ]supervised\b|\bnext[- ](token|word) prediction\b|\bpredict(s|ing)? the next (token|word)\b|"
        r"\b(causal|masked) language model(l)?ing\b|\bauto[- ]?regressive (large )?language model\b",
        re.IGNORECASE),
    "unsupervised": re.compile(r"\bunsupervised\b", re.IGNORECASE),
    "semi-supervised": re.compile(r"\bsemi[- ]supervised\b", re.IGNORECASE),
    "supervised": re.compile(r"\bsupervised fine[- ]?tun\w*|\bSFT\b|\binstruction[- ]tun\w*", re.IGNORECASE),
    "reinforcement-learning": re.compile(r"\breinforcement learning\b|\bRLHF\b|\bRLAIF\b", re.IGNORECASE),
}
# Which stated approach describes the model, most telling first.
PRETRAINED_ORDER = ("self-supervised", "unsupervised", "semi-supervised", "supervised", "reinforcement-learning")
FINE_TUNED_ORDER = ("reinforcement-learning", "supervised", "semi-supervised", "unsupervised", "self-supervised")


def stated_approach(card: ModelCard | None, *, fine_tuned: bool) -> tuple[str, Provenance] | None:
    """The approach the card's body states, with the sentence it was stated in; None when it states none."""
    if card is None:
        return None
    found: dict[str, Provenance] = {}
    for number, sentence in stated_sentences(card):
        for approach, pattern in APPROACH_PATTERNS.items():
            match = pattern.search(sentence)
            if match and approach not in found:
                found[approach] = Provenance(file=card.path, line=number,
                                             note=f"states {match.group(0)!r}: {sentence.strip()[:140]}")
    for approach in FINE_TUNED_ORDER if fine_tuned else PRETRAINED_ORDER:
        if approach in found:
            return approach, found[approach]
    return None
