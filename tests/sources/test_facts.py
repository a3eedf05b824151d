"""Facts and MOF components derived from evidence: the bundled examples and filesystem-free (Hub-like) input."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.collect import collect_local
from opencheck.detect import enrich
from opencheck.detect.components import MOF_COMPONENTS
from opencheck.detect.hyperparameters import hyperparameter_name, hyperparameters_from_text
from opencheck.evidence import ComponentStatus, Evidence, FileEntry, Target, TargetKind
from opencheck.sources.card import parse_card
from opencheck.sources.file_kinds import classify_path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRESENT, ABSENT, UNKNOWN = ComponentStatus.PRESENT, ComponentStatus.ABSENT, ComponentStatus.UNKNOWN


@pytest.fixture(scope="module")
def open_model() -> Evidence:
    return collect_local(EXAMPLES / "open-model")


def test_open_model_has_every_component(open_model: Evidence) -> None:
    assert list(open_model.components) == list(MOF_COMPONENTS)
    assert {name: c.status for name, c in open_model.components.items()} == dict.fromkeys(MOF_COMPONENTS, PRESENT)
    assert open_model.problems == []


def test_open_model_licences_and_provenance(open_model: Evidence) -> None:
    first = open_model.licences[0]
    assert (first.raw, first.provenance.describe(), first.scope) == (
        "apache-2.0",
        "README.md:2 [license]",
        "repository",
    )
    licence_file = next(s for s in open_model.licences if s.provenance.file == "LICENSE")
    assert licence_file.provenance.line == 1
    assert licence_file.raw in ("Apache-2.0", "unknown text")  # identified once opencheck.licenses is present
    components = open_model.components
    assert components["Training code"].licence is first  # shipped in the repo: the repository licence
    assert components["Training code"].evidence[0].file == "train.py"
    assert components["Datasets"].licence is None  # lives elsewhere
    assert components["Evaluation results"].evidence[0].describe() == "README.md:18 [model-index]"
    evaluation_data = components["Evaluation data"].evidence[0]
    assert evaluation_data.note == "evaluation dataset: example-org/tiny-web-corpus-heldout"


def test_open_model_facts(open_model: Evidence) -> None:
    assert [name for name, _ in open_model.datasets] == ["example-org/tiny-web-corpus"]
    assert open_model.datasets[0][1].describe() == "README.md:10 [datasets]"
    assert open_model.checkpoints[0][0] == "checkpoints/step1000"
    assert open_model.weights.parameters == 920 and open_model.weights.files == ["model.safetensors"]
    hp = open_model.hyperparameters
    for name in (
        "learning_rate",
        "batch_size",
        "optimizer",
        "warmup",
        "lr_schedule",
        "train_steps",
        "precision",
        "hardware",
        "weight_decay",
        "sequence_length",
        "train_tokens",
    ):
        assert name in hp, name
    assert hp["learning_rate"].describe() == "configs/train.yaml:9 [optimizer.lr]"
    kinds = {(link.kind, link.url) for link in open_model.links}
    assert ("paper", "https://arxiv.org/abs/2304.01373") in kinds
    assert ("dataset", "https://huggingface.co/datasets/example-org/tiny-web-corpus") in kinds
    assert ("code-repository", "https://github.com/example-org/tiny-open-lm") in kinds


def test_weights_only_counter_example() -> None:
    evidence = collect_local(EXAMPLES / "open-weights-only")
    status = {name: c.status for name, c in evidence.components.items()}
    assert status["Model parameters (Final)"] == PRESENT
    assert status["Model architecture"] == PRESENT
    assert evidence.components["Model parameters (Final)"].licence.raw == "llama2"
    # Placeholder sections do not count, and things that usually live elsewhere stay unknown.
    assert status["Evaluation results"] == ABSENT
    assert status["Data card"] == ABSENT
    assert status["Training code"] == UNKNOWN
    assert status["Datasets"] == UNKNOWN
    assert status["Model parameters (Intermediate)"] == UNKNOWN
    # "Runs with transformers": the inference code is that library, under its own licence.
    inference = evidence.components["Inference code"].licence
    assert inference is not None and inference.raw == "Apache-2.0"
    assert inference.provenance.url == "https://github.com/huggingface/transformers"


def test_enrich_without_filesystem_hub_like() -> None:
    card, _ = parse_card(
        "---\nlicense: other\nlicense_name: tii-falcon\nlicense_link: LICENSE.txt\n---\n"
        "# Falcon\n\n## Training Data\n\n[More Information Needed]\n\n"
        "## Training Procedure\n\nWe used 384 A100 40GB GPUs, a batch size of 2304 and a "
        "learning rate of 6e-4 with cosine decay.\n"
    )
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="org/model"), card=card)
    evidence.files = [
        FileEntry(path=p, size=1, kind=classify_path(p))
        for p in (
            "README.md",
            "config.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json",
        )
    ]
    evidence.hub = {
        "tags": ["arxiv:2311.16867", "dataset:tiiuae/falcon-refinedweb", "license:other"],
        "branches": [{"name": "main"}, {"name": "step1000"}, "global_step5"],
        "safetensors": {"parameters": {"BF16": 7_000_000}, "total": 7_000_000},
        "gated": "manual",
    }
    enrich(evidence)
    licence = evidence.licences[0]
    # `license: other` with a license_name the licence table knows is that licence (tii-falcon: the Falcon licence)
    assert licence.raw == "LicenseRef-opencheck-falcon-llm-license"
    assert licence.provenance.note == "license_name: tii-falcon; license_link: LICENSE.txt"
    assert [link.kind for link in evidence.links if link.provenance.key == "license_link"] == ["license"]
    assert "tiiuae/falcon-refinedweb" in [name for name, _ in evidence.datasets]
    assert [name for name, _ in evidence.checkpoints] == ["step1000", "global_step5"]
    assert evidence.weights.parameters == 7_000_000 and evidence.weights.gated
    assert set(evidence.hyperparameters) >= {"hardware", "batch_size", "learning_rate", "lr_schedule"}
    assert evidence.hyperparameters["learning_rate"].line == 14
    assert evidence.components["Research paper"].status == PRESENT
    assert evidence.components["Model parameters (Intermediate)"].status == PRESENT
    assert evidence.components["Data card"].status == UNKNOWN  # datasets named: its card lives with them


def test_manifest_target_never_says_absent() -> None:
    evidence = Evidence(target=Target(kind=TargetKind.MANIFEST, id="m"))
    enrich(evidence)
    assert {c.status for c in evidence.components.values()} == {UNKNOWN}


def test_hyperparameter_vocabulary() -> None:
    assert hyperparameter_name("lr") == "learning_rate"
    assert hyperparameter_name("per_device_train_batch_size") == "batch_size"
    assert hyperparameter_name("warmup_ratio") == "warmup"
    assert hyperparameter_name("num_train_epochs") == "epochs"
    assert hyperparameter_name("max_grad_norm") == "gradient_clipping"
    assert hyperparameter_name("hidden_size") is None
    found = hyperparameters_from_text(
        "| learning_rate | 3e-4 |\nWarmup: [More Information Needed]\n"
        "We use 2000 warmup steps.\nTrained for 3 epochs.\n",
        "README.md",
        10,
    )
    assert found["learning_rate"].line == 10
    assert found["warmup"].line == 12
    assert "train_steps" not in found  # "warmup steps" is not the training length
    assert found["epochs"].line == 13
