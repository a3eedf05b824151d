"""Name-based classification of repository files."""

from __future__ import annotations

import pytest

from opencheck.detect.checkpoint_names import CONVENTIONS
from opencheck.evidence import FileKind
from opencheck.sources.file_kinds import classify_path

CASES = [
    ("model.safetensors", FileKind.WEIGHTS),
    ("model-00001-of-00002.safetensors", FileKind.WEIGHTS),
    ("pytorch_model.bin", FileKind.WEIGHTS),
    ("consolidated.00.pth", FileKind.WEIGHTS),
    ("model.pt", FileKind.WEIGHTS),
    ("sd.ckpt", FileKind.WEIGHTS),
    ("ggml-model-q4_0.gguf", FileKind.WEIGHTS),
    ("onnx/model.onnx", FileKind.WEIGHTS),
    ("tf_model.h5", FileKind.WEIGHTS),
    ("flax_model.msgpack", FileKind.WEIGHTS),
    ("unet/diffusion_pytorch_model.safetensors", FileKind.WEIGHTS),
    ("model.safetensors.index.json", FileKind.WEIGHTS_INDEX),
    ("pytorch_model.bin.index.json", FileKind.WEIGHTS_INDEX),
    ("config.json", FileKind.CONFIG),
    ("generation_config.json", FileKind.CONFIG),
    ("training_args.json", FileKind.TRAINING_CONFIG),
    ("training_args.bin", FileKind.TRAINING_CONFIG),  # a pickle of TrainingArguments, not weights
    ("hparams.yaml", FileKind.TRAINING_CONFIG),
    ("train_config.yaml", FileKind.TRAINING_CONFIG),
    ("train-7b.yaml", FileKind.TRAINING_CONFIG),
    ("configs/pythia-160m.yml", FileKind.TRAINING_CONFIG),
    ("configs/model_config.yaml", FileKind.TRAINING_CONFIG),
    ("ds_config_zero3.json", FileKind.TRAINING_CONFIG),
    ("fsdp_config.yaml", FileKind.TRAINING_CONFIG),
    ("tokenizer.json", FileKind.TOKENIZER),
    ("tokenizer_config.json", FileKind.TOKENIZER),
    ("special_tokens_map.json", FileKind.TOKENIZER),
    ("tokenizer.model", FileKind.TOKENIZER),
    ("merges.txt", FileKind.TOKENIZER),
    ("vocab.json", FileKind.TOKENIZER),
    ("train.py", FileKind.CODE),
    ("scripts/run.sh", FileKind.CODE),
    ("notebooks/demo.ipynb", FileKind.CODE),
    ("Makefile", FileKind.CODE),
    ("kernels/attn.cu", FileKind.CODE),
    ("src/lib.rs", FileKind.CODE),
    ("csrc/ops.cpp", FileKind.CODE),
    ("requirements.txt", FileKind.CODE),
    ("pyproject.toml", FileKind.CODE),
    ("LICENSE", FileKind.LICENSE),
    ("LICENSE.md", FileKind.LICENSE),
    ("LICENCE.txt", FileKind.LICENSE),
    ("COPYING", FileKind.LICENSE),
    ("NOTICE", FileKind.LICENSE),
    ("LICENSES/Apache-2.0.txt", FileKind.LICENSE),
    ("README.md", FileKind.MODEL_CARD),
    ("docs/README.md", FileKind.DOCUMENT),
    ("MODEL_CARD.md", FileKind.MODEL_CARD),
    ("DATA_CARD.md", FileKind.DATA_CARD),
    ("datasheet_pile.md", FileKind.DATA_CARD),
    ("data_card.pdf", FileKind.DATA_CARD),
    ("paper.pdf", FileKind.PAPER),
    ("docs/olmo.pdf", FileKind.PAPER),
    ("technical_report.md", FileKind.PAPER),
    ("CHANGELOG.md", FileKind.DOCUMENT),
    (".eval_results/mmlu.yaml", FileKind.EVAL_RESULTS),
    ("eval_results.json", FileKind.EVAL_RESULTS),
    ("results_2024-01-01.json", FileKind.EVAL_RESULTS),
    # Kinds are about the file itself: whether it is a checkpoint is for detect/ (tests/detect/test_checkpoint_files.py)
    ("checkpoint-500/model.safetensors", FileKind.WEIGHTS),
    ("checkpoint-500/config.json", FileKind.CONFIG),
    ("step1000/pytorch_model.bin", FileKind.WEIGHTS),
    ("ckpts/global_step20/mp_rank_00_model_states.pt", FileKind.WEIGHTS),
    ("checkpoints/model-epoch3.safetensors", FileKind.WEIGHTS),
    ("optimizer.pt", FileKind.OTHER),
    ("stepwise/notes.md", FileKind.DOCUMENT),  # `step` must be followed by digits
    ("opencheck.yaml", FileKind.MANIFEST),
    (".opencheck/manifest.yaml", FileKind.MANIFEST),
    ("sub/opencheck.yaml", FileKind.OTHER),  # a manifest counts only at the root
    (".gitattributes", FileKind.OTHER),
    ("", FileKind.OTHER),
]


