"""Classify repository files by name only: what a file probably is, without opening it.

A kind here is about the file itself (its name, and the folder names that say what a file is, like `licenses/`).
Whether a file belongs to an intermediate checkpoint is interpretation: detect/checkpoints.py decides it from the
naming conventions in detect/checkpoint_names.py and turns such files' kind into CHECKPOINT.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencheck.evidence import FileKind

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".msgpack")

_TOKENIZER_NAMES = frozenset(
    {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "vocab.json",
        "vocab.txt",
        "merges.txt",
        "tokenizer.model",
        "spiece.model",
        "sentencepiece.model",
        "sentencepiece.bpe.model",
        "bpe.codes",
        "chat_template.jinja",
        "chat_template.json",
    }
)
_CONFIG_NAMES = frozenset(
    {
        "config.json",
        "generation_config.json",
        "preprocessor_config.json",
        "processor_config.json",
        "adapter_config.json",
        "model_index.json",
        "scheduler_config.json",
        "feature_extractor_config.json",
        "params.json",
        "configuration.json",
    }
)
_TRAINING_CONFIG_NAMES = frozenset(
    {
        "training_args.json",
        "training_args.bin",
        "training_args.yaml",
        "hparams.yaml",
        "hparams.yml",
        "hparams.json",
        "hyperparameters.json",
        "hyperparameters.yaml",
        "trainer_state.json",
        "ds_config.json",
        "deepspeed_config.json",
        "fsdp_config.json",
        "fsdp_config.yaml",
        "accelerate_config.yaml",
        "args.json",
        "train_config.json",
        "train_config.yaml",
    }
)
# Trainer state saved next to weights: pickles of optimizer/scheduler/RNG state, not model parameters.
_TRAINER_STATE = re.compile(r"^(optimizer|scheduler|scaler|rng_state.*|training_state)\.(pt|pth|bin)$")
_TRAINING_WORDS = re.compile(
    r"(train|hparam|hyperparam|finetun|fine_tun|pretrain|deepspeed|ds_config|fsdp|"
    r"accelerate|optim|sft|dpo|rlhf|recipe)",
    re.IGNORECASE,
)
_CONFIG_DIRS = frozenset({"configs", "config", "conf", "training", "recipes", "train_configs"})
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml")

_CODE_SUFFIXES = frozenset(
    {
        ".py",
        ".ipynb",
        ".sh",
        ".bash",
        ".zsh",
        ".rs",
        ".c",
        ".cc",
        ".cpp",
        ".cxx",
        ".cu",
        ".cuh",
        ".h",
        ".hh",
        ".hpp",
        ".go",
        ".java",
        ".kt",
        ".scala",
        ".js",
        ".mjs",
        ".ts",
        ".jl",
        ".r",
        ".lua",
        ".swift",
        ".pl",
        ".rb",
        ".m",
        ".mm",
        ".cmake",
        ".pyx",
        ".pxd",
        ".triton",
        ".mojo",
        ".zig",
    }
)
_CODE_NAMES = frozenset(
    {
        "makefile",
        "gnumakefile",
        "dockerfile",
        "cmakelists.txt",
        "justfile",
        "pyproject.toml",
        "setup.cfg",
        "pipfile",
        "pipfile.lock",
        "environment.yml",
        "environment.yaml",
        "cargo.toml",
        "go.mod",
        "package.json",
        "poetry.lock",
        "uv.lock",
        "tox.ini",
        "noxfile.py",
    }
)
_REQUIREMENTS = re.compile(r"^requirements([-_.][\w.-]*)?\.(txt|in)$", re.IGNORECASE)

_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|unlicense)([-_.].*)?$", re.IGNORECASE)
_MODEL_CARD_NAMES = frozenset({"model_card.md", "modelcard.md", "model-card.md"})
_DATA_CARD = re.compile(
    r"^(data[-_ ]?card|dataset[-_ ]?card|datasheet)[\w.-]*\.(md|markdown|txt|rst|pdf|html)$", re.IGNORECASE
)
_PAPER = re.compile(
    r"^(paper|tech(nical)?[-_ ]?report|report|whitepaper|white[-_]paper|preprint)"
    r"[\w.-]*\.(pdf|md|tex|html|txt)$",
    re.IGNORECASE,
)
_DOC_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".tex", ".org"})
_EVAL_RESULTS = re.compile(
    r"^(eval(uation)?[-_]?results?[\w.-]*\.(json|jsonl|ya?ml|csv|md)|results[\w.-]*\.json)$", re.IGNORECASE
)
_MANIFESTS = frozenset({"opencheck.yaml", "opencheck.yml"})
_FOLDER_MANIFESTS = frozenset({"manifest.yaml", "manifest.yml"})  # in .opencheck/
_README_NAMES = frozenset({"readme.md", "readme.markdown", "readme"})
_LICENCE_DIRS = frozenset({"licenses", "licences"})

# The fast path of classify_path: what a suffix means for a name that no earlier rule looks for, that is one not
# in _SPECIAL_NAMES, not of a _SPECIAL_SHAPES shape and not in a licences folder (tests/sources/test_file_kinds.py
# checks the two paths agree).
_BY_SUFFIX: dict[str, FileKind] = {**{s: FileKind.CODE for s in _CODE_SUFFIXES},
                                   **{s: FileKind.DOCUMENT for s in _DOC_SUFFIXES}, ".pdf": FileKind.PAPER}
_SPECIAL_NAMES = (_MANIFESTS | _FOLDER_MANIFESTS | _TRAINING_CONFIG_NAMES | _TOKENIZER_NAMES | _CONFIG_NAMES
                  | _README_NAMES | _MODEL_CARD_NAMES | _CODE_NAMES)
_SHAPES = (_LICENCE_NAME, _EVAL_RESULTS, _DATA_CARD, _PAPER, _REQUIREMENTS)  # each anchored by ^ and $
_SPECIAL_SHAPES = re.compile("|".join(f"(?:{p.pattern})" for p in _SHAPES), re.IGNORECASE)
# The same test for a lower-cased ASCII name, case-sensitive: twice as fast as IGNORECASE (no pattern here has an
# upper-case letter; tests/sources/test_file_kinds.py checks both agree).
_SPECIAL_SHAPES_LOWER = re.compile(_SPECIAL_SHAPES.pattern)


def is_weight_name(name: str) -> bool:
    """True when a file name has a weight-file suffix and is not trainer state."""
    lowered = name.lower()
    return lowered.endswith(WEIGHT_SUFFIXES) and not _TRAINER_STATE.match(lowered) and lowered != "training_args.bin"


@lru_cache(maxsize=8192)
def folder_parts(folder: str) -> tuple[str, ...]:
    """The lower-case names of a folder's parts, as classify_name takes them (`Data/Train` -> data, train)."""
    return tuple(p.lower() for p in folder.split("/") if p and p != ".") if folder else ()


