"""Evidence records built by hand for pack tests: an openly trained model, a closed one, and variations."""

from __future__ import annotations

from dataclasses import replace

from opencheck.detect.links import extract_links
from opencheck.engine.evaluate import evaluate_pack
from opencheck.engine.packs import MOF_COMPONENT_NAMES
from opencheck.evidence import (
    ComponentEvidence,
    ComponentStatus,
    Evidence,
    FileEntry,
    FileKind,
    GitInfo,
    LicenceStatement,
    Problem,
    Provenance,
    Target,
    TargetKind,
    WeightsInfo,
)
from opencheck.results import PackResult, RuleResult
from opencheck.rulepacks import load_pack
from opencheck.sources.card import parse_card

OPEN_CARD = """\
---
license: apache-2.0
pipeline_tag: text-generation
library_name: transformers
datasets:
- example-org/corpus
co2_eq_emissions:
  emissions: 1200
  hardware_used: 8 x A100
model-index:
- name: open-model
  results: []
---
# Open model

## Model Details
A 160M decoder-only transformer trained by Example Org. Paper: [Pythia](https://arxiv.org/abs/2304.01373),
published at [ICML](https://proceedings.mlr.press/v202/biderman23a.html).

## Uses
### Direct Use
Research on language model training dynamics.
### Out-of-Scope Use
Production deployment without further evaluation.

## Bias, Risks, and Limitations
Trained on web text; it reproduces the biases of that text.

## How to Get Started with the Model
```python
from transformers import AutoModelForCausalLM
```

## Training Details
### Training Data
The corpus: 300B tokens after deduplication and quality filtering.
### Training Procedure
Pre-training with a causal language modeling objective.

## Evaluation
Results on LAMBADA and HellaSwag.

## Environmental Impact
Hardware Type: 64 A100 GPUs for 1200 GPU-hours, 5,000 kWh. Carbon emitted: 1.2 t CO2eq.

## Citation
```bibtex
@article{example2024, title={Open model}}
```

## Changelog
v1.0: first release.
"""

CLOSED_CARD = """\
# Some model

## Uses
[More Information Needed]

## Bias, Risks, and Limitations
[More Information Needed]
"""

_HYPERPARAMETERS = ("optimizer", "learning_rate", "lr_scheduler_type", "train_batch_size", "max_steps",
                    "precision", "hardware")


def _statement(raw: str, file: str = "README.md", line: int | None = 2, scope: str = "repository",
               key: str | None = "license") -> LicenceStatement:
    return LicenceStatement(raw=raw, provenance=Provenance(file=file, line=line, key=key), scope=scope)


def component(name: str, licence: str | None, status: ComponentStatus = ComponentStatus.PRESENT,
              origin: str = "detected") -> ComponentEvidence:
    """A component with one piece of evidence and an optional licence."""
    return ComponentEvidence(name=name, status=status,
                             licence=_statement(licence, key=None, scope=name) if licence else None,
                             evidence=[Provenance(file="README.md", line=5, note=f"{name} found")], origin=origin)


def open_evidence() -> Evidence:
    """An openly trained model (Pythia-like): every component present under Apache-2.0, data CC-BY-4.0."""
    card, _ = parse_card(OPEN_CARD)
    files = [
        FileEntry("README.md", 10, FileKind.MODEL_CARD), FileEntry("LICENSE", 10, FileKind.LICENSE),
        FileEntry("model.safetensors", 100, FileKind.WEIGHTS), FileEntry("train.py", 10, FileKind.CODE),
        FileEntry("config.json", 10, FileKind.CONFIG), FileEntry("DATA_CARD.md", 10, FileKind.DATA_CARD),
        FileEntry("requirements.txt", 10, FileKind.OTHER),
    ]
    components = {n: component(n, "CC-BY-4.0" if n in ("Datasets", "Evaluation data") else "Apache-2.0")
                  for n in MOF_COMPONENT_NAMES}
    data_prov = card.key_provenance("datasets")
    return Evidence(
        target=Target(kind=TargetKind.LOCAL, id="open-model", path="open-model"),
        files=files,
        card=card,
        licences=[_statement("apache-2.0")],
        links=extract_links(card),
        components=components,
        hyperparameters={h: Provenance(file="configs/train.yaml", line=i + 1, key=h)
                         for i, h in enumerate(_HYPERPARAMETERS)},
        datasets=[("example-org/corpus", data_prov)],
        dataset_licences={"example-org/corpus": [_statement("cc-by-4.0", file="datasets/example-org/corpus",
                                                            scope="data")]},
        checkpoints=[("step1000", Provenance(file="checkpoints/step1000"))],
        weights=WeightsInfo(files=["model.safetensors"], parameters=160_000_000,
                            provenance=Provenance(file="model.safetensors")),
        git=GitInfo(commit="abc", tags=["v1.0"]),
        config={"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "transformers_version": "4.40.0"},
    )


def closed_evidence() -> Evidence:
    """Nothing open: a placeholder card, a non-commercial licence contradicted by LICENSE, no weights, no data."""
    card, _ = parse_card(CLOSED_CARD)
    return Evidence(
        target=Target(kind=TargetKind.LOCAL, id="closed-model", path="closed-model"),
        files=[FileEntry("README.md", 10, FileKind.MODEL_CARD), FileEntry("modeling.py", 10, FileKind.CODE)],
        card=card,
        licences=[_statement("cc-by-nc-4.0"), _statement("mit", file="LICENSE", line=1, key=None)],
        problems=[Problem("file-unreadable", "cannot read secret.bin", Provenance(file="secret.bin"))],
    )


def with_components(ev: Evidence, **licences: str | None) -> Evidence:
    """A copy of `ev` whose components are exactly the given ones (keyword = component name with _ for spaces)."""
    comps = {}
    for key, licence in licences.items():
        name = _name(key)
        comps[name] = component(name, licence)
    return replace(ev, components=comps)


def _name(key: str) -> str:
    table = {n.lower().replace(" ", "_").replace("(", "").replace(")", ""): n for n in MOF_COMPONENT_NAMES}
    return table[key]


def run(pack: str, ev: Evidence) -> PackResult:
    """Evaluate a built-in pack."""
    return evaluate_pack(load_pack(pack), ev)


def result(pack: PackResult, rule_id: str) -> RuleResult:
    """One rule's result."""
    return next(r for r in pack.results if r.rule_id == rule_id)
