"""Training corpora a card names only in prose: read where a curator would, looked up on the Hub, else the table's
licence (rules/licenses/training_datasets.yaml)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.collect import collect
from opencheck.detect.datasets import named_datasets, prose_lookup_ids
from opencheck.detect.training_corpora import known_corpora, prose_corpora
from opencheck.evidence import Evidence, ModelCard, Target, TargetKind
from opencheck.sources.card import parse_card

MODEL = "opencheck-test/prose-datasets"


def _evidence(card: ModelCard) -> Evidence:
    return Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), card=card)


def _named(body: str, front: str = "license: apache-2.0\n") -> list[str]:
    card, _ = parse_card(f"---\n{front}---\n\n# M\n\n{body}")
    return [name for name, _ in named_datasets(_evidence(card))]


@pytest.mark.parametrize(("body", "expected"), [
    ("The 135M model was trained on 2 trillion tokens using a diverse dataset combination: FineWeb-Edu, DCLM, "
     "The Stack, along with new filtered datasets.\n",
     ["HuggingFaceFW/fineweb-edu", "mlfoundations/dclm-baseline-1.0", "bigcode/the-stack"]),
    ("Falcon was trained on 1,500B tokens of RefinedWeb enhanced with curated corpora.\n",
     ["tiiuae/falcon-refinedweb"]),
    ("TinyLlama is pretrained on SlimPajama and StarCoderData.\n",
     ["cerebras/SlimPajama-627B", "bigcode/starcoderdata"]),
    ("StarCoder2 is trained on The Stack v2.\n", ["bigcode/the-stack-v2"]),  # not also The Stack
    ("## Training Data\n\nDolma, a corpus of 3T tokens.\n", ["allenai/dolma"]),  # a training-data section: no cue
    ("## Data mixture\n\n- FineWeb-Edu (60%)\n- The Pile (40%)\n", ["HuggingFaceFW/fineweb-edu", "EleutherAI/pile"]),
    ("## Pretraining data\n\n| Source | Tokens |\n|---|---|\n| Dolma | 2T |\n", ["allenai/dolma"]),
])
def test_corpora_named_in_sentences_or_sections_about_training_data(body: str, expected: list[str]) -> None:
    assert _named(body) == expected


@pytest.mark.parametrize("body", [
    "Unlike models trained on The Pile, ours saw no code.\n",  # a comparison
    "It outperforms Pythia, which was trained on the Pile.\n",
    "We did not train on The Pile.\n",  # negated
    "Compared with models trained on FineWeb-Edu, it is better at maths.\n",
    "## Evaluation\n\nPerplexity on C4 and on a sample of Dolma used for training data checks.\n",  # evaluation
    "## How to use\n\nThe model was trained on Dolma; load it with transformers.\n",  # usage section
    "## Citation\n\n```bibtex\n@misc{x,\n  title={Trained on FineWeb-Edu},\n}\n```\n",  # BibTeX
    "```python\n# trained on dolma\nload('dolma')\n```\n",  # code
    "The Pile is a famous dataset.\n",  # neither a training sentence nor a training section
    "Our model is trained on Pileated woodpecker images and Dolmas.\n",  # not whole words
])
def test_comparisons_evaluations_citations_code_and_other_mentions_do_not_count(body: str) -> None:
    assert _named(body) == []


def test_the_datasets_key_and_the_prose_are_read_together_each_corpus_once() -> None:
    # A legacy id or a version of a corpus in the key is that corpus: the prose adds nothing for it.
    body = "The model was trained on the Pile and on Dolma.\n"
    assert _named(body, "datasets:\n- the_pile\n") == ["the_pile", "allenai/dolma"]
    assert _named("Trained on The Stack.\n", "datasets:\n- bigcode/the-stack-dedup\n") == [
        "bigcode/the-stack-dedup"]
    # A key naming only the fine-tuning set keeps it first; the pre-training corpora the prose names follow.
    assert _named("Pre-trained on FineWeb-Edu, then fine-tuned.\n", "datasets:\n- org/sft-set\n") == [
        "org/sft-set", "HuggingFaceFW/fineweb-edu"]


def test_a_mix_table_lists_the_parts_of_a_declared_dataset_not_more_datasets() -> None:
    body = "## DataMix\n\n| Subset | Tokens |\n|---|---|\n| C4 | 197 |\n| Refined-Web | 665 |\n"
    assert _named(body, "datasets:\n- LLM360/AmberDatasets\n") == ["LLM360/AmberDatasets"]
    assert _named(body) == ["allenai/c4", "tiiuae/falcon-refinedweb"]


def test_each_find_is_evidence_with_its_line() -> None:
    card, _ = parse_card("# M\n\nIntro.\n\nThe model was pre-trained on Dolma.\n")
    ((corpus, where),) = prose_corpora(card)
    assert (corpus.dataset, where.file, where.line) == ("allenai/dolma", "README.md", 5)
    assert where.note == "training data named in the card: 'Dolma' (allenai/dolma)"


def test_without_a_look_up_the_tables_licence_is_the_fact_with_its_source(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("# M\n\nThe model was trained on FineWeb-Edu and SlimPajama.\n")
    evidence = collect(str(folder))
    (statement,) = evidence.dataset_licences["HuggingFaceFW/fineweb-edu"]
    assert statement.raw == "ODC-By-1.0" and statement.scope == "data"
    assert statement.provenance.url == "https://huggingface.co/datasets/HuggingFaceFW/fineweb-edu"
    assert "rules/licenses/training_datasets.yaml" in (statement.provenance.note or "")
    # SlimPajama's card states no licence: the table says none, and none is made up.
    assert not evidence.dataset_licences.get("cerebras/SlimPajama-627B")


def test_the_datasets_are_only_as_open_as_their_least_open_part(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# M\n\n"
                                      "The model was trained on FineWeb-Edu and The Stack v2.\n")
    report = json.loads(run_cli(["check", str(folder), "-f", "json"]).out)
    datasets = next(c for c in report["components"] if c["name"] == "Datasets")
    # FineWeb-Edu is ODC-By, The Stack v2's card says `other` (its terms of use): the component is not open.
    assert (datasets["status"], datasets["licence"], datasets["open"]) == ("present", "other", False)
    mof = next(p for p in report["packs"] if p["name"] == "mof")
    rule = next(r for r in mof["results"] if r["rule_id"] == "OC-MOF-DATASETS")
    assert rule["status"] == "fail"


@pytest.mark.parametrize("status", ["found", "gated", "not-found", "error"])
def test_what_the_look_up_answered_decides_over_the_table(status: str) -> None:
    # A card found stating no licence states none; one gated or gone stays unknown, and the finding says why.
    from opencheck.detect.licences import detect_licences

    card, _ = parse_card("# M\n\nThe model was trained on FineWeb-Edu.\n")
    evidence = _evidence(card)
    evidence.hub["datasets"] = {"HuggingFaceFW/fineweb-edu": {"status": status, "license": []}}
    detect_licences(evidence)
    assert not evidence.dataset_licences.get("HuggingFaceFW/fineweb-edu")
    evidence.hub["datasets"] = {}  # the look-up ran but did not ask about it (past its bound): the table's
    evidence.dataset_licences.clear()
    detect_licences(evidence)
    assert [s.raw for s in evidence.dataset_licences["HuggingFaceFW/fineweb-edu"]] == ["ODC-By-1.0"]


def test_the_look_up_is_told_only_the_corpora_the_prose_adds() -> None:
    card, _ = parse_card("---\ndatasets:\n- allenai/dolma\n---\n\n# M\n\nTrained on [Dolma](https://huggingface.co/"
                         "datasets/allenai/dolma) and on RefinedWeb.\n")
    assert prose_lookup_ids(_evidence(card)) == ["tiiuae/falcon-refinedweb"]


def _report(server: HubReplayServer, tmp_path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli(["check", MODEL, "-p", "open-training", "-f", "json", "--no-cache", "--no-references", *extra],
                     env={"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url}, cwd=tmp_path)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _licensed(report: dict[str, Any]) -> dict[str, Any]:
    return next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == "OC-OPEN-TRAINING-DATA-LICENSED")


def test_over_the_hub_the_prose_corpora_are_looked_up(hub_server: HubReplayServer, tmp_path: Path) -> None:
    before = hub_server.count("/api/datasets/*")
    report = _report(hub_server, tmp_path, "--lookup", "datasets")
    assert hub_server.count("/api/datasets/*") - before == 3  # Dolma, RefinedWeb, SlimPajama; not C4 or the Pile
    finding = _licensed(report)
    assert "cerebras/SlimPajama-627B (not on the Hub" in finding["message"]
    notes = [e.get("note", "") for e in finding["evidence"]]
    assert any(n.startswith("dataset card of tiiuae/falcon-refinedweb") for n in notes)
    datasets = next(c for c in report["components"] if c["name"] == "Datasets")
    assert sorted(datasets["evidence"]) == ["README.md:15: allenai/dolma", "README.md:15: cerebras/SlimPajama-627B",
                                            "README.md:15: tiiuae/falcon-refinedweb"]


def test_over_the_hub_without_look_ups_the_table_gives_the_licences(hub_server: HubReplayServer,
                                                                   tmp_path: Path) -> None:
    finding = _licensed(_report(hub_server, tmp_path, "--no-lookups"))
    assert finding["message"] == ("licence unknown for: cerebras/SlimPajama-627B (licence from opencheck's training "
                                  "corpus table for: allenai/dolma, tiiuae/falcon-refinedweb)")
    notes = [e.get("note", "") for e in finding["evidence"]]
    assert any("allenai/dolma's dataset card, as opencheck's training corpus table" in n for n in notes)


def test_the_table_names_each_dataset_once_and_only_known_licences() -> None:
    from opencheck.licenses import classify
    from opencheck.licenses.normalise import normalise

    corpora = known_corpora()
    assert len({c.dataset for c in corpora}) == len(corpora)
    for corpus in corpora:
        if corpus.licence and corpus.licence != "other":
            assert classify(normalise(corpus.licence)).licence_class.value != "unknown", corpus.key


@pytest.mark.parametrize("filler", [" ", "a ", "-", "The ", ". ", "trained on ", "|"])
def test_a_long_hostile_line_stays_linear(filler: str) -> None:
    line = "The model was trained on " + filler * (200_000 // len(filler)) + "q"
    card, _ = parse_card(f"# M\n\n## Training data\n\n{line}\n")
    start = time.perf_counter()
    prose_corpora(card)
    assert time.perf_counter() - start < 2.0


def test_a_sentence_about_held_out_data_is_not_training_data() -> None:
    assert _named("## Training data\n\nWe decontaminated our mix against the test set of The Pile.\n") == []