def _suffix(name: str) -> str:
    """PurePosixPath(name).suffix, without building a path object for each of 100,000 files."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def classify_path(path: str) -> FileKind:
    """Kind of a file from its POSIX path relative to the repository root (name-based, never opens it)."""
    folder, _, name = path.strip("/").rpartition("/")
    if not name:
        return FileKind.OTHER
    return classify_name(name, folder_parts(folder))


def classify_name(name: str, dirs: tuple[str, ...]) -> FileKind:
    """Kind of the file `name` in the folder `dirs` (folder_parts): the walk splits each folder once, not per file."""
    lower = name.lower()
    dot = lower.rfind(".")  # _suffix(name), inline: this runs once per file
    suffix = lower[dot:] if 0 < dot < len(lower) - 1 else ""
    # Most files of a big repository are code or documents: when the name is none of the names and shapes an
    # earlier rule looks for, the suffix alone decides, with one set test and one regex instead of the chain.
    kind = _BY_SUFFIX.get(suffix)
    if (kind is not None and lower not in _SPECIAL_NAMES and not (dirs and dirs[-1] in _LICENCE_DIRS)
            and not _SPECIAL_SHAPES.match(name)):
        return kind
    return _by_rules(name, lower, dirs, suffix)


def classify_names(names: list[str], dirs: tuple[str, ...]) -> list[FileKind]:
    """classify_name of each of one folder's `names`, its fast path for the whole folder at once when it can."""
    if dirs and dirs[-1] in _LICENCE_DIRS:
        return [classify_name(name, dirs) for name in names]
    # The usual folder (ASCII names, none special, none of a special shape, no dot file) is decided in C: its
    # names lower-cased as one text and searched once for a special shape; then each name's suffix alone decides.
    joined = "\n".join(names)
    lowered = joined.lower()
    lowers = lowered.split("\n")
    if (len(lowers) == len(names) and joined.isascii() and not lowered.startswith(".") and "\n." not in lowered
            and _SPECIAL_NAMES.isdisjoint(lowers) and not _special_shape_in_lines().search("\n" + lowered)):
        by_suffix = _BY_SUFFIX.get
        first = lowers[0][lowers[0].rfind("."):]  # no leading dot, so a dot is a suffix's
        if "." not in first[1:] and f"{lowered}\n".count(f"{first}\n") == len(names):
            kinds = [by_suffix(first)] * len(names)  # every name ends with the first one's suffix: counted, in C
        else:
            kinds = [by_suffix(lower[lower.rfind("."):]) for lower in lowers]
        if None not in kinds:
            return kinds  # type: ignore[return-value]
        return [classify_name(name, dirs) if kind is None else kind for name, kind in zip(names, kinds, strict=True)]
    return _classify_each(names, dirs)


