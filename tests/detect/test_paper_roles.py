"""The model's own paper against related work: which linked papers are its research paper."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests.detect.card_reports import card_report as _report

from opencheck.detect.links import extract_links
from opencheck.detect.paper_roles import own_paper_keys
from opencheck.evidence import Evidence, Link, Provenance, Target, TargetKind
from opencheck.sources.card import parse_card


def _own(text: str, target: str = "org/Zephyrine-7B", **hub: Any) -> set[str]:
    card, _ = parse_card(text)
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id=target), card=card, hub=dict(hub))
    links = [link for link in extract_links(card) if link.kind == "paper"]
    return own_paper_keys(evidence, links)


@pytest.mark.parametrize("text", [
    "# M\n\n- **Paper:** [A study](https://arxiv.org/abs/2401.00001)\n",  # a Model Sources label
    "# M\n\nLink to paper: [here](https://arxiv.org/abs/2401.00001)\n",
    "# M\n\n**Research Paper** [\"A study\"](https://arxiv.org/abs/2401.00001)\n",
    '# M\n\n<a href="https://arxiv.org/abs/2401.00001"><b>Paper Link</b></a>\n',  # a badge
    "# M\n\nFor full details of this model please read our [paper](https://arxiv.org/abs/2401.00001).\n",
    "# M\n\nMore details in our paper: https://arxiv.org/abs/2401.00001\n",
    "# M\n\nSee the [accompanying paper](https://arxiv.org/abs/2401.00001) for details.\n",
    # "the paper" / "this paper" in a sentence about no technique: the card's own
    "# M\n\nZephyrine-7B is described in [this paper](https://arxiv.org/abs/2401.00001).\n",
    "# M\n\nSee the paper for details: https://arxiv.org/abs/2401.00001\n",
    "# M\n\nFor more information, read the [full paper](https://arxiv.org/abs/2401.00001).\n",
    "# M\n\nIt uses [RoPE](https://arxiv.org/abs/2401.00001).\n\n```bibtex\n@article{m,\n  eprint={2401.00001},"
    "\n}\n```\n",  # cited
    "# M\n\nThe implementation of [Zephyrine: open models](https://arxiv.org/abs/2401.00001).\n",  # titled by name
    "---\ntags:\n- arxiv:2401.00001\n---\n# M\n",  # the publisher's own metadata
])
def test_a_paper_the_card_cites_names_as_its_own_or_titles_with_its_name_is_its_paper(text: str) -> None:
    assert _own(text) == {"2401.00001"}


@pytest.mark.parametrize("text", [
    # a technique the model uses
    "# M\n\nThe [GPTQ](https://arxiv.org/abs/2210.17323) algorithm is applied for quantization.\n",
    "# M\n\nIt uses [Multi Query Attention](https://arxiv.org/abs/1911.02150) and [a context window of 8192 tokens]"
    "(https://arxiv.org/abs/2205.14135).\n",
    "# M\n\n* Modified from Megatron-LM GPT2 (see [paper](https://arxiv.org/abs/1909.08053))\n",
    # the work it comes from, and a benchmark it is scored on
    "# M\n\nIt is built from the research used to create Gemini ([paper about the Gemini family of models]"
    "(https://arxiv.org/abs/2312.11805)).\n",
    "# M\n\n| [MMLU](https://arxiv.org/abs/2009.03300) | 5-shot | 42.3 |\n",
    # "the paper" in a sentence about what the model uses or follows
    "# M\n\nWe use the rotary embeddings of [the paper](https://arxiv.org/abs/2104.09864).\n",
    "# M\n\nThe recipe follows the paper by [Smith et al.](https://arxiv.org/abs/2401.00002).\n",
    "# M\n\nRead the paper on [RoPE](https://arxiv.org/abs/2104.09864).\n",
    # a related-work section's label
    "# M\n\n## Related work\n\n- Paper: [LoRA](https://arxiv.org/abs/2106.09685)\n",
])
def test_a_paper_linked_for_a_technique_or_benchmark_is_related_work(text: str) -> None:
    assert _own(text) == set()


def test_a_fine_tunes_name_echoing_its_base_does_not_make_the_base_paper_its_own() -> None:
    text = "---\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# Llama-2-7b-oasst\n\nA fine-tuning of [Llama 2: Open " \
           "Foundation and Fine-Tuned Chat Models](https://arxiv.org/abs/2307.09288).\n"
    assert _own(text, "someone/Llama-2-7b-oasst") == set()
    assert _own(text.replace("base_model: meta-llama/Llama-2-7b-hf\n", "license: mit\n"),
                "meta-llama/Llama-2-7b") == {"2307.09288"}


def test_a_hub_tag_the_text_does_not_link_is_judged_by_its_looked_up_title() -> None:
    text = "# Pythia-160M\n\nSome text.\n"
    url = "https://arxiv.org/abs/2201.07311"
    tag = Link(url=url, kind="paper", text="arxiv:2201.07311", provenance=Provenance(key="tags", url=url))
    card, _ = parse_card(text)
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="EleutherAI/pythia-160m"), card=card)
    assert own_paper_keys(evidence, [tag]) == {"2201.07311"}  # no title: nothing to judge it by, it counts
    evidence.hub["arxiv"] = {"2201.07311": {"status": "found", "title": "Datasheet for the Pile"}}
    assert own_paper_keys(evidence, [tag]) == set()
    evidence.hub["arxiv"] = {"2201.07311": {"status": "found", "title": "Pythia: A Suite for Analyzing LLMs"}}
    assert own_paper_keys(evidence, [tag]) == {"2201.07311"}



def _paper(report: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in report["components"] if c["name"] == "Research paper")


@pytest.mark.parametrize(("folder", "related"), [
    ("RedHatAI--Qwen2.5-7B-quantized.w4a16", "2210.17323"),  # GPTQ, the quantisation method
    ("google--gemma-2b", "2312.11805"),  # the Gemini report, and the benchmarks' papers
])
def test_a_card_citing_none_of_its_own_papers_has_no_research_paper(tmp_path: Path, folder: str,
                                                                      related: str) -> None:
    paper = _paper(_report(tmp_path, folder))
    assert paper["status"] != "present"
    assert paper["evidence"][0].startswith("only related work linked")
    assert related in paper["evidence"][0]


def test_only_the_models_own_paper_is_its_evidence(tmp_path: Path) -> None:
    paper = _paper(_report(tmp_path, "bigcode--starcoder"))
    assert paper["status"] == "present"
    assert all("2305.06161" in e for e in paper["evidence"])  # not Multi-Query Attention, FlashAttention, FIM


@pytest.mark.parametrize("filler", [" ", "[", "(", "<", "our ", "paper ", "- ", "**"])
def test_a_long_hostile_line_stays_linear(filler: str) -> None:
    line = "our " + filler * (200_000 // len(filler)) + " [x](https://arxiv.org/abs/2401.00001)"
    start = time.perf_counter()
    _own(f"# M\n\n{line}\n")
    _own(f"# M\n\n- Paper: {line}\n")
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize(("line", "present"), [
    ("A fine-tune built with the method of [the base](https://arxiv.org/abs/2407.10671).", False),
    ("- **Paper:** [Our report](https://arxiv.org/abs/2407.10671)", True),
])
def test_a_related_paper_titled_a_technical_report_is_not_the_models_report(line: str, present: bool) -> None:
    from opencheck.detect.components.base import ComponentBuilder
    from opencheck.detect.components.documentation import detect_documentation
    from opencheck.detect.links import detect_links

    card, _ = parse_card(f"# Zephyrine\n\n{line}\n")
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="org/Zephyrine-7B"), card=card)
    evidence.hub["arxiv"] = {"2407.10671": {"status": "found", "title": "Qwen2 Technical Report"}}
    detect_links(evidence)
    built = ComponentBuilder(evidence)
    detect_documentation(evidence, built)
    assert (built.result["Technical report"].status.value == "present") is present


def test_its_paper_may_be_a_techniques() -> None:
    assert _own("# M\n\nIt uses FlashAttention (see [its paper](https://arxiv.org/abs/2205.14135)).\n") == set()
