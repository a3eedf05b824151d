"""Whether a local target holds anything model-like at all (`opencheck check /etc` should say it does not)."""

from __future__ import annotations

from opencheck.evidence import Evidence, FileKind, TargetKind

# Any one of these file kinds is something a model release ships: weights (LFS pointers included, they keep
# their weight kind), checkpoints, a card, a model configuration, a tokenizer or an openness manifest.
MODEL_KINDS = frozenset({FileKind.WEIGHTS, FileKind.WEIGHTS_INDEX, FileKind.CHECKPOINT, FileKind.MODEL_CARD,
                         FileKind.CONFIG, FileKind.TOKENIZER, FileKind.MANIFEST})
NOTHING_MODEL_LIKE = ("nothing model-like found (no weights, checkpoints, model card, config.json, tokenizer "
                      "or manifest)")


def nothing_model_like(evidence: Evidence) -> bool:
    """True for a local folder with no weights, checkpoints, card, model config, tokenizer or manifest."""
    if evidence.target.kind not in (TargetKind.LOCAL, TargetKind.GIT):
        return False  # a Hub id names a model repository; a manifest describes a model by definition
    return not (
        evidence.card is not None
        or evidence.config
        or evidence.manifest
        or evidence.checkpoints
        or evidence.lfs_pointers
        or not MODEL_KINDS.isdisjoint(evidence.files_by_kind())
    )


def model_notice(evidence: Evidence) -> str | None:
    """The headline note a report carries about its target, if any."""
    return NOTHING_MODEL_LIKE if nothing_model_like(evidence) else None
