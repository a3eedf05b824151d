"""The evaluation family: evaluation results (model-index, results files, evaluation sections) and evaluation data."""

from __future__ import annotations

from typing import Any

from opencheck.detect.benchmarks import SECTION_EVAL, benchmark_note, evaluation_data_licence, named_benchmarks
from opencheck.detect.components.base import ComponentBuilder, file_provenance, good_sections, section_provenance
from opencheck.detect.datasets import evaluation_datasets, model_index_results
from opencheck.evidence import Evidence, FileKind, Provenance

# Plurals too: "## Evaluations" heads the evaluation section of many cards (Pythia, GPT-NeoX, LLM360).
_SECTION_EVAL = SECTION_EVAL


def _results(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    metadata: dict[str, Any] = card.metadata if card else {}
    where: list[Provenance] = []
    if model_index_results(metadata.get("model-index")) and card is not None:
        where.append(card.key_provenance("model-index"))
    elif evidence.hub.get("model_index") or evidence.hub.get("eval_results"):
        where.append(Provenance(key="model-index", note="Hub evaluation results"))
    where += file_provenance(evidence.files_of(FileKind.EVAL_RESULTS))
    if card is not None:
        where += [section_provenance(card, s, "evaluation in the card") for s in good_sections(card, _SECTION_EVAL)]
    if where:
        built.present("Evaluation results", where)
        return
    # Results are often published only in the paper or report: then their absence here proves nothing.
    elsewhere = bool(evidence.files_of(FileKind.PAPER)) or any(
        link.kind in ("paper", "technical-report") for link in evidence.links)
    built.missing("Evaluation results", usually_elsewhere=elsewhere,
                  note="no model-index, evaluation results file or evaluation section with content")


def _data(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    eval_sets = evaluation_datasets(evidence)
    # Public benchmarks named in the evaluation sections or the model-index are the evaluation data; their own
    # dataset cards say under which licence (detect/benchmarks.py).
    benchmarks = named_benchmarks(evidence, eval_sets)
    if not eval_sets and not benchmarks:
        built.missing("Evaluation data", usually_elsewhere=True, note="no evaluation datasets named")
        return
    base = card.key_provenance("model-index") if card and "model-index" in card.metadata else Provenance(
        key="model-index")
    where = [Provenance(file=base.file, line=base.line, key=base.key, note=f"evaluation dataset: {name}")
             for name in eval_sets]
    where += [Provenance(file=p.file, line=p.line, key=p.key, url=f"https://huggingface.co/datasets/{b.dataset}",
                         note=f"{benchmark_note(b)}, {p.note or 'in the model-index'}") for b, p in benchmarks]
    built.present("Evaluation data", where, shipped=False, licence=evaluation_data_licence(benchmarks))


def detect_evaluation(evidence: Evidence, built: ComponentBuilder) -> None:
    """Evaluation results and evaluation data."""
    _results(evidence, built)
    _data(evidence, built)
