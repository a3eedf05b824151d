"""Training configuration and card text -> the hyperparameters they document, each with file, line and key."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from opencheck.evidence import Evidence, Provenance

# Config keys (normalised: lower case, non-alphanumerics as `_`) that document a training hyperparameter.
_KEY_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "learning_rate": r"^(lr|learning_rate|max_lr|peak_lr|base_lr|init_lr|min_lr)$|learning_rate",
        "batch_size": r"batch_size|^(global_batch|train_batch|micro_batch|batch_tokens|tokens_per_batch)",
        "gradient_accumulation": r"grad(ient)?_accum",
        "optimizer": r"^optim|^(adam_beta[12]|adam_eps(ilon)?|betas|beta1|beta2|momentum)$",
        "warmup": r"warmup",
        "lr_schedule": r"lr_scheduler|lr_schedule|^scheduler|decay_style|lr_decay|^schedule$",
        "train_steps": r"^(max_steps|train_steps|total_steps|num_steps|train_iters|max_iters|training_steps|"
        r"num_training_steps|total_iters|max_iterations)$",
        "train_tokens": r"^(train_tokens|training_tokens|total_tokens|num_tokens|tokens|max_duration|"
        r"max_tokens)$",
        "precision": r"^(precision|dtype|torch_dtype|fp16|bf16|tf32|mixed_precision|amp|autocast)$",
        "hardware": r"^(gpus?|num_gpus|n_gpus|tpus?|hardware|hardware_used|num_nodes|nodes|n_nodes|"
        r"accelerator|"
        r"devices|world_size|gpus_per_node|num_processes)$",
        "epochs": r"^(epochs?|num_epochs|num_train_epochs|max_epochs|n_epochs)$",
        "weight_decay": r"^(weight_decay|wd)$",
        "sequence_length": r"^(seq_len|seq_length|sequence_length|max_seq_len|max_seq_length|"
        r"max_sequence_length|"
        r"context_length|block_size|max_length|model_max_length)$",
        "gradient_clipping": r"^(grad_clip|max_grad_norm|gradient_clipping|clip_grad|clip_grad_norm|"
        r"grad_norm_clip)$",
        "seed": r"^(seed|random_seed)$",
    }.items()
}

# Card text: (hyperparameter, pattern, needs a number on the same line).
_TEXT_PATTERNS: list[tuple[str, re.Pattern[str], bool]] = [
    (name, re.compile(pattern, re.IGNORECASE), needs_number)
    for name, pattern, needs_number in [
        # Not "LR scheduling" / "learning rate decay": a schedule's name, not a rate (ModernBERT's "StableAdamW with
        # trapezoidal LR scheduling and 1-sqrt decay" has a digit, but no learning rate).
        ("learning_rate", r"\b(learning[\s_-]?rate|lr)\b(?![\s_-]*(?:schedul|decay|warm))", True),
        ("batch_size", r"\bbatch[\s_-]?size\b|\bglobal[\s_-]batch\b|\btokens[\s_-]per[\s_-]batch\b", True),
        ("gradient_accumulation", r"\bgrad(?:ient)?[\s_-]?accumulation", True),
        ("optimizer", r"\b(adamw?|adafactor|sgd|lion|lamb|shampoo|muon|sophia|adam[\s_-]?beta\w*)\b", False),
        ("warmup", r"\bwarm[\s_-]?up", True),
        (
            "lr_schedule",
            r"\b(cosine|linear(?:ly)?[\s_-]+decay\w*|inverse[\s_-]+sq(?:uare)?[\s_-]*r(?:oo)?t|"
            r"polynomial[\s_-]+decay|lr[\s_-]+schedul\w*\s*[:|]\s*\w+|"
            r"learning[\s_-]+rate[\s_-]+schedul\w*\s*[:|]\s*\w+|decay[\s_-]style)\b",
            False,
        ),
        (
            "train_steps",
            r"\b(?:training|train|total|max|optimi[sz]ation)?[\s_-]*steps\b|\biterations\b",
            True,
        ),
        # Anchored: unanchored, each position of a long line would rescan it to the end (quadratic).
        ("train_tokens", r"^(?=.*\btokens?\b)(?=.*\b(?:train\w*|seen|total|corpus|pre-?train\w*)\b)", True),
        (
            "precision",
            r"\b(bf16|bfloat16|fp16|float16|fp32|float32|tf32|fp8|mixed[\s_-]precision|"
            r"half[\s_-]precision)\b",
            False,
        ),
        (
            "hardware",
            r"\b(a100|h100|h200|v100|a10g?|l40s?|mi250x?|mi300x?|tpu[\s_-]?v\d\w*|gaudi\d?|"
            r"\d+\s*(?:(?:x|×)\s*)?(?:gpus?|tpus?|nodes))\b",
            False,
        ),
        ("epochs", r"\bepochs?\b", True),
        ("weight_decay", r"\bweight[\s_-]?decay\b", True),
        (
            "sequence_length",
            r"\b(sequence[\s_-]?length|seq[\s_-]?len(?:gth)?|context[\s_-]?(?:length|window|size)|"
            r"max(?:imum)?[\s_-]?(?:seq(?:uence)?[\s_-]?)?length|block[\s_-]?size)\b",
            True,
        ),
        (
            "gradient_clipping",
            r"\b(gradient[\s_-]?clipping|grad(?:ient)?[\s_-]?norm|clip(?:ping)?[\s_-]?grad\w*|"
            r"max[\s_-]?grad[\s_-]?norm)\b",
            True,
        ),
        ("seed", r"\b(random\s+)?seed\b", True),
    ]
]
_NUMBER = re.compile(r"\d")
_PLACEHOLDER_IN_LINE = re.compile(r"more\s+info(?:rmation)?\s+needed|\bTBD\b|\bTODO\b|\{\{", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*\{")


def _normalise_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def hyperparameter_name(key: str) -> str | None:
    """Canonical hyperparameter name for a config key (`lr` -> learning_rate), or None."""
    normalised = _normalise_key(key)
    for name, pattern in _KEY_PATTERNS.items():
        if pattern.search(normalised):
            return name
    return None


def hyperparameters_from_data(
    data: Any,
    path: str,
    line_of: Callable[[tuple[str | int, ...]], int | None] | None = None,
    *,
    max_nodes: int = 100_000,
) -> dict[str, Provenance]:
    """Hyperparameters named in a parsed training config (YAML/JSON), each with file, line and key path."""
    found: dict[str, Provenance] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    seen = 0
    while stack and seen < max_nodes:
        node, key_path = stack.pop()
        seen += 1
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        else:
            continue
        for key, value in reversed(children):
            child_path = (*key_path, key)
            if isinstance(key, str) and value is not None and value != "":
                name = hyperparameter_name(key)
                if name and name not in found:
                    dotted = ".".join(str(part) for part in child_path)
                    found[name] = Provenance(file=path, line=line_of(child_path) if line_of else None, key=dotted)
            stack.append((value, child_path))
    # Depth-first order visits keys as written, but keep the first mention by line when lines are known.
    return found


def _citation_lines(lines: list[str]) -> set[int]:
    """Offsets of the lines of BibTeX entries: from `@article{` to the brace that closes it."""
    inside: set[int] = set()
    depth = 0
    for offset, line in enumerate(lines):
        if depth == 0 and not _BIBTEX_ENTRY.match(line):
            continue
        inside.add(offset)
        depth += line.count("{") - line.count("}")
        depth = max(depth, 0)
    return inside


def without_citations(text: str) -> str:
    """The text with each BibTeX entry's lines emptied (line numbers kept), for searches meant for prose."""
    lines = text.splitlines()
    citations = _citation_lines(lines)
    if not citations:
        return text
    return "\n".join("" if offset in citations else line for offset, line in enumerate(lines))


