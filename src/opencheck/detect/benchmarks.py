"""Public benchmarks a model was evaluated on: named in the card's evaluation sections or its model-index, with the
licence each benchmark's own dataset card states (rules/licenses/benchmarks.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from opencheck.detect.name_patterns import NamedDataset, load_named_datasets
from opencheck.evidence import Evidence, LicenceStatement, Provenance

# The card sections that report evaluations (as the evaluation-results detector reads them).
SECTION_EVAL = re.compile(r"\b(evaluations?|results?|benchmarks?|performance|metrics)\b", re.IGNORECASE)


# A table whose first header cell is "Metric(s)", "Benchmark(s)" or "Task(s)" is a table of scores whatever its
# section is called (SmolLM2's "## Base pre-trained model", a sibling of its "## Evaluation").
_SCORE_TABLE = re.compile(r"^\s*\|\s*[*_]*\s*(?:metrics?|benchmarks?|tasks?)\s*[*_]*\s*\|",
                          re.IGNORECASE | re.MULTILINE)
_SUBHEADING = re.compile(r"^ {0,3}#{1,6}\s", re.MULTILINE)


def _scores_section(title: str, text: str) -> bool:
    """An evaluation section by its title, or a section whose own text (before any sub-heading) holds a score
    table."""
    if SECTION_EVAL.search(title):
        return True
    heading = _SUBHEADING.search(text)
    return bool(_SCORE_TABLE.search(text[:heading.start()] if heading else text))


Benchmark = NamedDataset  # one known benchmark (rules/licenses/benchmarks.yaml)


@lru_cache(maxsize=1)
def known_benchmarks() -> tuple[Benchmark, ...]:
    """The packaged benchmark table, in table order (an earlier entry wins a name it shares with a later one)."""
    return load_named_datasets("benchmarks.yaml", "benchmarks", "the benchmark table")


def _lookup(name: str) -> Benchmark | None:
    """The known benchmark a model-index dataset name or id stands for."""
    for bench in known_benchmarks():
        if name.lower() == bench.dataset.lower() or bench.pattern.fullmatch(name.split("/")[-1]):
            return bench
    return None


def named_benchmarks(evidence: Evidence, index_names: list[str]) -> list[tuple[Benchmark, Provenance]]:
    """Each known benchmark the model-index (`index_names`) or an evaluation section of the card names, once."""
    found: dict[str, tuple[Benchmark, Provenance]] = {}
    card = evidence.card
    for name in index_names:
        bench = _lookup(name)
        if bench and bench.key not in found:
            where = card.key_provenance("model-index") if card and "model-index" in card.metadata else Provenance(
                key="model-index")
            found[bench.key] = (bench, where)
    if card is not None:
        for section in card.sections:
            if section.placeholder or not _scores_section(section.title, section.text):
                continue
            text = section.text
            for bench in known_benchmarks():
                match = bench.pattern.search(text)
                if match and bench.key not in found:
                    found[bench.key] = (bench, Provenance(file=card.path, line=section.line,
                                                          note=f"named in section '{section.title}'"))
                # A shared word counts once: LAMBADA's OpenAI version is not also plain LAMBADA.
                text = bench.pattern.sub(" ", text)
    return list(found.values())


def evaluation_data_licence(benchmarks: list[tuple[Benchmark, Provenance]]) -> LicenceStatement | None:
    """The evaluation data's licence: the first benchmark licence that is not open, else the first known one
    (the data is only as open as its least open known part); None when no benchmark's licence is known."""
    from opencheck.licenses.classify import classify

    known = [(bench, where) for bench, where in benchmarks if bench.licence]
    if not known:
        return None
    closed = [(b, w) for b, w in known if not classify(str(b.licence)).is_open]
    bench, _ = (closed or known)[0]
    return LicenceStatement(raw=str(bench.licence), scope="data", provenance=Provenance(
        url=f"https://huggingface.co/datasets/{bench.dataset}", key="license",
        note=f"licence of the {bench.key} benchmark's dataset card ({bench.dataset})"))


def benchmark_note(bench: Benchmark) -> str:
    """How a benchmark shows in the evidence: name, dataset and licence."""
    licence: Any = bench.licence or "licence not stated on its card"
    return f"evaluation benchmark {bench.key} ({bench.dataset}, {licence})"
