"""Detection of the evidence curators count: plural evaluation headings, data-mix sections, Hub dataset cards."""

from __future__ import annotations

from typing import Any

from opencheck.detect import enrich
from opencheck.evidence import ComponentStatus, Evidence, FileEntry, Target, TargetKind
from opencheck.sources.card import parse_card
from opencheck.sources.file_kinds import classify_path

PRESENT = ComponentStatus.PRESENT


def hub_evidence(card_text: str, hub: dict[str, Any] | None = None) -> Evidence:
    """A Hub-like evidence record (no filesystem) with a card, a config and one weight file, enriched."""
    card, _ = parse_card(card_text)
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="org/model"), card=card)
    evidence.files = [FileEntry(path=p, size=1, kind=classify_path(p))
                      for p in ("README.md", "config.json", "model.safetensors")]
    evidence.hub = hub or {}
    enrich(evidence)
    return evidence


def test_plural_evaluations_heading_is_an_evaluation_section() -> None:
    evidence = hub_evidence("---\nlicense: apache-2.0\n---\n# M\n\n## Evaluations\n\nAll models were evaluated "
                            "with the LM Evaluation Harness; results are in the GitHub repository.\n")
    results = evidence.components["Evaluation results"]
    assert results.status == PRESENT
    assert results.evidence[0].note == "evaluation in the card: section 'Evaluations'"
    assert results.licence is not None and results.licence.raw == "apache-2.0"


def test_data_mix_section_is_a_data_card() -> None:
    evidence = hub_evidence("---\nlicense: apache-2.0\n---\n# M\n\n### DataMix\n\n| Subset | Tokens |\n|---|---|\n"
                            "| Arxiv | 30B |\n| Book | 28.9B |\n")
    data_card = evidence.components["Data card"]
    assert data_card.status == PRESENT
    assert "section 'DataMix'" in (data_card.evidence[0].note or "")


def test_found_hub_dataset_card_is_the_data_card_with_its_licence() -> None:
    hub = {"tags": ["dataset:org/corpus"],
           "datasets": {"org/corpus": {"status": "found", "license": ["odc-by"], "gated": False, "sha": "a" * 40,
                                       "url": "https://huggingface.co/datasets/org/corpus"}}}
    evidence = hub_evidence("---\nlicense: apache-2.0\ndatasets:\n- org/corpus\n---\n# M\n\nA model.\n", hub)
    data_card = evidence.components["Data card"]
    assert data_card.status == PRESENT
    assert data_card.evidence[0].url == "https://huggingface.co/datasets/org/corpus"
    assert data_card.licence is not None and data_card.licence.raw == "odc-by"


def test_dataset_the_look_up_did_not_find_gives_no_data_card() -> None:
    hub = {"datasets": {"org/corpus": {"status": "not-found"}}}
    evidence = hub_evidence("---\nlicense: apache-2.0\ndatasets:\n- org/corpus\n---\n# M\n\nA model.\n", hub)
    assert evidence.components["Data card"].status != PRESENT


def test_vendored_and_test_code_in_a_linked_tree_is_not_the_projects_code() -> None:
    paths = ["inference/efficiency/dependencies/bench/scripts/process_data.py", "third_party/x/train.py",
             "tests/train_test.py", "test_fixtures/train_tiny.yaml", "vendor/lib/eval.py", "scripts/train.py"]
    hub = {"github_trees": {"org/code": {"status": "found", "truncated": False, "paths": sorted(paths)}}}
    evidence = hub_evidence("---\nlicense: apache-2.0\n---\n# M\n\nCode: https://github.com/org/code\n", hub)
    training = evidence.components["Training code"]
    assert training.status == PRESENT
    assert [p.file for p in training.evidence if p.file] == ["scripts/train.py"]
    assert evidence.components["Data preprocessing code"].status != PRESENT
    assert evidence.components["Evaluation code"].status != PRESENT


