"""The naming conventions of intermediate training checkpoints, as one table that drives detection and the docs.

This is interpretation, so it lives in detect/: sources report branch names and file paths as they are, and
detect/checkpoints.py decides with this table which of them are checkpoints.

A checkpoint is published either as a git / Hub branch (Pythia, OLMo, Amber, CrystalCoder) or as a folder in the
repository (Hugging Face Trainer, DeepSpeed, Megatron). Every convention applies to both: a folder named like a
checkpoint branch holds a checkpoint too. Each pattern is anchored and has no ambiguous repetition, so matching
is linear in the length of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class CheckpointConvention:
    """One naming convention: the pattern a branch or folder name must match in full, an example and its source."""

    name: str
    pattern: str  # matched in full, case-insensitively, against one branch or folder name
    example: str
    source: str  # where the convention is documented or observed, and how far it was verified


CONVENTIONS: tuple[CheckpointConvention, ...] = (
    CheckpointConvention(
        "Pythia training steps", r"step[-_]?\d+", "step143000",
        "EleutherAI/pythia-*: 154 Hub branches step0 … step143000 (verified: reference huggingface-hub.md §8; "
        "Hub fixture EleutherAI/pythia-160m)"),
    CheckpointConvention(
        "OLMo steps and tokens", r"(?:stage\d+-)?step\d+-tokens\d+[kmbt]?", "step1000-tokens4B",
        "allenai/OLMo-7B Hub branches, listed in its revisions.txt (verified: OLMo's cards name the convention "
        "`step1000-tokens4B`; Hub fixture allenai/OLMo-7B). OLMo 2 adds a stage prefix (`stage1-step150-tokens1B`, "
        "seen in a Hub discussion of allenai/OLMo-2-1124-7B's branches)"),
    CheckpointConvention(
        "OLMo trainer folders", r"step\d+-unsharded", "step1000-unsharded",
        "allenai/OLMo training runs save `stepN` and `stepN-unsharded` folders (unverified: from the OLMo "
        "repository's checkpoint lists, not in the reference files)"),
    CheckpointConvention(
        "Amber checkpoint revisions", r"ckpt[-_]?\d+", "ckpt_000",
        "LLM360/Amber: Hub branches ckpt_000 … ckpt_359, ckpt_359 being the final model (verified: Amber's "
        "model card; Hub fixture LLM360/Amber)"),
    CheckpointConvention(
        "LLM360 phase checkpoints (CrystalCoder)", r"(?:[a-z0-9.]+_)?phase\d+_checkpoint_\d+",
        "CrystalCoder_phase1_checkpoint_055500",
        "LLM360/CrystalCoder (now LLM360/Crystal): Hub branches such as CrystalCoder_phase1_checkpoint_055500 "
        "and CrystalCoder_phase3_checkpoint_027728 (verified on the Hub's branch pages; no Hub fixture)"),
    CheckpointConvention(
        "Other ckpt-prefixed names", r"ckpt[-_.][a-z0-9][a-z0-9._-]*", "ckpt-final",
        "generic (no single model): a branch or folder whose name starts with `ckpt-`, `ckpt_` or `ckpt.`"),
    CheckpointConvention(
        "Hugging Face Trainer", r"checkpoint[-_]?\d+", "checkpoint-500",
        "transformers.Trainer saves `checkpoint-<global step>` folders in its output directory (unverified here: "
        "not in the reference files)"),
    CheckpointConvention(
        "DeepSpeed", r"global[-_]?step[-_]?\d+", "global_step1000",
        "DeepSpeed's save_checkpoint uses the tag `global_step<N>` by default, as in Megatron-DeepSpeed and "
        "GPT-NeoX runs (unverified here)"),
    CheckpointConvention(
        "Megatron-LM", r"iter[-_]?\d+", "iter_0001000",
        "Megatron-LM saves `iter_<7-digit iteration>` folders (unverified here)"),
    CheckpointConvention(
        "Epoch folders", r"epoch[-_]?\d+", "epoch_3",
        "Hugging Face Accelerate's example scripts save `epoch_<N>` (and `step_<N>`) folders (unverified here)"),
)

# Folders under which every weight file is a checkpoint, whatever its own name (`checkpoints/model-epoch3.pt`).
CHECKPOINT_CONTAINERS = frozenset({"checkpoints", "ckpts", "ckpt", "intermediate", "intermediate_checkpoints"})


@lru_cache(maxsize=1)
def _combined() -> re.Pattern[str]:
    # One alternation, anchored at both ends by fullmatch: a name is tried against each convention once.
    from opencheck.compiled_forms import program_regex

    return program_regex("|".join(f"(?:{c.pattern})" for c in CONVENTIONS), re.IGNORECASE)


@lru_cache(maxsize=8192)
def checkpoint_convention(name: str) -> CheckpointConvention | None:
    """The convention a single branch or folder name follows, or None."""
    if len(name) > 255 or not _combined().fullmatch(name):
        return None  # no ref or folder name is longer; the cap also bounds the work per name
    return next(c for c in CONVENTIONS if re.fullmatch(c.pattern, name, re.IGNORECASE))


def is_checkpoint_name(name: str) -> bool:
    """True for a branch or folder name such as `step1000`, `step1000-tokens4B`, `ckpt_000` or `checkpoint-500`."""
    return checkpoint_convention(name) is not None


def is_checkpoint_branch(ref: str) -> bool:
    """True for a branch (`step1000`, `origin/ckpt_000`, `refs/heads/checkpoint-5`) named like a checkpoint."""
    return is_checkpoint_name(ref.rsplit("/", 1)[-1])


def checkpoint_root(path: str) -> str | None:
    """The `…/checkpoint-N` (or `stepN`) folder a file lives in, if any."""
    parts = path.strip("/").split("/")[:-1]
    for index, part in enumerate(parts):
        if is_checkpoint_name(part):
            return "/".join(parts[: index + 1])
    return None


def conventions_markdown() -> str:
    """The conventions as the Markdown table docs/detection.md shows (a test keeps the two identical)."""
    rows = ["| Convention | Branch or folder name (full match, any case) | Example | Source |", "|---|---|---|---|"]
    for c in CONVENTIONS:
        rows.append(f"| {c.name} | `{c.pattern}` | `{c.example}` | {c.source} |")
    return "\n".join(rows) + "\n"
