"""Derive facts (licences, links, datasets, hyperparameters, checkpoints, weights, MOF components).

Shared by every source: it only reads the `Evidence` record (files, card, config, licence texts, git and
Hub facts) and never touches the filesystem or the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from opencheck.evidence import (
    ComponentEvidence,
    ComponentStatus,
    Evidence,
    FileEntry,
    FileKind,
    LicenceStatement,
    Link,
    ModelCard,
    Provenance,
    Section,
    TargetKind,
    with_lfs_note,
)
from opencheck.sources.approach import stated_approach
from opencheck.sources.card import extract_links, is_placeholder_text
from opencheck.sources.checkpoints import checkpoint_convention, is_checkpoint_branch
from opencheck.sources.file_kinds import checkpoint_root
from opencheck.sources.footprint import footprint

# The 17 MOF components (names exactly as MOT spells them) and their content type.
MOF_COMPONENTS: dict[str, str] = {
    "Model architecture": "code",
    "Model parameters (Final)": "data",
    "Technical report": "document",
    "Evaluation results": "document",
    "Model card": "document",
    "Data card": "document",
    "Sample model outputs": "document",
    "Training code": "code",
    "Inference code": "code",
    "Evaluation code": "code",
    "Evaluation data": "data",
    "Supporting libraries and tools": "code",
    "Datasets": "data",
    "Data preprocessing code": "code",
    "Model parameters (Intermediate)": "data",
    "Research paper": "document",
    "Model metadata": "data",
}
_WEIGHT_COMPONENTS = frozenset({"Model parameters (Final)", "Model parameters (Intermediate)"})
MAX_PROVENANCE = 20  # per component: enough to show where, without copying a million-file listing

# --- hyperparameters -------------------------------------------------------------------------------------

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
        ("learning_rate", r"\b(learning[\s_-]?rate|lr)\b", True),
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


def hyperparameters_from_text(text: str, path: str, first_line: int = 1) -> dict[str, Provenance]:
    """Hyperparameters mentioned in card text (sentences or table rows), each with its line."""
    found: dict[str, Provenance] = {}
    for offset, line in enumerate(text.splitlines()):
        if not line.strip() or _HEADING_LINE.match(line) or _PLACEHOLDER_IN_LINE.search(line):
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


# --- licences --------------------------------------------------------------------------------------------

_LICENCE_TITLE = re.compile(r"licen[cs]", re.IGNORECASE)
_LICENCE_LABEL = re.compile(
    r"^\W*(?:\*\*|__)?licen[cs]e(?:\s*\(s\))?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$", re.IGNORECASE
)
# No brackets inside the text and no parentheses inside the target: each "[" or "(" then starts a scan that ends
# at the next one, where `[^\]]*` would rescan a long bracket-only line from every "[" (quadratic).
_MD_LINK_TEXT = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")


def _plain(text: str) -> str:
    text = _MD_LINK_TEXT.sub(r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip().rstrip(".")


def identify_licence_text(text: str) -> Any | None:
    """Identify a licence text with `opencheck.licenses.identify_text` when that module is installed."""
    # INTEGRATION POINT: opencheck.licenses (another engineer) provides identify_text(text) -> TextMatch
    # (licence_id, score, name). Until it exists, licence files stay "unknown text".
    try:
        from opencheck.licenses import identify_text  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return identify_text(text)
    except Exception:  # a broken matcher must not stop evidence collection
        return None


def _licence_file_scope(path: str) -> str:
    parts = path.lower().split("/")[:-1]
    if not parts:
        return "repository"
    top = parts[0]
    if top in {"data", "dataset", "datasets"}:
        return "data"
    if top in {"docs", "doc", "documentation", "paper", "papers"}:
        return "document"
    if top in {"weights", "checkpoints", "models", "model"}:
        return "weights"
    return "code"


def licence_statements(evidence: Evidence) -> list[LicenceStatement]:
    """Licences stated by the card (`license` key, licence section, "License:" lines) and licence files."""
    statements: list[LicenceStatement] = []
    card = evidence.card
    if card is not None:
        statements.extend(_card_licences(card))
    hub_tags = evidence.hub.get("tags")
    if not any(s.provenance.key in ("license", "license_name") for s in statements) and isinstance(hub_tags, list):
        for tag in hub_tags:
            if isinstance(tag, str) and tag.startswith("license:"):
                statements.append(
                    LicenceStatement(
                        raw=tag.split(":", 1)[1],
                        scope="repository",
                        provenance=Provenance(key="tags", note="Hub licence tag"),
                    )
                )
    for path, text in sorted(evidence.licence_texts.items()):
        name = path.rsplit("/", 1)[-1].upper()
        if name.startswith("NOTICE"):
            continue  # a NOTICE lists attributions; it is not itself a licence grant
        scope = _licence_file_scope(path)
        match = identify_licence_text(text)
        licence_id = getattr(match, "licence_id", None) if match is not None else None
        if licence_id:
            score = getattr(match, "score", None)
            detail = f"licence text identified as {getattr(match, 'name', None) or licence_id}"
            if isinstance(score, (int, float)):
                detail += f" (score {score:.2f})"
            statements.append(
                LicenceStatement(
                    raw=str(licence_id), scope=scope, provenance=Provenance(file=path, line=1, note=detail)
                )
            )
        else:
            statements.append(
                LicenceStatement(
                    raw="unknown text",
                    scope=scope,
                    provenance=Provenance(file=path, line=1, note="licence text not identified"),
                )
            )
    return statements


def _card_licences(card: ModelCard) -> list[LicenceStatement]:
    statements: list[LicenceStatement] = []
    metadata = card.metadata
    value = metadata.get("license")
    name = metadata.get("license_name")
    link = metadata.get("license_link")
    extra = "; ".join(f"{k}: {v}" for k, v in (("license_name", name), ("license_link", link)) if v)
    values = value if isinstance(value, list) else [value] if value is not None else []
    for item in values:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool) or str(item).strip() == "":
            continue
        raw = str(item).strip()
        base = card.key_provenance("license")
        provenance = base
        if raw.lower() == "other" and extra:
            url = link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
            provenance = Provenance(file=base.file, line=base.line, key="license", url=url, note=extra)
        statements.append(LicenceStatement(raw=raw, provenance=provenance, scope="repository"))
    if not values and (name or link):
        base = card.key_provenance("license_name" if name else "license_link")
        url = link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
        statements.append(
            LicenceStatement(
                raw="other",
                scope="repository",
                provenance=Provenance(file=base.file, line=base.line, key=base.key, url=url, note=extra),
            )
        )
    lines = card.text.splitlines()
    seen_lines: set[int] = set()
    for section in card.sections:
        if not _LICENCE_TITLE.search(section.title) or section.placeholder:
            continue
        for index in range(section.line, len(lines)):
            text = lines[index].strip()
            if _HEADING_LINE.match(lines[index]):
                break
            if text and not is_placeholder_text(text):
                seen_lines.add(index + 1)
                statements.append(
                    LicenceStatement(
                        raw=_plain(text)[:300],
                        scope="repository",
                        provenance=Provenance(
                            file=card.path, line=index + 1, note=f"licence section '{section.title}'"
                        ),
                    )
                )
                break
    for index in range(card.body_start_line - 1, len(lines)):
        match = _LICENCE_LABEL.match(lines[index])
        if match and index + 1 not in seen_lines and not is_placeholder_text(match.group(1)):
            statements.append(
                LicenceStatement(
                    raw=_plain(match.group(1))[:300],
                    scope="repository",
                    provenance=Provenance(file=card.path, line=index + 1, note="'License:' line in the card"),
                )
            )
    return statements


# --- links, datasets, checkpoints ------------------------------------------------------------------------

_DATASET_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+(?:/[\w.-]+)?)", re.IGNORECASE)


def _hub_links(evidence: Evidence) -> list[Link]:
    links: list[Link] = []
    tags = evidence.hub.get("tags")
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and tag.lower().startswith("arxiv:"):
                ident = tag.split(":", 1)[1]
                url = f"https://arxiv.org/abs/{ident}"
                links.append(
                    Link(
                        url=url,
                        kind="paper",
                        text=tag,
                        provenance=Provenance(key="tags", url=url, note="Hub arxiv tag"),
                    )
                )
    return links


def _datasets(evidence: Evidence) -> list[tuple[str, Provenance]]:
    found: list[tuple[str, Provenance]] = []
    card = evidence.card
    if card is not None:
        value = card.metadata.get("datasets")
        items = value if isinstance(value, list) else [value] if value else []
        for item in items:
            if isinstance(item, str) and item.strip():
                found.append((item.strip(), card.key_provenance("datasets")))
    for link in evidence.links:
        match = _DATASET_URL.match(link.url)
        if link.kind == "dataset" and match:
            found.append((match.group(1), link.provenance))
    tags = evidence.hub.get("tags")
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and tag.startswith("dataset:"):
                found.append((tag.split(":", 1)[1], Provenance(key="tags", note="Hub dataset tag")))
    return found


def _convention(ref: str) -> str:
    """` (OLMo steps and tokens)`: which documented convention a checkpoint branch follows (docs/detection.md)."""
    convention = checkpoint_convention(ref.rsplit("/", 1)[-1])
    return f" ({convention.name})" if convention else ""


def _checkpoints(evidence: Evidence) -> list[tuple[str, Provenance]]:
    found: list[tuple[str, Provenance]] = []
    groups: dict[str, list[FileEntry]] = {}
    for entry in evidence.files_of(FileKind.CHECKPOINT):
        # Files of one checkpoint folder count once; a loose checkpoint file counts on its own.
        folder = checkpoint_root(entry.path) or entry.path
        groups.setdefault(folder, []).append(entry)
    for folder, entries in sorted(groups.items()):
        note = f"{len(entries)} file(s) in a checkpoint folder"
        pointers = [e for e in entries if e.path in evidence.lfs_pointers]
        if len(pointers) == 1 and len(entries) == 1:
            note = evidence.lfs_pointers[pointers[0].path].describe()
        elif pointers:
            note += f"; {len(pointers)} published through Git LFS, content not in this checkout"
        found.append((folder, Provenance(file=folder, note=note)))
    if evidence.git is not None:
        for branch in evidence.git.checkpoint_branches:
            found.append((branch, Provenance(key="git branch", note=f"git branch '{branch}'{_convention(branch)}")))
    branches = evidence.hub.get("branches")
    if isinstance(branches, list):
        for branch in branches:
            name = branch.get("name") if isinstance(branch, dict) else getattr(branch, "name", branch)
            if isinstance(name, str) and is_checkpoint_branch(name):
                found.append((name, Provenance(key="branch", note=f"Hub branch '{name}'{_convention(name)}")))
    return found


def _add_unique(target: list[Any], items: Iterable[Any], key: Callable[[Any], Any]) -> None:
    seen = {key(item) for item in target}
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            target.append(item)


# --- components ------------------------------------------------------------------------------------------

_NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    role: re.compile(pattern, re.IGNORECASE)
    for role, pattern in {
        "training": r"^(train|pretrain|pre_train|finetune|fine_tune|sft|dpo|rlhf|trainer|run_clm|"
        r"run_mlm|run_train)",
        "preprocessing": r"^(preprocess|pre_process|prepare|prep_|data_prep|dataprep|tokeni[sz]e|dedup|"
        r"filter|clean|"
        r"build_dataset|make_dataset|download_data|process_data|data_process)",
        "evaluation": r"^(eval|evaluate|evaluation|benchmark|run_eval|score)",
        "inference": r"^(inference|infer|generate|generation|predict|serve|server|chat|demo|app|"
        r"run_inference|"
        r"sample|sampling|run_generation)",
        "architecture": r"^(modeling|modelling|model|configuration|architecture|network|"
        r"transformer)[\w-]*\.py$",
        "libraries": r"^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|"
        r"environment\.ya?ml|"
        r"pipfile|cargo\.toml|package\.json|uv\.lock|poetry\.lock)$",
    }.items()
}
_DIR_ROLES: dict[str, frozenset[str]] = {
    "training": frozenset({"train", "training", "pretrain", "pretraining", "finetune", "finetuning", "sft"}),
    "preprocessing": frozenset(
        {"data_prep", "dataprep", "preprocessing", "preprocess", "data_processing", "data", "data_pipeline"}
    ),
    "evaluation": frozenset({"eval", "evals", "evaluation", "evaluations", "benchmarks", "benchmark"}),
    "inference": frozenset({"inference", "serving", "serve", "demo"}),
}
_LINK_ROLES: dict[str, re.Pattern[str]] = {
    role: re.compile(pattern, re.IGNORECASE)
    for role, pattern in {
        "training": r"train|gpt-neox|megatron|nanogpt|litgpt|torchtitan|levanter|maxtext|llm-foundry|axolotl|"
        r"nanotron|t5x|metaseq|allenai/olmo\b",
        "preprocessing": r"preprocess|data[-_ ]?prep|data[-_ ]?process|dolma|datatrove|dedup|"
        r"data[-_ ]?pipeline|"
        r"tokeni[sz]",
        "evaluation": r"eval|benchmark|helm\b|opencompass",
        "inference": r"inference|vllm|llama\.cpp|text-generation-inference|serving|ollama|mlc-llm|generate",
    }.items()
}
_ROLE_COMPONENT = {
    "training": "Training code",
    "preprocessing": "Data preprocessing code",
    "evaluation": "Evaluation code",
    "inference": "Inference code",
}
_DATA_SUFFIXES = (
    ".jsonl",
    ".json",
    ".parquet",
    ".arrow",
    ".csv",
    ".tsv",
    ".jsonl.gz",
    ".jsonl.zst",
    ".json.gz",
    ".txt.gz",
    ".zst",
)
_DATA_DIRS = frozenset({"data", "dataset", "datasets", "training_data", "corpus"})
_SAMPLE_FILE = re.compile(
    r"^(samples?|sample_outputs?|example_outputs?|generations?|outputs?)[\w.-]*"
    r"\.(jsonl?|txt|md|csv)$",
    re.IGNORECASE,
)
_SAMPLE_DIRS = frozenset({"samples", "sample_outputs", "generations", "example_outputs"})

_SECTION_EVAL = re.compile(r"\b(evaluation|results?|benchmarks?|performance|metrics)\b", re.IGNORECASE)
_SECTION_DATA = re.compile(
    r"\b(training[\s-]data|pre-?training[\s-]data|datasets?|data(?:\s+sources?)?|"
    r"training\s+corpus)\b",
    re.IGNORECASE,
)
_SECTION_NOT_TRAINING_DATA = re.compile(r"\b(test|testing|eval\w*|validation)\b", re.IGNORECASE)
_SECTION_SAMPLES = re.compile(
    r"^(examples?|sample(?:s| outputs?| generations?)|example (?:outputs?|generations?)|"
    r"generations?|model outputs?|outputs?)$",
    re.IGNORECASE,
)


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _dirs(path: str) -> list[str]:
    return [d.lower() for d in path.split("/")[:-1]]


# One alternation rejects most names in a single match; repositories with 100,000 code files are real.
_ANY_ROLE_NAME = re.compile("|".join(f"(?:{p.pattern})" for p in _NAME_PATTERNS.values()), re.IGNORECASE)


@lru_cache(maxsize=8192)
def _dir_roles(folder: str) -> frozenset[str]:
    dirs = [d.lower() for d in folder.split("/")] if folder else []
    return frozenset(role for role, names in _DIR_ROLES.items() if any(d in names for d in dirs))


def _code_roles(entry: FileEntry) -> set[str]:
    folder, _, name = entry.path.rpartition("/")
    roles = set(_dir_roles(folder))
    if _ANY_ROLE_NAME.match(name):
        roles.update(role for role, pattern in _NAME_PATTERNS.items() if pattern.search(name))
    return roles


class _Components:
    """Builds ComponentEvidence records against the evidence's licence statements."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.complete = evidence.target.kind != TargetKind.MANIFEST
        self.result: dict[str, ComponentEvidence] = {}

    def licence(self, component: str) -> LicenceStatement | None:
        """The statement that applies to a component shipped in the repository."""
        content = "weights" if component in _WEIGHT_COMPONENTS else MOF_COMPONENTS[component]
        # Most specific first: a statement for this component, then for its content type, then the repo's.
        for wanted in (component, content, "data" if content == "weights" else None, "repository"):
            for statement in self.evidence.licences:
                if wanted and statement.scope == wanted:
                    return statement
        return None

    def present(self, component: str, where: list[Provenance], *, shipped: bool = True,
                licence: LicenceStatement | None = None) -> None:
        """Record a component as present; `shipped` components take the repository licence."""
        self.result[component] = ComponentEvidence(
            name=component,
            status=ComponentStatus.PRESENT,
            licence=licence or (self.licence(component) if shipped else None),
            evidence=where[:MAX_PROVENANCE],
        )

    def missing(self, component: str, *, usually_elsewhere: bool, note: str) -> None:
        """Record a component not found: absent only when this listing could have shown it."""
        status = ComponentStatus.ABSENT if self.complete and not usually_elsewhere else ComponentStatus.UNKNOWN
        self.result[component] = ComponentEvidence(name=component, status=status, evidence=[Provenance(note=note)])