def test_generation_config_is_not_sample_outputs() -> None:
    card, _ = parse_card("---\nlicense: apache-2.0\n---\n# M\n\nA model.\n")
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="org/model"), card=card)
    evidence.files = [FileEntry(path=p, size=1, kind=classify_path(p))
                      for p in ("README.md", "config.json", "generation_config.json", "model.safetensors")]
    enrich(evidence)
    assert evidence.components["Sample model outputs"].status != PRESENT
    evidence.files.append(FileEntry(path="samples/generations.jsonl", size=1,
                                    kind=classify_path("samples/generations.jsonl")))
    enrich(evidence)
    assert evidence.components["Sample model outputs"].status == PRESENT


def _evaluation_data(card_text: str) -> Any:
    return hub_evidence("---\nlicense: apache-2.0\n---\n" + card_text).components["Evaluation data"]


def test_benchmarks_named_in_an_evaluation_table_are_the_evaluation_data_with_their_licence() -> None:
    data = _evaluation_data("# M\n\n## Evaluation\n\n| | M |\n|---|---|\n| arc_challenge | 48.5 |\n"
                            "| hellaswag | 76.4 |\n| MMLU (5 shot MC) | 28.3 |\n")
    assert data.status == PRESENT
    assert [p.url for p in data.evidence] == ["https://huggingface.co/datasets/allenai/ai2_arc",
                                             "https://huggingface.co/datasets/cais/mmlu",
                                             "https://huggingface.co/datasets/Rowan/hellaswag"]
    assert data.evidence[2].note == ("evaluation benchmark hellaswag (Rowan/hellaswag, licence not stated on its "
                                     "card), named in section 'Evaluation'")
    # Every known licence is open: the first one stands for the evaluation data.
    assert data.licence is not None and data.licence.raw == "CC-BY-SA-4.0"
    assert data.licence.provenance.url == "https://huggingface.co/datasets/allenai/ai2_arc"


def test_one_non_open_benchmark_makes_the_evaluation_data_non_open() -> None:
    data = _evaluation_data("# M\n\n## Evaluations\n\n<summary>LAMBADA – OpenAI</summary>\n\n"
                            "<summary>SciQ</summary>\n")
    assert [p.url.rsplit("/", 2)[-2:] for p in data.evidence if p.url] == [["EleutherAI", "lambada_openai"],
                                                                          ["allenai", "sciq"]]
    assert data.licence is not None and data.licence.raw == "CC-BY-NC-3.0"


def test_benchmarks_without_a_stated_licence_leave_the_evaluation_data_unlicensed() -> None:
    data = _evaluation_data("# M\n\n## Results\n\nWe report HellaSwag and PIQA accuracy.\n")
    assert data.status == PRESENT and data.licence is None


def test_benchmark_names_outside_evaluation_sections_are_not_evaluation_data() -> None:
    data = _evaluation_data("# M\n\n## Training\n\nWe filtered MMLU and ARC questions out of the data.\n")
    assert data.status != PRESENT


def test_model_index_dataset_types_map_to_known_benchmarks() -> None:
    card = ("---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n"
            "    dataset: {name: AI2 ARC, type: ai2_arc}\n    metrics: [{type: acc, value: 0.5}]\n---\n# M\n")
    data = hub_evidence(card).components["Evaluation data"]
    assert [p.note for p in data.evidence] == [
        "evaluation dataset: ai2_arc",
        "evaluation benchmark ai2_arc (allenai/ai2_arc, CC-BY-SA-4.0), in the model-index"]
    assert data.licence is not None and data.licence.raw == "CC-BY-SA-4.0"


_ARXIV = {"2104.09864": {"status": "found", "license": None, "title": "RoFormer: Enhanced Transformer with Rotary "
                                                                       "Position Embedding"},
          "2306.02254": {"status": "found", "license": "http://creativecommons.org/licenses/by-sa/4.0/",
                         "title": "A Technical Report for Polyglot-Ko: Open-Source Large-Scale Korean Language Models"}}
_CITING_CARD = ("---\nlicense: apache-2.0\n---\n# M\n\nUses [RoPE](https://arxiv.org/abs/2104.09864).\n\n"
                "## Citation\n\n```bibtex\n@misc{ko2023technical,\n  title={A Technical Report for Polyglot-Ko},\n"
                "  eprint={2306.02254},\n  archivePrefix={arXiv}\n}\n```\n")


