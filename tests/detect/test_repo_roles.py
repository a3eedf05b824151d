"""What a linked code repository is evidence of: the publisher's own code (read whole, its tree too), or another
publisher's project, which counts only for what the card says it was used for."""

from __future__ import annotations

from typing import Any

import pytest

from opencheck.detect import enrich
from opencheck.detect.repo_roles import linked_repositories, same_owner
from opencheck.evidence import ComponentStatus, Evidence, FileEntry, GitInfo, Target, TargetKind
from opencheck.sources.card import parse_card
from opencheck.sources.file_kinds import classify_path

PRESENT = ComponentStatus.PRESENT
ROLE_COMPONENTS = {"training": "Training code", "preprocessing": "Data preprocessing code",
                   "evaluation": "Evaluation code", "inference": "Inference code"}
# A toolkit's tree has a bit of everything: benchmark preparation, training of its own models, a server.
TOOLKIT_TREE = ["scripts/prepare_benchmark_images.py", "toolkit/dataset/data_preprocess.py", "train.py",
                "eval/run_eval.py", "serve/server.py", "setup.py"]


def _trees(*slugs: str, paths: list[str] | None = None) -> dict[str, Any]:
    tree = {"status": "found", "truncated": False, "paths": sorted(paths or TOOLKIT_TREE)}
    return {"github_trees": {slug: dict(tree) for slug in slugs},
            "github": {slug: {"status": "found", "spdx_id": "Apache-2.0", "path": "LICENSE"} for slug in slugs}}


def _check(body: str, hub: dict[str, Any] | None = None, target: str = "pub/model",
           kind: TargetKind = TargetKind.HUB, git: GitInfo | None = None) -> Evidence:
    card, _ = parse_card("---\nlicense: apache-2.0\n---\n# Model\n\n" + body)
    evidence = Evidence(target=Target(kind=kind, id=target), card=card, git=git)
    evidence.files = [FileEntry(path=p, size=1, kind=classify_path(p))
                      for p in ("README.md", "config.json", "model.safetensors")]
    evidence.hub = hub or {}
    enrich(evidence)
    return evidence


def _present(evidence: Evidence) -> set[str]:
    return {role for role, name in ROLE_COMPONENTS.items() if evidence.components[name].status == PRESENT}


def test_an_evaluation_toolkit_is_the_evaluation_code_and_nothing_read_from_its_tree() -> None:
    evidence = _check("## Evaluation\n\nWe evaluated the model using the [EvalKit](https://github.com/open-lab/EvalKit)"
                      " tool. Scores may differ slightly.\n", _trees("open-lab/EvalKit"))
    assert _present(evidence) == {"evaluation"}
    evaluation = evidence.components["Evaluation code"]
    assert [(p.line, p.url) for p in evaluation.evidence] == [(8, "https://github.com/open-lab/EvalKit")]
    assert evaluation.evidence[0].note == (
        "open-lab/EvalKit, not the publisher's (pub) repository: linked in section 'Evaluation' as the code used for "
        "evaluating the model: \"We evaluated the model using the EvalKit tool.\"")
    assert evaluation.licence is not None and evaluation.licence.raw == "Apache-2.0"  # the toolkit's licence
    # Its benchmark-preparation scripts are not the model's data preprocessing code.
    assert "Data preprocessing code" in evidence.components
    assert evidence.components["Data preprocessing code"].status != PRESENT


@pytest.mark.parametrize(("sentence", "role"), [
    ("Results were computed with [lm-evaluation-harness](https://github.com/Other/lm-evaluation-harness).",
     "evaluation"),
    ("The model is served with [vLLM](https://github.com/vllm-project/vllm) in production.", "inference"),
    ("This repo has weights compatible with [vLLM](https://github.com/vllm-project/vllm) serving.", "inference"),
    ("It was fine-tuned with [LLaMA-Factory](https://github.com/hiyouga/LLaMA-Factory) on our data.", "training"),
    ("We trained it with [axolotl](https://github.com/axolotl-ai-cloud/axolotl).", "training"),
    ("Polyglot-Ko was trained for 167 billion tokens on 256 A100 GPUs with the\n"
     "[GPT-NeoX framework](https://github.com/EleutherAI/gpt-neox).", "training"),
    ("We trained on web text deduplicated with [text-dedup](https://github.com/ChenghaoMou/text-dedup).",
     "preprocessing"),
    ("We thank the [vLLM](https://github.com/vllm-project/vllm) team for their help.", None),
    ("We used the training data from [RedPajama](https://github.com/togethercomputer/RedPajama-Data).", None),
])
def test_another_publishers_repository_gives_the_role_its_sentence_says(sentence: str, role: str | None) -> None:
    evidence = _check(f"## Details\n\n{sentence}\n", _trees("vllm-project/vllm", "Other/lm-evaluation-harness",
                                                            "hiyouga/LLaMA-Factory", "axolotl-ai-cloud/axolotl",
                                                            "EleutherAI/gpt-neox", "ChenghaoMou/text-dedup",
                                                            "togethercomputer/RedPajama-Data"))
    assert _present(evidence) == ({role} if role else set())
    if role:
        where = evidence.components[ROLE_COMPONENTS[role]].evidence
        assert all(p.file == "README.md" and "not the publisher's (pub) repository" in (p.note or "") for p in where)