@lru_cache(maxsize=1)
def _special_shape_in_lines() -> re.Pattern[str]:
    """_SPECIAL_SHAPES_LOWER at the start of any line of a text: one search over a folder's names, one per line."""
    # Each shape is anchored by ^ and $; a literal newline before the alternation lets the search jump from line to
    # line instead of trying every position, and $ (MULTILINE) ends a line. No shape's pattern crosses a newline.
    shapes = [p.pattern.removeprefix("^") for p in _SHAPES]
    from opencheck.compiled_forms import program_regex

    return program_regex("\n(?:" + "|".join(f"(?:{shape})" for shape in shapes) + ")", re.MULTILINE)


def _classify_each(names: list[str], dirs: tuple[str, ...]) -> list[FileKind]:
    """classify_name of each name, its fast path inline."""
    by_suffix, special, shaped, shaped_lower = (_BY_SUFFIX.get, _SPECIAL_NAMES, _SPECIAL_SHAPES.match,
                                                _SPECIAL_SHAPES_LOWER.match)
    kinds = []
    for name in names:
        lower = name.lower()
        dot = lower.rfind(".")
        kind = by_suffix(lower[dot:]) if dot > 0 else None  # a trailing dot is no suffix: "." is not in the table
        if kind is None or lower in special or (shaped_lower(lower) if name.isascii() else shaped(name)):
            kind = classify_name(name, dirs)
        kinds.append(kind)
    return kinds


def _by_rules(name: str, lower: str, dirs: tuple[str, ...], suffix: str) -> FileKind:
    """The rules in order: the first that applies gives the kind."""
    at_root = not dirs
    if (at_root and lower in _MANIFESTS) or (dirs == (".opencheck",) and lower in _FOLDER_MANIFESTS):
        return FileKind.MANIFEST
    if lower.endswith((".safetensors.index.json", ".bin.index.json", ".pt.index.json")):
        return FileKind.WEIGHTS_INDEX
    if _LICENCE_NAME.match(name) or (dirs and dirs[-1] in _LICENCE_DIRS):
        return FileKind.LICENSE
    if (dirs and dirs[-1] == ".eval_results" and suffix in {".yaml", ".yml", ".json"}) or _EVAL_RESULTS.match(name):
        return FileKind.EVAL_RESULTS
    if lower in _TRAINING_CONFIG_NAMES:
        return FileKind.TRAINING_CONFIG
    if is_weight_name(name):
        return FileKind.WEIGHTS
    if lower in _TOKENIZER_NAMES or lower.endswith(".tiktoken"):
        return FileKind.TOKENIZER
    if lower in _CONFIG_NAMES:
        return FileKind.CONFIG
    if suffix in _CONFIG_SUFFIXES and (_TRAINING_WORDS.search(name) or any(d in _CONFIG_DIRS for d in dirs)):
        return FileKind.TRAINING_CONFIG
    if at_root and lower in _README_NAMES:
        return FileKind.MODEL_CARD
    if lower in _MODEL_CARD_NAMES:
        return FileKind.MODEL_CARD
    if _DATA_CARD.match(name):
        return FileKind.DATA_CARD
    if suffix == ".pdf" or _PAPER.match(name):
        return FileKind.PAPER
    if suffix in _CODE_SUFFIXES or lower in _CODE_NAMES or _REQUIREMENTS.match(name):
        return FileKind.CODE
    if suffix in _DOC_SUFFIXES:
        return FileKind.DOCUMENT
    return FileKind.OTHER
