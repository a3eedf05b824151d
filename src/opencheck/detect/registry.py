"""The detector table: each detector's name, the raw evidence it reads, the facts it yields, and the function.

Like Scorecard's probes, every detection is small, named and registered once here. `enrich` runs them in table
order (a detector may read facts an earlier one yielded: datasets read links, components read everything), and
`opencheck rules show` / the rule docs name the detectors that feed a rule from the facts its predicates read.
Raw evidence is what a source read (`card`, `files`, `config`, `hub.*`, `git`, `licence_texts`, ...); a fact is
an `Evidence` field a detector fills, or `component:NAME` for one MOF component.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opencheck.detect.approach import stated_approach
from opencheck.detect.base_licence import detect_base_licences
from opencheck.detect.base_model import base_model_ids, base_model_source, model_names
from opencheck.detect.checkpoints import detect_checkpoints
from opencheck.detect.components import MOF_COMPONENTS, ComponentBuilder
from opencheck.detect.components.code import detect_code
from opencheck.detect.components.data import detect_data
from opencheck.detect.components.documentation import detect_documentation
from opencheck.detect.components.evaluation import detect_evaluation
from opencheck.detect.components.weights import detect_weights_components
from opencheck.detect.datasets import detect_datasets
from opencheck.detect.declared import detect_declared
from opencheck.detect.footprint import footprint
from opencheck.detect.hyperparameters import detect_hyperparameters
from opencheck.detect.licences import detect_licences
from opencheck.detect.links import detect_links
from opencheck.detect.weights import detect_weights
from opencheck.evidence import Evidence, with_lfs_note


@dataclass(frozen=True)
class Detector:
    """One named detection: what raw evidence (or earlier facts) it reads and which facts it yields."""

    name: str
    reads: tuple[str, ...]
    yields: tuple[str, ...]
    function: Callable[[Evidence], None]
    summary: str


def _detect_footprint(evidence: Evidence) -> None:
    if evidence.card is not None:
        evidence.footprint = footprint(evidence.card, model_names(evidence))


def _detect_approach(evidence: Evidence) -> None:
    if evidence.card is not None:
        fine_tuned = bool(base_model_ids(base_model_source(evidence)))
        evidence.approach = stated_approach(evidence.card, fine_tuned=fine_tuned)


def _family(detect: Callable[[Evidence, ComponentBuilder], None]) -> Callable[[Evidence], None]:
    """Run a component family detector and store its records (LFS pointer files noted) in `evidence.components`."""
    def run(evidence: Evidence) -> None:
        built = ComponentBuilder(evidence)
        detect(evidence, built)
        for name, component in built.result.items():
            if evidence.lfs_pointers:
                component.evidence = [with_lfs_note(p, evidence.lfs_pointers) for p in component.evidence]
            evidence.components[name] = component
    run.__name__ = detect.__name__
    return run


def _components(*names: str) -> tuple[str, ...]:
    return tuple(f"component:{name}" for name in names)


CODE_COMPONENTS = ("Model architecture", "Training code", "Data preprocessing code", "Evaluation code",
                   "Inference code", "Supporting libraries and tools")
DOCUMENTATION_COMPONENTS = ("Technical report", "Research paper", "Model card", "Data card", "Sample model outputs")

DETECTORS: tuple[Detector, ...] = (
    Detector("links", ("card", "hub.tags"), ("links",), detect_links,
             "card links, reference definitions, bare URLs, arXiv mentions and tags, classified by what they show"),
    Detector("licences", ("card", "links", "hub.tags", "licence_texts", "hub.github", "hub.datasets", "hub.arxiv"),
             ("licences", "dataset_licences"), detect_licences,
             "licence keys, sections and 'License:' lines, licence files, the look-ups' licences, and a licence the "
             "card states for a dataset the Hub gives none for, else the corpus table's (training_datasets.yaml)"),
    # After `licences`: it reads the card's own licence, and adds the base model's when that one binds the weights.
    Detector("base-licences", ("card", "links", "hub.base_models", "adapter_config", "licences"), ("licences",),
             detect_base_licences, "the licence of a named base model (card, Hub, a PEFT adapter's adapter_config.json "
             "or the card's words) whose terms bind the models made from it (rules/licenses/base_models.yaml)"),
    Detector("datasets", ("card", "links", "hub.tags"), ("datasets",), detect_datasets,
             "training datasets the card, its dataset links or the Hub's dataset tags name, and well-known corpora "
             "its prose about training data names (rules/licenses/training_datasets.yaml)"),
    Detector("hyperparameters", ("training_configs", "card"), ("hyperparameters",), detect_hyperparameters,
             "training hyperparameters in training configs and the card's text"),
    # Before every detector that reads file kinds: it turns checkpoint files' kind to CHECKPOINT.
    Detector("checkpoints", ("files", "lfs_pointers", "git", "hub.branches"),
             ("checkpoints", "git.checkpoint_branches"), detect_checkpoints,
             "checkpoint files (their kind), checkpoint folders, git branches and Hub branches"),
    Detector("footprint", ("card", "target"), ("footprint",), _detect_footprint,
             "training energy and emissions the card states"),
    Detector("approach", ("card", "hub.base_models"), ("approach",), _detect_approach,
             "the learning approach the card states"),
    Detector("weights", ("files", "hub.safetensors", "hub.gated", "card"), ("weights",), detect_weights,
             "weight files, parameter count and access gate"),
    Detector("weights-components", ("files", "weights", "checkpoints", "licences", "card", "links"),
             _components("Model parameters (Final)", "Model parameters (Intermediate)"),
             _family(detect_weights_components), "the weights family of MOF components"),
    Detector("code-components", ("files", "config", "card", "links", "licences", "hub.library_name",
                                 "hub.github_trees", "target", "git"),
             _components(*CODE_COMPONENTS), _family(detect_code), "the code family of MOF components"),
    Detector("documentation-components", ("files", "card", "links", "datasets", "licences", "dataset_licences",
                                          "hub.datasets", "hub.arxiv"),
             _components(*DOCUMENTATION_COMPONENTS), _family(detect_documentation),
             "the documentation family of MOF components"),
    Detector("evaluation-components", ("files", "card", "links", "hub.model_index", "hub.eval_results"),
             _components("Evaluation results", "Evaluation data"), _family(detect_evaluation),
             "the evaluation family of MOF components"),
    Detector("data-components", ("files", "config", "card", "datasets", "dataset_licences", "licences"),
             _components("Datasets", "Model metadata"), _family(detect_data), "the data family of MOF components"),
    # Last, so that what a manifest declares adds to what was detected without changing it.
    Detector("declared", ("manifest",), ("declared", "datasets", "checkpoints", "licences"), detect_declared,
             "the components, data, checkpoints and distribution licence an openness manifest declares"),
)


def enrich(evidence: Evidence) -> None:
    """Run every detector in table order over raw evidence; the components end up in MOF order."""
    evidence.components = {}
    for detector in DETECTORS:
        detector.function(evidence)
    evidence.components = {name: evidence.components[name] for name in MOF_COMPONENTS}


def detectors_yielding(facts: set[str]) -> list[Detector]:
    """The detectors that yield any of `facts`, in table order."""
    return [d for d in DETECTORS if facts.intersection(d.yields)]