@pytest.mark.parametrize(("path", "kind"), CASES)
def test_classify_path(path: str, kind: FileKind) -> None:
    assert classify_path(path) == kind


@pytest.mark.parametrize("example", [c.example for c in CONVENTIONS])
def test_the_source_classification_is_blind_to_checkpoint_names(example: str) -> None:
    # A folder named like a checkpoint changes nothing here: the naming conventions live in detect/ only.
    for name in ("model.safetensors", "config.json", "LICENSE", "train.py", "notes.md", "optimizer.pt"):
        assert classify_path(f"{example}/{name}") == classify_path(f"plain/{name}"), (example, name)
    assert classify_path(f"checkpoints/{example}.safetensors") == FileKind.WEIGHTS


def test_the_suffix_fast_path_agrees_with_the_rules_in_order() -> None:
    # classify_path decides most names by suffix alone; the full chain of rules must give the same kind for every
    # name, including each special name and shape the fast path has to leave to the rules.
    from opencheck.sources import file_kinds as fk

    stems = ["license", "LICENSE-MIT", "Licence_x", "copying", "notice", "unlicense", "readme", "README", "paper",
             "technical_report", "Report_v2", "whitepaper", "preprint-1", "datasheet", "data_card", "Dataset-Card",
             "eval_results", "evaluation-result", "results_x", "requirements-dev", "requirements", "train", "model",
             "notes", "vocab", "merges", "tokenizer", "config", "setup", "Makefile", "x", ".hidden", "pyproject",
             "noxfile", "model_card", "modelcard", "opencheck", "manifest", "chat_template", "optimizer"]
    suffixes = sorted({*fk._CODE_SUFFIXES, *fk._DOC_SUFFIXES, ".pdf", ".json", ".yaml", ".yml", ".toml", ".in",
                       ".bin", ".pt", ".tiktoken", ".jinja", ".lock", ".cfg", ".PY", ".Md", ""})
    names = [stem + suffix for stem in stems for suffix in suffixes] + sorted(fk._SPECIAL_NAMES)
    folders = ["", "docs/", "LICENSES/", "sub/licences/", ".eval_results/", "configs/", ".opencheck/", "a/b/"]
    names += [name + "." for name in names[:50]] + ["a.b.", "..py", ".py.", "x.PY"]  # trailing and leading dots
    checked = 0
    for folder in folders:
        parts = fk.folder_parts(folder.rstrip("/"))
        by_rules = [fk._by_rules(name, name.lower(), parts, fk._suffix(name)) for name in names]
        assert fk.classify_names(names, parts) == by_rules, folder  # the walk's batch of one folder's names
        for name, kind in zip(names, by_rules, strict=True):
            assert fk.classify_path(folder + name) == kind, folder + name
            checked += 1
    assert checked > 10_000


def test_a_folder_classified_at_once_agrees_with_each_name_alone() -> None:
    # classify_names decides an ordinary folder in one go (its names joined and searched once): every name that
    # needs the rules, put among ordinary names, must still get the kind the rules give it, wherever it stands.
    from opencheck.sources import file_kinds as fk

    ordinary = ["a.py", "b.md", "part0001.py", "x.txt", "z.rst"]
    tricky = ["LICENSE", "license.txt", "notice", "eval_results.json", "results_1.json", "data-card.md",
              "paper.pdf", "tech_report.md", "requirements-dev.txt", "README.md", "config.json", "Makefile",
              ".py", ".hidden.md", "x.", "noext", "a\nb.py", "na\u00efve.py", "M\u00c4KEFILE", "Train.PY",
              "model.safetensors", "training_args.bin", "opencheck.yaml", "x.tiktoken", "REPORT.MD", "copying.md",
              "my_license.txt", "not_results.json"]
    for parts in ((), ("docs",), ("configs",), ("licenses",), (".eval_results",)):
        for name in tricky:
            for position in range(len(ordinary) + 1):
                names = [*ordinary[:position], name, *ordinary[position:]]
                expected = [fk.classify_name(n, parts) for n in names]
                assert fk.classify_names(names, parts) == expected, (parts, names)
        assert fk.classify_names(ordinary, parts) == [fk.classify_name(n, parts) for n in ordinary]
    assert fk.classify_names([], ()) == []
    # Folders whose names all end alike are decided by counting that ending: it must be each name's own suffix.
    for names in (["a.b.py", "c.py", "train.py", "x.PY"], ["happy", "x.py", "toy"], ["x.tar.gz", "y.gz"],
                  ["a.md", "b.md"], ["notes", "x.notes"], ["a.", "b."], ["x.py", "y.pyi"], ["y.pyi", "x.py"]):
        for parts in ((), ("docs",), ("configs",)):
            assert fk.classify_names(names, parts) == [fk.classify_name(n, parts) for n in names], (parts, names)
    assert all(p.pattern.startswith("^") and p.pattern.endswith("$") for p in fk._SHAPES)  # what the search needs