def _good_sections(
    card: ModelCard | None, pattern: re.Pattern[str], exclude: re.Pattern[str] | None = None
) -> list[Section]:
    if card is None:
        return []
    return [
        s
        for s in card.sections
        if pattern.search(s.title) and not s.placeholder and not (exclude and exclude.search(s.title))
    ]


def _section_provenance(card: ModelCard, section: Section, note: str) -> Provenance:
    return Provenance(file=card.path, line=section.line, note=f"{note}: section '{section.title}'")


def _file_provenance(entries: Iterable[FileEntry], note: str | None = None) -> list[Provenance]:
    return [Provenance(file=e.path, note=note) for e in entries]


_REPO_URL = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com)/([\w.-]+)/([\w.-]+?)(?:\.git)?(?:[/#?]|$)",
                       re.IGNORECASE)


def _repo_key(url: str | None) -> str | None:
    match = _REPO_URL.match(url or "")
    return "/".join(g.lower() for g in match.groups()) if match else None


def _linked_licence(evidence: Evidence, links: list[Link]) -> LicenceStatement | None:
    """The licence fetched for a linked code repository (the Hub source asks GitHub), if any."""
    keys = {_repo_key(link.url) for link in links} - {None}
    for statement in evidence.licences:
        if statement.scope == "code-repository" and _repo_key(statement.provenance.url) in keys:
            return statement
    return None


@lru_cache(maxsize=1)
def _libraries() -> dict[str, Any]:
    from opencheck._resources import load_packaged_mapping, rules_dir

    return load_packaged_mapping(rules_dir() / "licenses" / "libraries.yaml", "libraries", "the library licences")[
        "libraries"]


def _library_licence(library: Any) -> LicenceStatement | None:
    """The licence of a well-known library named by `library_name` (see rules/licenses/libraries.yaml)."""
    entry = _libraries().get(str(library).lower()) if library else None
    if not entry:
        return None
    return LicenceStatement(raw=entry["licence"], scope="code-repository", provenance=Provenance(
        url=entry["url"], key="library_name", note=f"the {library} library's licence"))


def _link_provenance(links: Iterable[Link], note: str) -> list[Provenance]:
    return [
        Provenance(
            file=link.provenance.file,
            line=link.provenance.line,
            key=link.provenance.key,
            url=link.url,
            note=note,
        )
        for link in links
    ]


def _card_body(card: ModelCard) -> str:
    return "\n".join(card.text.splitlines()[card.body_start_line - 1 :])


def _link_context(card: ModelCard | None, link: Link) -> str:
    line = ""
    if card is not None and link.provenance.file == card.path and link.provenance.line:
        lines = card.text.splitlines()
        if 0 < link.provenance.line <= len(lines):
            line = lines[link.provenance.line - 1]
    return f"{link.url} {link.text} {line}"


def model_index_results(model_index: Any) -> list[dict[str, Any]]:
    """The well-formed result entries of a card's (or the Hub's) `model-index`, whatever shape it arrives in."""
    results: list[dict[str, Any]] = []
    if isinstance(model_index, list):
        for model in model_index:
            if isinstance(model, dict) and isinstance(model.get("results"), list):
                results.extend(r for r in model["results"] if isinstance(r, dict))
    return results


def _eval_datasets(evidence: Evidence) -> list[str]:
    names: list[str] = []
    metadata = evidence.card.metadata if evidence.card else {}
    results = model_index_results(metadata.get("model-index")) or model_index_results(
        evidence.hub.get("model_index") or evidence.hub.get("model-index"))
    for result in results:
        dataset = result.get("dataset")
        if isinstance(dataset, dict):
            name = dataset.get("type") or dataset.get("name")
            if isinstance(name, str) and name not in names:
                names.append(name)
    hub_eval = evidence.hub.get("eval_results")
    if isinstance(hub_eval, list):
        for item in hub_eval:
            dataset = item.get("dataset") if isinstance(item, dict) else getattr(item, "dataset_type", None)
            name = dataset.get("id") if isinstance(dataset, dict) else dataset
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def detect_components(evidence: Evidence) -> dict[str, ComponentEvidence]:
    """A ComponentEvidence for each of the 17 MOF components, from files, card, config, links, Hub."""
    built = _Components(evidence)
    card = evidence.card
    metadata: dict[str, Any] = card.metadata if card else {}
    files = sorted(evidence.files, key=lambda f: f.path)
    code = [f for f in files if f.kind == FileKind.CODE]
    roles = {f.path: _code_roles(f) for f in code}
    code_links = [link for link in evidence.links if link.kind == "code-repository"]
    library = metadata.get("library_name") or evidence.hub.get("library_name")

    # Model architecture
    where: list[Provenance] = []
    config = evidence.config
    for key in ("architectures", "model_type"):
        if config.get(key):
            where.append(
                Provenance(
                    file="config.json" if any(f.path == "config.json" for f in files) else None,
                    key=key,
                    note=f"{key}: {config[key]}",
                )
            )
            break
    where += _file_provenance([f for f in code if "architecture" in roles[f.path]], "modelling code")
    if where:
        built.present("Model architecture", where)
    else:
        built.missing(
            "Model architecture",
            usually_elsewhere=False,
            note="no config.json with architectures/model_type and no modelling code",
        )

    # Model parameters (Final)
    weights = evidence.files_of(FileKind.WEIGHTS)
    if weights:
        where = _file_provenance(weights)
        if evidence.weights.parameters:
            where.insert(
                0,
                Provenance(
                    file=weights[0].path,
                    note=f"{evidence.weights.parameters:,} parameters {evidence.weights.dtypes}",
                ),
            )
        built.present("Model parameters (Final)", where)
    else:
        built.missing("Model parameters (Final)", usually_elsewhere=False, note="no weight files")

    # Model parameters (Intermediate)
    if evidence.checkpoints:
        built.present("Model parameters (Intermediate)", [p for _, p in evidence.checkpoints])
    else:
        built.missing(
            "Model parameters (Intermediate)",
            usually_elsewhere=True,
            note="no checkpoint folders or checkpoint branches found",
        )

    # Technical report and Research paper
    papers = evidence.files_of(FileKind.PAPER)
    report_files = [f for f in papers if re.search(r"report|tech", _basename(f.path), re.IGNORECASE)]
    paper_files = [f for f in papers if f not in report_files]
    report_links = [link for link in evidence.links if link.kind == "technical-report"]
    paper_links = [link for link in evidence.links if link.kind == "paper"]
    if report_files:
        built.present(
            "Technical report",
            _file_provenance(report_files) + _link_provenance(report_links, "technical report link"),
        )
    elif report_links:
        built.present("Technical report", _link_provenance(report_links, "technical report link"), shipped=False)
    else:
        built.missing("Technical report", usually_elsewhere=True, note="no technical report file or link")
    if paper_files:
        built.present("Research paper", _file_provenance(paper_files) + _link_provenance(paper_links, "paper link"))
    elif paper_links:
        built.present("Research paper", _link_provenance(paper_links, "paper link"), shipped=False)
    else:
        built.missing("Research paper", usually_elsewhere=True, note="no paper file, link or arXiv tag")

    # Evaluation results
    where = []
    if model_index_results(metadata.get("model-index")) and card is not None:
        where.append(card.key_provenance("model-index"))
    elif evidence.hub.get("model_index") or evidence.hub.get("eval_results"):
        where.append(Provenance(key="model-index", note="Hub evaluation results"))
    where += _file_provenance(evidence.files_of(FileKind.EVAL_RESULTS))
    if card is not None:
        where += [_section_provenance(card, s, "evaluation in the card") for s in _good_sections(card, _SECTION_EVAL)]
    if where:
        built.present("Evaluation results", where)
    else:
        built.missing(
            "Evaluation results",
            usually_elsewhere=bool(paper_links or report_links or papers),
            note="no model-index, evaluation results file or evaluation section with content",
        )

    # Model card
    if card is not None and not is_placeholder_text(_card_body(card)):
        built.present("Model card", [Provenance(file=card.path, line=card.body_start_line, note="model card")])
    elif other_cards := [f for f in evidence.files_of(FileKind.MODEL_CARD) if card is None or f.path != card.path]:
        built.present("Model card", _file_provenance(other_cards))
    else:
        built.missing(
            "Model card",
            usually_elsewhere=False,
            note="README has no content beyond placeholders" if card else "no README / model card",
        )

    # Data card
    where = _file_provenance(evidence.files_of(FileKind.DATA_CARD))
    if card is not None:
        where += [
            _section_provenance(card, s, "training data described in the model card")
            for s in _good_sections(card, _SECTION_DATA, _SECTION_NOT_TRAINING_DATA)
        ]
    if where:
        built.present("Data card", where)
    else:
        built.missing(
            "Data card",
            usually_elsewhere=bool(evidence.datasets),
            note="no data card file or training-data section with content",
        )

    # Sample model outputs
    samples = [
        f
        for f in files
        if f.kind != FileKind.CHECKPOINT
        and (_SAMPLE_FILE.match(_basename(f.path)) or any(d in _SAMPLE_DIRS for d in _dirs(f.path)))
    ]
    where = _file_provenance(samples)
    if card is not None:
        where += [_section_provenance(card, s, "sample outputs") for s in _good_sections(card, _SECTION_SAMPLES)]
    if where:
        built.present("Sample model outputs", where)
    else:
        built.missing("Sample model outputs", usually_elsewhere=False, note="no sample outputs file or section")

    # Training, preprocessing, evaluation and inference code
    for role, component in _ROLE_COMPONENT.items():
        role_files = [f for f in code if role in roles[f.path]]
        role_links = [link for link in code_links if _LINK_ROLES[role].search(_link_context(card, link))]
        where = _file_provenance(role_files)
        if role == "inference" and library and (config or evidence.files_of(FileKind.CONFIG)):
            where.append(
                card.key_provenance("library_name")
                if card and metadata.get("library_name")
                else Provenance(key="library_name", note=f"runs with the {library} library")
            )
        linked = _linked_licence(evidence, role_links)
        if role == "inference" and not role_files and not linked and where:
            linked = _library_licence(library)
        if role_files:
            built.present(component, where + _link_provenance(role_links, f"{role} code repository"))
        elif where or role_links:
            built.present(component, where + _link_provenance(role_links, f"{role} code repository"), shipped=False,
                          licence=linked)
        else:
            built.missing(
                component,
                usually_elsewhere=True,
                note=f"no {role} code in the repository and no {role} code repository link",
            )

    # Supporting libraries and tools
    lib_files = [
        f for f in files if _NAME_PATTERNS["libraries"].search(_basename(f.path)) and f.kind != FileKind.CHECKPOINT
    ]
    if lib_files:
        where = _file_provenance(lib_files)
        if library:
            where.append(Provenance(key="library_name", note=f"the {library} library"))
        built.present("Supporting libraries and tools", where)
    elif library:
        built.present(
            "Supporting libraries and tools",
            [
                card.key_provenance("library_name")
                if card and metadata.get("library_name")
                else Provenance(key="library_name", note=f"the {library} library")
            ],
            shipped=False,
            licence=_library_licence(library),
        )
    else:
        built.missing(
            "Supporting libraries and tools",
            usually_elsewhere=True,
            note="no requirements/project files and no library_name",
        )

    # Datasets
    data_files = [
        f
        for f in files
        if f.kind in (FileKind.OTHER, FileKind.DOCUMENT, FileKind.TRAINING_CONFIG)
        and f.path.lower().endswith(_DATA_SUFFIXES)
        and any(d in _DATA_DIRS for d in _dirs(f.path))
    ]
    if data_files:
        built.present(
            "Datasets",
            _file_provenance(data_files, "data file in the repository") + [p for _, p in evidence.datasets],
        )
    elif evidence.datasets:
        built.present(
            "Datasets",
            [Provenance(file=p.file, line=p.line, key=p.key, url=p.url, note=name) for name, p in evidence.datasets],
            shipped=False,
        )
        licences = [s for name, _ in evidence.datasets for s in evidence.dataset_licences.get(name, [])]
        if licences:
            built.result["Datasets"].licence = licences[0]
    else:
        built.missing("Datasets", usually_elsewhere=True, note="no named datasets and no data files")

    # Evaluation data
    eval_sets = _eval_datasets(evidence)
    if eval_sets:
        base = (
            card.key_provenance("model-index") if card and "model-index" in metadata else Provenance(key="model-index")
        )
        built.present(
            "Evaluation data",
            [
                Provenance(file=base.file, line=base.line, key=base.key, note=f"evaluation dataset: {name}")
                for name in eval_sets
            ],
            shipped=False,
        )
    else:
        built.missing("Evaluation data", usually_elsewhere=True, note="no evaluation datasets named")

    # Model metadata
    where = []
    if config:
        where.append(
            Provenance(
                file="config.json" if any(f.path == "config.json" for f in files) else None,
                key="config",
                note="model configuration",
            )
        )
    where += _file_provenance([f for f in evidence.files_of(FileKind.CONFIG) if f.path != "config.json"])
    if card is not None and metadata:
        where.append(
            Provenance(
                file=card.path,
                line=min(card.metadata_lines.values(), default=None),
                note="model card front matter",
            )
        )
    if where:
        built.present("Model metadata", where)
    else:
        built.missing("Model metadata", usually_elsewhere=False, note="no config.json or card front matter")

    return {name: _with_lfs_notes(evidence, built.result[name]) for name in MOF_COMPONENTS}


def _with_lfs_notes(evidence: Evidence, component: ComponentEvidence) -> ComponentEvidence:
    """Every provenance naming an LFS pointer file says so, with the pointer's oid and size."""
    if evidence.lfs_pointers:
        component.evidence = [with_lfs_note(p, evidence.lfs_pointers) for p in component.evidence]
    return component


def base_model_source(evidence: Evidence) -> Any:
    """The raw base-model statement: the Hub API's `base_models` when it has one, else the card's `base_model`."""
    hub = evidence.hub.get("base_models")
    if hub is not None:
        return hub
    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    return meta.get("base_model") if isinstance(meta, dict) else None


def base_model_ids(raw: Any) -> list[str]:
    """Base model ids from a card's `base_model` (a string or list) or the Hub API's {relation, models: [{id}]}."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        return [m["id"] for m in raw.get("models") or [] if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if isinstance(raw, list):
        return [b for b in raw if isinstance(b, str)]
    return []  # anything else (a number, a bare mapping) names no model


def _model_names(evidence: Evidence) -> list[str]:
    """What the card may call this model in a per-model table: the target id and the card's own names."""
    names = [evidence.target.id]
    meta = evidence.card.metadata if evidence.card else {}
    if isinstance(meta.get("model_name"), str):
        names.append(meta["model_name"])
    index = meta.get("model-index")
    if isinstance(index, list):
        names += [entry["name"] for entry in index if isinstance(entry, dict) and isinstance(entry.get("name"), str)]
    return names


# Front-matter keys that set up the Hub's access form (hub-docs models-gated.md); any of them means a gate.
GATE_KEYS = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading", "extra_gated_description",
             "extra_gated_button_content", "extra_gated_eu_disallowed")