def test_without_a_cue_the_section_says_what_the_repository_is_for() -> None:
    body = ("## How to use\n\n```python\n# pip install git+https://github.com/Lab-X/NextCode.git\n"
            "from nextcode import load\n```\n\n## Benchmarks\n\nSee [Harness](https://github.com/org2/harness).\n\n"
            "## Acknowledgements\n\n[DeepSpeed](https://github.com/microsoft/DeepSpeed)\n")
    evidence = _check(body, _trees("Lab-X/NextCode", "org2/harness", "microsoft/DeepSpeed"))
    assert _present(evidence) == {"inference", "evaluation"}
    inference = evidence.components["Inference code"]
    assert inference.evidence[0].note == ("Lab-X/NextCode, not the publisher's (pub) repository: linked in section "
                                          "'How to use', a section about running the model")


def test_a_framework_named_by_its_project_page_is_the_training_code_of_that_owners_repository() -> None:
    body = ("The model was trained based on the [Next-Vision](https://lab-x.github.io/blog/next-vision/) framework.\n"
            "\n## How to use\n\n    pip install git+https://github.com/Lab-X/NextCode.git\n")
    evidence = _check(body, _trees("Lab-X/NextCode"))
    assert _present(evidence) == {"training", "inference"}
    training = evidence.components["Training code"]
    assert training.evidence[0].url == "https://github.com/Lab-X/NextCode"
    assert "project page https://lab-x.github.io/blog/next-vision/" in (training.evidence[0].note or "")
    assert "trained based on the Next-Vision framework" in (training.evidence[0].note or "")
    assert training.licence is not None and training.licence.raw == "Apache-2.0"


def test_the_publishers_own_repository_is_read_whole_whatever_the_case_of_its_owner() -> None:
    evidence = _check("More at https://github.com/PUB/model-code\n", _trees("PUB/model-code"), target="pub/model")
    assert _present(evidence) == {"training", "preprocessing", "evaluation", "inference"}
    assert any(p.file == "train.py" and p.note == "training code in PUB/model-code"
               for p in evidence.components["Training code"].evidence)


@pytest.mark.parametrize("line", [
    "Our training code is available at [model-code](https://github.com/elsewhere/model-code).",
    "- **Repository:** https://github.com/elsewhere/model-code",
    "The official implementation: https://github.com/elsewhere/model-code",
    "See [our code](https://github.com/elsewhere/model-code) for details.",
])
def test_a_repository_the_card_presents_as_the_models_own_is_read_whole(line: str) -> None:
    evidence = _check(f"{line}\n", _trees("elsewhere/model-code"))
    assert _present(evidence) == {"training", "preprocessing", "evaluation", "inference"}


def test_building_on_a_project_is_not_presenting_it_as_the_models_own() -> None:
    evidence = _check("Our code builds on [Engine](https://github.com/elsewhere/engine).\n", _trees("elsewhere/engine"))
    assert _present(evidence) == set()


@pytest.mark.parametrize(("owner", "publisher", "same"), [
    ("EleutherAI", "EleutherAI", True), ("allenai", "AllenAI", True), ("ibm-granite", "ibm-granite", True),
    ("LLM-360", "LLM360", True), ("BAAI-DCAI", "BAAI", True), ("bigscience-workshop", "bigscience", True),
    ("IBM", "ibm-granite", True), ("QwenLM", "Qwen", True), ("Stability-AI", "stabilityai", True),
    ("open-compass", "BAAI", False), ("meta", "metaformer", False), ("googleapis", "google", False),
    ("LLaVA-VL", "BAAI", False), ("x", None, False),
])
def test_owner_matching(owner: str, publisher: str | None, same: bool) -> None:
    assert same_owner(owner, publisher) is same


def test_a_local_clone_takes_its_publisher_from_the_remote() -> None:
    body = "More at https://github.com/pub/model-code\n"
    remote = GitInfo(remotes={"origin": "https://huggingface.co/pub/model"})
    local = _check(body, _trees("pub/model-code"), target="/tmp/model", kind=TargetKind.LOCAL, git=remote)
    assert linked_repositories(local)["github.com/pub/model-code"].own
    unknown = _check(body, _trees("pub/model-code"), target="/tmp/model", kind=TargetKind.LOCAL)
    assert not linked_repositories(unknown)["github.com/pub/model-code"].own