def hyperparameters_from_text(text: str, path: str, first_line: int = 1) -> dict[str, Provenance]:
    """Hyperparameters mentioned in card text (sentences or table rows), each with its line."""
    found: dict[str, Provenance] = {}
    lines = text.splitlines()
    # A citation names people and papers, not settings: "Roberts, Adam" is an author, not the optimiser.
    citations = _citation_lines(lines)
    for offset, line in enumerate(lines):
        if (not line.strip() or offset in citations or _HEADING_LINE.match(line)
                or _PLACEHOLDER_IN_LINE.search(line)):
            continue
        for name, pattern, needs_number in _TEXT_PATTERNS:
            if name in found or not pattern.search(line):
                continue
            if needs_number and not _NUMBER.search(line):
                continue
            if name == "train_steps" and re.search(r"warm[\s_-]?up", line, re.IGNORECASE):
                continue  # "2000 warmup steps" documents warmup, not the length of training
            found[name] = Provenance(file=path, line=first_line + offset, note=line.strip()[:160])
    return found


def _card_body_text(evidence: Evidence) -> str:
    card = evidence.card
    return "\n".join(card.text.splitlines()[card.body_start_line - 1:]) if card is not None else ""


def detect_hyperparameters(evidence: Evidence) -> None:
    """Fill `evidence.hyperparameters`: training configs first, then the card's text, then its emissions hardware."""
    for config in evidence.training_configs:
        for name, provenance in hyperparameters_from_data(config.data, config.path, config.line_of).items():
            evidence.hyperparameters.setdefault(name, provenance)
    card = evidence.card
    if card is None:
        return
    for name, provenance in hyperparameters_from_text(_card_body_text(evidence), card.path,
                                                      card.body_start_line).items():
        evidence.hyperparameters.setdefault(name, provenance)
    emissions = card.metadata.get("co2_eq_emissions")
    if isinstance(emissions, dict) and emissions.get("hardware_used"):
        evidence.hyperparameters.setdefault("hardware", Provenance(
            file=card.path, line=card.metadata_lines.get("co2_eq_emissions"), key="co2_eq_emissions.hardware_used",
            note=str(emissions["hardware_used"])[:160]))