def test_the_cited_paper_decides_the_research_papers_licence_and_a_report_title_makes_a_technical_report() -> None:
    evidence = hub_evidence(_CITING_CARD, {"tags": ["arxiv:2104.09864", "arxiv:2306.02254"], "arxiv": _ARXIV})
    from opencheck.detect.papers import cited_ids, report_ids

    assert cited_ids(evidence) == ["2306.02254"] and report_ids(evidence) == ["2306.02254"]
    paper = evidence.components["Research paper"]
    assert paper.licence is not None and paper.licence.raw == "CC-BY-SA-4.0"  # not RoPE's arXiv-only licence
    report = evidence.components["Technical report"]
    assert report.status == PRESENT and report.evidence[0].url == "https://arxiv.org/abs/2306.02254"
    assert report.licence is not None and report.licence.raw == "CC-BY-SA-4.0"


def test_without_a_citation_or_report_title_nothing_changes() -> None:
    arxiv = {"2104.09864": _ARXIV["2104.09864"]}
    evidence = hub_evidence("---\nlicense: mit\n---\n# M\n\nUses [RoPE](https://arxiv.org/abs/2104.09864).\n",
                            {"tags": ["arxiv:2104.09864"], "arxiv": arxiv})
    assert evidence.components["Technical report"].status != PRESENT
    # RoPE is a technique the model uses, not its paper (detect/paper_roles.py): no research paper, said why.
    paper = evidence.components["Research paper"]
    assert paper.status != PRESENT and paper.licence is None
    assert paper.evidence[0].note == ("only related work linked (papers of techniques or benchmarks it uses): "
                                      "https://arxiv.org/abs/2104.09864")


def test_a_bold_labelled_training_data_paragraph_is_a_data_card() -> None:
    card = ("---\nlicense: apache-2.0\n---\n# M\n\n**Model Summary:**\nA model.\n\n**Training Data:**\nOverall, our "
            "SFT data is largely comprised of publicly available datasets with permissive license.\n\n"
            "**Infrastructure:**\nA cluster.\n")
    data_card = hub_evidence(card).components["Data card"]
    assert data_card.status == PRESENT
    assert data_card.evidence[0].note == "training data described in the model card: section 'Training Data'"
    assert data_card.evidence[0].line == 9
    empty = hub_evidence("---\nlicense: mit\n---\n# M\n\n**Training Data:** [More Information Needed]\n")
    assert empty.components["Data card"].status != PRESENT


def test_a_generation_section_with_only_usage_code_shows_no_sample_outputs() -> None:
    usage = ("---\nlicense: apache-2.0\n---\n# M\n\n### Generation\n```python\nfrom transformers import AutoModel\n"
             "model = AutoModel.from_pretrained('org/m')\n```\n")
    assert hub_evidence(usage).components["Sample model outputs"].status != PRESENT
    samples = usage + "\nOutput:\n\n> The capital of France is Paris.\n"
    assert hub_evidence(samples).components["Sample model outputs"].status == PRESENT


_CONVERTED = ("---\nlicense: apache-2.0\n---\n# M\n\nWe are releasing many checkpoints for these models. These have "
              "not yet been converted, but are available in [{repo}](https://huggingface.co/{repo}).\n")


def test_checkpoints_the_card_places_in_the_publishers_other_repository_are_intermediate_parameters() -> None:
    evidence = hub_evidence(_CONVERTED.format(repo="org/model-original"))
    intermediate = evidence.components["Model parameters (Intermediate)"]
    assert intermediate.status == PRESENT
    assert intermediate.evidence[0].note == "intermediate checkpoints published in org/model-original, as the card says"
    assert intermediate.licence is not None and intermediate.licence.raw == "apache-2.0"  # the card's model licence


def test_another_publishers_checkpoints_or_a_link_without_checkpoints_are_not() -> None:
    assert hub_evidence(_CONVERTED.format(repo="other/base")).components[
        "Model parameters (Intermediate)"].status != PRESENT
    plain = "---\nlicense: mit\n---\n# M\n\nUses the tokenizer of [org/x](https://huggingface.co/org/x).\n"
    assert hub_evidence(plain).components["Model parameters (Intermediate)"].status != PRESENT