def declared_gate(card: ModelCard | None) -> Provenance | None:
    """Where a card declares a Hub access gate (`gated: true|auto|manual` or an `extra_gated_*` key), if it does."""
    if card is None:
        return None
    meta = card.metadata
    gated = meta.get("gated")
    if gated is True or (isinstance(gated, str) and gated.strip().lower() in {"true", "auto", "manual", "yes"}):
        return replace(card.key_provenance("gated"), note=f"the card declares a Hub gate (gated: {gated})")
    for key in GATE_KEYS:
        value = meta.get(key)
        if value not in (None, "", {}, [], False):
            return replace(card.key_provenance(key), note="the card declares a Hub access form")
    return None


def enrich(evidence: Evidence) -> None:
    """Fill licences, links, datasets, hyperparameters, checkpoints, footprint, approach, weights and components."""
    card = evidence.card
    if card is not None:
        _add_unique(evidence.links, extract_links(card), lambda link: (link.url, link.provenance.line))
        link = card.metadata.get("license_link")
        if isinstance(link, str) and link.strip():
            provenance = card.key_provenance("license_link")
            _add_unique(
                evidence.links,
                [
                    Link(
                        url=link.strip(),
                        kind="license",
                        text="license_link",
                        provenance=Provenance(
                            file=provenance.file, line=provenance.line, key="license_link", url=link.strip()
                        ),
                    )
                ],
                lambda item: (item.url, item.provenance.line),
            )
    _add_unique(evidence.links, _hub_links(evidence), lambda link: link.url)
    _add_unique(
        evidence.licences,
        licence_statements(evidence),
        lambda s: (s.raw, s.provenance.file, s.provenance.line, s.provenance.key),
    )
    _add_unique(evidence.datasets, _datasets(evidence), lambda item: item[0].lower())

    if card is not None:
        for name, provenance in hyperparameters_from_text(_card_body(card), card.path, card.body_start_line).items():
            evidence.hyperparameters.setdefault(name, provenance)
        emissions = card.metadata.get("co2_eq_emissions")
        if isinstance(emissions, dict) and emissions.get("hardware_used"):
            line = card.metadata_lines.get("co2_eq_emissions")
            evidence.hyperparameters.setdefault(
                "hardware",
                Provenance(
                    file=card.path,
                    line=line,
                    key="co2_eq_emissions.hardware_used",
                    note=str(emissions["hardware_used"])[:160],
                ),
            )

    _add_unique(evidence.checkpoints, _checkpoints(evidence), lambda item: item[0])
    if card is not None:
        evidence.footprint = footprint(card, _model_names(evidence))
        fine_tuned = bool(base_model_ids(base_model_source(evidence)))
        evidence.approach = stated_approach(card, fine_tuned=fine_tuned)

    weights = evidence.weights
    if not weights.files:
        weights.files = [f.path for f in evidence.files_of(FileKind.WEIGHTS)]
    hub_safetensors = evidence.hub.get("safetensors")
    if weights.parameters is None and isinstance(hub_safetensors, dict):
        total = hub_safetensors.get("total")
        if isinstance(total, int) and not isinstance(total, bool):
            weights.parameters = total
            params = hub_safetensors.get("parameters")
            if isinstance(params, dict):
                weights.dtypes = {str(k): int(v) for k, v in params.items() if isinstance(v, int)}
            weights.provenance = Provenance(key="safetensors", note="Hub safetensors metadata")
    if evidence.hub.get("gated"):
        weights.gated = True
        weights.gate = Provenance(key="gated", url=evidence.hub.get("url"),
                                  note=f"gated on the Hub ({evidence.hub['gated']})")
    elif "gated" not in evidence.hub and (declared := declared_gate(card)) is not None:
        # No Hub answer to go by (a local folder or a manifest): a card that sets up the Hub's access form is gated.
        weights.gated = True
        weights.gate = declared

    evidence.components = detect_components(evidence)