def test_a_line_of_thousands_of_repository_links_is_read_in_linear_time() -> None:
    # Each link once rescanned the whole line (its context, the links already found, the repositories already
    # listed): 5,000 links on one line took minutes. Now well under a second; the bound leaves room for a busy CI.
    import time

    from opencheck.detect.links import MAX_GITHUB_REPOS, github_repositories
    from opencheck.detect.repo_roles import tree_repositories

    line = " ".join(f"trained with [x{i}](https://github.com/{'pub' if i % 2 else 'other'}/r{i})" for i in range(5000))
    start = time.perf_counter()
    evidence = _check(line + "\n")
    assert len(github_repositories(evidence.card)) == MAX_GITHUB_REPOS
    assert tree_repositories(evidence) == [("pub", f"r{i}") for i in (1, 3, 5, 7, 9)]  # the own ones first
    assert evidence.components["Training code"].status == PRESENT
    assert time.perf_counter() - start < 20


def _linked_for(evidence: Evidence, component: str) -> list[str]:
    return [p.url or "" for p in evidence.components[component].evidence if p.file == "README.md"]


def test_an_own_links_role_comes_from_its_sentence_not_from_another_links_on_the_line() -> None:
    evidence = _check("Training code: https://github.com/pub/model-train. Analyses: https://github.com/pub/analyses.\n")
    assert _linked_for(evidence, "Training code") == ["https://github.com/pub/model-train"]


def test_a_sentence_ends_at_a_line_break_tag() -> None:
    body = ("Results are in the [GitHub repository](https://github.com/pub/model/tree/main/results/).<br>\n"
            "Plots compare the deduped models.\n")
    evidence = _check(body)
    assert evidence.components["Data preprocessing code"].status != PRESENT


def test_olmo_eval_is_not_olmos_training_code() -> None:
    body = ("- Core repo (training, inference): https://github.com/allenai/OLMo\n"
            "- Evaluation code: https://github.com/allenai/OLMo-Eval\n")
    evidence = _check(body, target="allenai/OLMo-7B")
    assert _linked_for(evidence, "Training code") == ["https://github.com/allenai/OLMo"]
    assert _linked_for(evidence, "Evaluation code") == ["https://github.com/allenai/OLMo-Eval"]


@pytest.mark.parametrize("body", [
    "This model is a fine-tuned version of [Base](https://github.com/other/base).\n",
    "## Evaluation\n\n| Model | MMBench |\n|---|---|\n| [Other-VL](https://github.com/other/vl) | 74.9 |\n",
    "## Evaluation\n\n- [Other-VL](https://github.com/other/vl): 74.9\n",
    "## Training data\n\nThe corpus and its build scripts live in [its repository](https://github.com/other/corpus).\n",
])
def test_base_models_compared_models_and_data_are_not_code_used(body: str) -> None:
    evidence = _check(body, _trees("other/base", "other/vl", "other/corpus"))
    assert _present(evidence) == set()


def test_the_look_up_asks_for_the_publishers_own_repositories_first() -> None:
    # Six tools before the model's own code: the look-up's five repositories are the own one, then the tools the
    # card says were used, in card order; only the own one's tree is asked for.
    from opencheck.detect.repo_roles import lookup_repositories, tree_repositories

    tools = "".join(f"- [tool{i}](https://github.com/vendor{i}/tool{i})\n" for i in range(4))
    body = (f"## Acknowledgements\n\n{tools}\n## Evaluation\n\nWe evaluated it with [Kit](https://github.com/lab/kit)"
            " and served it with [Engine](https://github.com/lab/engine).\n\nOur code: https://github.com/pub/code\n")
    card, _ = parse_card("---\nlicense: apache-2.0\n---\n# Model\n\n" + body)
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id="pub/model"), card=card)
    assert lookup_repositories(evidence) == [("pub", "code"), ("lab", "kit"), ("lab", "engine"),
                                             ("vendor0", "tool0"), ("vendor1", "tool1")]
    assert tree_repositories(evidence) == [("pub", "code")]


@pytest.mark.parametrize("name", ["evaluation-results", "eval_logs", "benchmark-outputs", "model.predictions"])
def test_a_repository_of_results_is_not_code_whatever_its_name_begins_with(name: str) -> None:
    # BLOOM's card links bigscience-workshop/evaluation-results for its scores: results, not evaluation code.
    evidence = _check(f"## Evaluation\n\nSee [the results](https://github.com/pub/{name}) of our evaluation.\n")
    assert evidence.components["Evaluation code"].status != PRESENT
    code = _check("## Evaluation\n\nOur evaluation code: [harness](https://github.com/pub/eval-harness).\n")
    assert code.components["Evaluation code"].status == PRESENT  # a code repository of the same card keeps its role
