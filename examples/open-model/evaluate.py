"""Compute held-out perplexity for tiny-open-lm (reference stub; needs torch and transformers)."""

import math


def perplexity(total_nll: float, tokens: int) -> float:
    """Perplexity from a summed negative log-likelihood."""
    return math.exp(total_nll / tokens)
