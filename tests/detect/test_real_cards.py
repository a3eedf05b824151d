"""Real model cards opencheck was not tuned on (tests/fixtures/cards): each finding for a reason a curator accepts."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli
from tests.detect.card_reports import CARDS
from tests.detect.card_reports import card_report as _report
from tests.sources.helpers import write_safetensors

from opencheck.detect.base_licence import family_licence
from opencheck.detect.hyperparameters import hyperparameters_from_text, without_citations
from opencheck.detect.links import classify_url


def _component(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in report["components"] if c["name"] == name)


def _weights_licence(tmp_path: Path, card: str) -> str | None:
    """The final weights' normalised licence when a folder holds this card and two parameters of weights."""
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text(card, encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    return _component(json.loads(result.out), "Model parameters (Final)")["normalised"]


def _result(report: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == rule_id)


def test_a_fine_tune_of_llama_2_stays_under_the_llama_2_licence_whatever_its_card_says(tmp_path: Path) -> None:
    # The card says `license: apache-2.0` and "License: Apache 2.0", but the model "is a fine-tuning of [Llama2 70B]":
    # its weights are Llama Materials, which no licensee may relicense.
    report = _report(tmp_path, "jordiclive--Llama-2-70b-oasst-1-200")
    weights = _component(report, "Model parameters (Final)")
    assert weights["normalised"] == "LicenseRef-scancode-llama-2-license-2023"
    assert weights["licence_class"] == "restricted"
    terms = _result(report, "OC-OSAID-PARAMETERS-TERMS")
    assert terms["status"] == "fail"
    assert any(e.get("url") == "https://huggingface.co/meta-llama/Llama-2-70b-hf"
               and "base model meta-llama/Llama-2-70b-hf" in e.get("note", "") for e in terms["evidence"])
    assert _result(report, "OC-OPEN-TRAINING-WEIGHTS-OPEN")["status"] == "fail"
    # The fix is not "release the weights under open terms": the card already did, and the base's licence forbids it.
    for rule_id in ("OC-OSAID-PARAMETERS-TERMS", "OC-OPEN-TRAINING-WEIGHTS-OPEN", "OC-MOF-WEIGHTS-FINAL"):
        fix = _result(report, rule_id)["remediation"]
        assert "made from a base model whose licence binds" in fix and "openly licensed base model" in fix, rule_id


def test_a_models_own_restricted_licence_keeps_the_rules_fix(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: llama2\n---\n# Llama 2\n", encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    report = json.loads(run_cli(["check", str(folder), "-f", "json", "--no-lookups"]).out)
    terms = _result(report, "OC-OSAID-PARAMETERS-TERMS")
    assert terms["remediation"].startswith("Release the weights under open")
    # A LicenseRef id says what it stands for.
    assert "'LicenseRef-scancode-llama-2-license-2023' (Llama 2 Community License Agreement) is restricted" in \
        terms["message"]


def test_a_base_model_key_naming_a_restricted_family_binds_an_open_card_licence(tmp_path: Path) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\nbase_model: google/gemma-7b\n---\n# A Gemma merge\n\n"
                                      "Compared with [Llama 2](https://huggingface.co/meta-llama/Llama-2-7b-hf).\n",
                                      encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    weights = _component(json.loads(result.out), "Model parameters (Final)")
    # The key decides, not a model the card only compares with (no "fine-tuned from" before that link).
    assert weights["normalised"] == "LicenseRef-scancode-gemma-tou-2024-04-01"


def test_an_open_base_model_or_an_unlisted_one_changes_nothing(tmp_path: Path) -> None:
    quantised = _component(_report(tmp_path, "RedHatAI--Qwen2.5-7B-quantized.w4a16"), "Model parameters (Final)")
    assert (quantised["normalised"], quantised["licence_class"]) == ("Apache-2.0", "osi")  # Qwen2.5-7B is Apache-2.0
    assert family_licence("meta-llama/Llama-2-7b-hf") == "llama2"
    assert family_licence("meta-llama/Meta-Llama-3.1-8B-Instruct") == "llama3.1"
    assert family_licence("EleutherAI/pythia-160m") is None
    assert family_licence("deepseek-ai/DeepSeek-R1") is None  # MIT, unlike DeepSeek-V2 and V3
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: EleutherAI/pythia-160m\n---\n# Tuned\n",
                                      encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    assert _component(json.loads(result.out), "Model parameters (Final)")["normalised"] == "Apache-2.0"


@pytest.mark.parametrize(("folder", "expected"), [
    ("amd--Meta-Llama-3.1-8B-Instruct-FP8-KV", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("HuggingFaceH4--zephyr-7b-gemma-sft", "LicenseRef-scancode-gemma-tou-2024-04-01"),
    ("google--gemma-2b", "LicenseRef-scancode-gemma-tou-2024-04-01"),
    ("deepseek-ai--DeepSeek-V2.5-1210", "LicenseRef-scancode-deepseek-la-1.0"),
])
def test_license_other_with_a_known_license_name_is_that_licence(tmp_path: Path, folder: str, expected: str) -> None:
    report = _report(tmp_path, folder)
    weights = _component(report, "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == (expected, "restricted")
    assert "is restricted" in _result(report, "OC-OSAID-PARAMETERS-TERMS")["message"]


def test_license_other_naming_an_open_licence_is_open(tmp_path: Path) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: other\nlicense_name: apache-2.0\n---\n# Model\n", encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    report = json.loads(result.out)
    assert _component(report, "Model parameters (Final)")["normalised"] == "Apache-2.0"
    assert _result(report, "OC-OSAID-PARAMETERS-TERMS")["status"] == "pass"


def test_a_citation_author_is_not_an_optimiser(tmp_path: Path) -> None:
    report = _report(tmp_path, "bigscience--bloomz-3b1")
    core = _result(report, "OC-OPEN-TRAINING-HYPERPARAMETERS-CORE")
    bibtex = (CARDS / "bigscience--bloomz-3b1" / "README.md").read_text(encoding="utf-8").splitlines()
    author_line = next(n for n, line in enumerate(bibtex, 1) if "Roberts, Adam" in line)
    assert all(e.get("line") != author_line for e in core["evidence"])
    text = "@article{x,\n  author={Roberts, Adam},\n  title={A paper}\n}\nWe trained it."
    assert "optimizer" not in hyperparameters_from_text(text, "README.md")
    assert without_citations(text).splitlines() == ["", "", "", "", "We trained it."]
    assert "optimizer" in hyperparameters_from_text("Optimised with AdamW.", "README.md")


def test_a_results_dataset_linked_in_the_evaluation_section_is_not_training_data(tmp_path: Path) -> None:
    report = _report(tmp_path, "bigscience--bloomz-3b1")
    licensed = _result(report, "OC-OPEN-TRAINING-DATA-LICENSED")
    assert "bigscience/xP3" in licensed["message"]
    assert "evaluation-results" not in licensed["message"]
    datasets = _component(report, "Datasets")
    assert not any("evaluation-results" in e for e in datasets["evidence"])


def test_a_policy_pdf_is_not_a_paper_and_a_numerical_library_is_not_training_code(tmp_path: Path) -> None:
    report = _report(tmp_path, "google--gemma-2b")
    paper = _component(report, "Research paper")
    assert not any("Principles_Progress_Update" in e for e in paper["evidence"])
    # "Training was done using [JAX]": JAX is what the model runs on, not code that trains this model.
    assert _component(report, "Training code")["status"] != "present"
    assert classify_url("https://example.org/docs/AI_Principles_Progress_Update.pdf", "our policies") == "other"
    assert classify_url("https://example.org/papers/olmo.pdf", "OLMo: Accelerating the Science") == "paper"


def test_a_gated_card_fails_the_ungated_rule_with_its_key(tmp_path: Path) -> None:
    report = _report(tmp_path, "google--gemma-2b")
    ungated = _result(report, "OC-OPEN-TRAINING-WEIGHTS-UNGATED")
    assert ungated["status"] == "fail"
    assert any(e.get("key") == "extra_gated_prompt" for e in ungated["evidence"])


def test_the_paper_the_card_cites_comes_before_related_work_and_a_prompt_dataset_is_not_training_data(
        tmp_path: Path) -> None:
    report = _report(tmp_path, "bigcode--starcoder")
    paper = _component(report, "Research paper")
    # The card links the Multi-Query Attention paper first; its BibTeX cites its own (2305.06161).
    assert "arxiv.org/abs/2305.06161" in paper["evidence"][0]
    named = _result(report, "OC-OPEN-TRAINING-DATA-NAMED")
    assert "bigcode/the-stack-dedup" in named["message"]
    assert "ta-prompt" not in named["message"]  # linked in "Intended use": a prompt to use the model with


def test_a_licence_line_with_a_clause_after_it_is_the_licence_it_names(tmp_path: Path) -> None:
    report = _report(tmp_path, "CohereForAI--aya-23-8B")
    weights = _component(report, "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == ("CC-BY-NC-4.0", "non-commercial")
    assert "is non-commercial" in _result(report, "OC-OSAID-PARAMETERS-TERMS")["message"]


@pytest.mark.parametrize(("line", "expected"), [
    ("Apache 2.0, see LICENSE for details", "Apache-2.0"),
    ("A custom commercial license, the Llama 3.1 Community License, is available at: https://example.org/LICENSE",
     "LicenseRef-scancode-llama-3.1-license-2024"),
    ("Apache 2.0, with an acceptable use policy", None),  # open terms plus use restrictions: not the open licence
    ("[Apache 2.0](LICENSE) for the code; [CC-BY-NC-4.0](https://example.org) for the weights", None),
])
def test_a_licence_line_is_shortened_only_to_a_licence_it_alone_names(tmp_path: Path, line: str,
                                                                      expected: str | None) -> None:
    assert _weights_licence(tmp_path, f"# Model\n\n- **License:** {line}\n") == expected


def test_a_score_table_under_a_sibling_heading_of_the_evaluation_names_the_benchmarks(tmp_path: Path) -> None:
    report = _report(tmp_path, "HuggingFaceTB--SmolLM2-135M")
    data = _component(report, "Evaluation data")
    assert data["status"] == "present"
    # The table's own section, not the H1 that encloses the whole card.
    assert all("named in section 'Base pre-trained model'" in e for e in data["evidence"])
    assert any("cais/mmlu" in e for e in data["evidence"])


def test_pretraining_corpora_named_only_in_prose_are_its_training_data(tmp_path: Path) -> None:
    # "The 135M model was trained on 2 trillion tokens using a diverse dataset combination: FineWeb-Edu, DCLM, The
    # Stack": no `datasets` key, no link; the instruct version's linked sets come first, then these three.
    report = _report(tmp_path, "HuggingFaceTB--SmolLM2-135M")
    named = _result(report, "OC-OPEN-TRAINING-DATA-NAMED")
    for dataset in ("HuggingFaceFW/fineweb-edu", "mlfoundations/dclm-baseline-1.0", "bigcode/the-stack"):
        assert dataset in named["message"]
        assert any(e.get("line") == 17 and dataset in e.get("note", "") for e in named["evidence"])
    licensed = _result(report, "OC-OPEN-TRAINING-DATA-LICENSED")
    assert any("training_datasets.yaml" in e.get("note", "") and "fineweb-edu" in e.get("url", "")
               for e in licensed["evidence"])


def test_a_licence_section_that_licenses_code_and_checkpoints_apart_gives_each_its_licence(tmp_path: Path) -> None:
    report = _report(tmp_path, "NVIDIA--audio-flamingo")
    weights = _component(report, "Model parameters (Final)")
    # "The checkpoints are for non-commercial use only [...]. They are also subject to the [Qwen Research license]":
    # not the MIT licence of the line before, which is the code's.
    assert (weights["normalised"], weights["licence_class"]) == ("LicenseRef-opencheck-qwen-research", "non-commercial")
    terms = _result(report, "OC-OSAID-PARAMETERS-TERMS")
    assert terms["status"] == "fail" and "is non-commercial" in terms["message"]


def test_code_under_one_licence_and_models_under_another_in_one_paragraph(tmp_path: Path) -> None:
    target = tmp_path / "deepseek"
    shutil.copytree(CARDS / "deepseek-ai--DeepSeek-V2.5-1210", target)
    write_safetensors(target / "model.safetensors", {"w": ("F32", [2])})
    (target / "config.json").write_text('{"architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2"}',
                                        encoding="utf-8")
    (target / "modeling_deepseek.py").write_text("class DeepseekV2ForCausalLM:\n    pass\n", encoding="utf-8")
    result = run_cli(["check", str(target), "-p", "osaid", "-f", "json", "--no-lookups"])
    report = json.loads(result.out)
    # "This code repository is licensed under the MIT License. The use of DeepSeek-V2 Base/Chat models is subject to
    # the Model License.": the modelling code is MIT, the weights keep the DeepSeek licence of the front matter.
    assert _component(report, "Model architecture")["normalised"] == "MIT"
    assert _component(report, "Model parameters (Final)")["normalised"] == "LicenseRef-scancode-deepseek-la-1.0"


def test_the_base_models_licence_wins_over_an_open_licence_the_card_gives_its_weights(tmp_path: Path) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.3-70B-Instruct\n---\n# Tuned\n\n## License\n\n"
        "The model weights are released under the Apache 2.0 license.\n", encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    weights = _component(json.loads(result.out), "Model parameters (Final)")
    assert weights["normalised"] == "LicenseRef-scancode-llama-3.3-license-2024"


def test_the_base_model_table_lists_only_known_licences_that_are_not_open() -> None:
    from opencheck._resources import load_packaged_mapping, rules_dir
    from opencheck.licenses import classify

    families = load_packaged_mapping(rules_dir() / "licenses" / "base_models.yaml", "families", "")["families"]
    assert families
    for name, entry in families.items():
        verdict = classify(str(entry["licence"]))
        assert verdict.expression and not verdict.is_open, name  # an open base model's licence decides nothing
        assert entry["source"] and entry["match"], name


def test_a_merge_on_a_republished_llama_copy_keeps_the_llama_licence(tmp_path: Path) -> None:
    # A mergekit card with no licence whose base is unsloth's copy of Llama 3.1: the same Llama Materials as
    # meta-llama's, so the weights are under the Llama 3.1 licence, not of unknown licence.
    report = _report(tmp_path, "mergekit--dare_linear_1_085")
    weights = _component(report, "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == ("LicenseRef-scancode-llama-3.1-license-2024",
                                                                 "restricted")
    assert _result(report, "OC-OSAID-PARAMETERS-TERMS")["status"] == "fail"
    assert family_licence("NousResearch/Llama-2-7b-hf") == "llama2"
    assert family_licence("unsloth/llama-3-8b-Instruct") == "llama3"
    assert family_licence("TheBloke/Llama-2-7B-GGUF") == "llama2"
    assert family_licence("unsloth/gemma-2-9b-it") == "gemma"
    # A name the table does not list stays unlisted, whoever republishes it.
    assert family_licence("unsloth/DeepSeek-R1") is None
    assert family_licence("TinyLlama/TinyLlama-1.1B-Chat-v1.0") is None


def test_a_quantisations_calibration_dataset_is_not_its_training_data(tmp_path: Path) -> None:
    # bartowski's GGUF card: "All quants made using imatrix option with combined_all_medium dataset from [Ed Addario
    # here](.../datasets/eaddario/imatrix-calibration/...)": the importance matrix rounds weights, it trains nothing.
    report = _report(tmp_path, "bartowski--openai_gpt-oss-20b-GGUF")
    assert _component(report, "Datasets")["status"] != "present"
    assert _result(report, "OC-OPEN-TRAINING-DATA-NAMED")["status"] == "fail"
    folder = tmp_path / "gptq"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\n---\n# A GPTQ model\n\nTrained on [Tulu](https://huggingface.co/datasets/a/tulu).\n\n"
        "## Quantization\n\nQuantised with 512 samples of [C4](https://huggingface.co/datasets/allenai/c4).\n\n"
        "GPTQ calibration used [wiki](https://huggingface.co/datasets/Salesforce/wikitext) too.\n", encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "open-training", "-f", "json", "--no-lookups"])
    datasets = _component(json.loads(result.out), "Datasets")
    assert [e.split(": ", 1)[1] for e in datasets["evidence"]] == ["a/tulu"]


def test_a_peft_fine_tune_naming_llama_2_only_in_words_stays_under_the_llama_2_licence(tmp_path: Path) -> None:
    # Bode: `license: mit`, "**Modelo Base:** Llama 2" and "treinado por fine-tuning a partir do modelo Llama 2",
    # with no Hub id of its base anywhere.
    report = _report(tmp_path, "recogna-nlp--bode-7b-alpaca-pt-br")
    weights = _component(report, "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == ("LicenseRef-scancode-llama-2-license-2023",
                                                                 "restricted")
    terms = _result(report, "OC-OSAID-PARAMETERS-TERMS")
    assert terms["status"] == "fail"
    assert any("made from Llama 2" in e.get("note", "") for e in terms["evidence"])
    assert _component(report, "Research paper")["status"] == "present"  # its BibTeX cites arXiv 2401.02909
    data_card = _component(report, "Data card")  # "## Treinamento e Dados": training and data, in Portuguese
    assert data_card["status"] == "present"
    assert any("Treinamento e Dados" in e for e in data_card["evidence"])


@pytest.mark.parametrize(("title", "present"), [
    ("Datos de entrenamiento", True), ("Données d'entraînement", True), ("Trainingsdaten", True), ("训练数据", True),
    ("Dados de avaliação", False), ("Datos de evaluación", False), ("Uso", False),
])
def test_a_data_section_titled_in_another_language_is_a_data_card(tmp_path: Path, title: str, present: bool) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text(f"---\nlicense: mit\n---\n# M\n\n## {title}\n\nWeb text, 2T tokens, filtered "
                                      "for quality and deduplicated.\n", encoding="utf-8")
    result = run_cli(["check", str(folder), "-p", "open-training", "-f", "json", "--no-lookups"])
    assert (_component(json.loads(result.out), "Data card")["status"] == "present") is present


@pytest.mark.parametrize(("body", "licence"), [
    ("This model is a fine-tuned version of Meta's Llama 2 7B on our chat data.",
     "LicenseRef-scancode-llama-2-license-2023"),
    ("- **Finetuned from model [optional]:** Llama-3.1-8B-Instruct", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("We built it upon Gemma 7B with LoRA.", "LicenseRef-scancode-gemma-tou-2024-04-01"),
    # A version at a sentence's end.
    ("It was fine-tuned from Llama 3. It answers in Dutch.", "LicenseRef-opencheck-llama-3-license"),
    # Compared with, used as an adjective, or named for its design: not the base model.
    ("It outperforms fine-tuned Llama 2 models on every benchmark.", "MIT"),
    ("It is based on the Llama 2 architecture, trained from scratch on 3T tokens.", "MIT"),
    ("Fine-tuned from our own base, it scores better than Llama 2.", "MIT"),
    # A sentence about other models, or about a model trained from scratch.
    ("It is trained from scratch; unlike models based on Llama 2, it has its own tokenizer.", "MIT"),
    ("Like other fine-tunes of Gemma 7B, it follows instructions.", "MIT"),
    ("Unlike models fine-tuned from [Llama 2](https://huggingface.co/meta-llama/Llama-2-7b-hf), it is MIT.", "MIT"),
    ("| Field | Value |\n|---|---|\n| Base model | Llama 2 |", "LicenseRef-scancode-llama-2-license-2023"),
    ("| Model | MMLU |\n|---|---|\n| Llama 2 | 45.3 |", "MIT"),
    ("```\nbase model: Llama 2\n```", "MIT"),
])
def test_a_base_model_named_in_words_binds_only_when_the_card_says_it_was_made_from_it(
        tmp_path: Path, body: str, licence: str) -> None:
    assert _weights_licence(tmp_path, f"---\nlicense: mit\n---\n# A model\n\n{body}\n") == licence


@pytest.mark.parametrize("filler", [" ", "Llama 2 ", "fine-tuned from ", "based on ", ". ", "|", "- **Base model:** ",
                                    "[d](https://huggingface.co/datasets/a/b) calibration ",
                                    "A-1B is derived from Llama 2 ",
                                    "-1B-", "derived from B-2B ", "<!-- [x](https://a.b) ", "--> <!--"])
def test_base_model_and_calibration_prose_stay_linear_on_a_long_hostile_line(filler: str) -> None:
    from types import SimpleNamespace

    from opencheck.detect.base_prose import prose_bases
    from opencheck.detect.datasets import named_datasets
    from opencheck.detect.links import extract_links
    from opencheck.sources.card import parse_card

    line = "- **Base model:** fine-tuned from " + filler * (200_000 // len(filler)) + "q"
    card, _ = parse_card(f"# M\n\n## Quantization\n\n{line}\n")
    links = extract_links(card)[:2000]
    start = time.perf_counter()
    prose_bases(SimpleNamespace(card=card, target=SimpleNamespace(id="o/m")))
    named_datasets(SimpleNamespace(card=card, links=links, hub={}))
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("line", ["- " + " " * 20_000 + "q", " " * 20_000 + "q", "- " + "\t" * 20_000,
                                  "Base model" + " " * 20_000 + "q", "- **" + " " * 20_000 + "q"])
def test_a_long_run_of_spaces_on_a_card_line_is_read_in_linear_time(tmp_path: Path, line: str) -> None:
    # The base-model label's runs of spaces competed for the same spaces: 20,000 of them took 10 s.
    from types import SimpleNamespace

    from opencheck.detect.base_prose import prose_bases
    from opencheck.sources.card import parse_card

    card, _ = parse_card(f"# M\n\n{line}\n")
    start = time.perf_counter()
    assert prose_bases(SimpleNamespace(card=card, target=SimpleNamespace(id="o/m"))) == []
    assert time.perf_counter() - start < 1.0


def test_the_cards_title_is_not_a_section_about_its_evaluation(tmp_path: Path) -> None:
    # K2's title "# K2: a Fully Transparent OSS Reproduction of Llama 2 Performance Using 35% Less Data" holds the
    # whole card; its "## Evaluations" section is empty. "Performance" in the title is not an evaluation.
    report = _report(tmp_path, "LLM360--K2")
    assert _component(report, "Evaluation results")["status"] != "present"
    data_card = _component(report, "Data card")
    assert data_card["status"] == "present"
    assert all("Datasets and Mix" in e for e in data_card["evidence"])
    # "Reproduction of Llama 2 Performance", "the data recipe used for Llama 2": not made from Llama 2.
    assert _component(report, "Model parameters (Final)")["normalised"] == "Apache-2.0"
    assert {e.split(": ", 1)[1] for e in _component(report, "Datasets")["evidence"]} == {
        "cerebras/SlimPajama-627B", "bigcode/starcoderdata", "pile-of-law/pile-of-law", "tiiuae/falcon-refinedweb"}


def test_an_openly_trained_models_card_shows_its_data_paper_and_scores(tmp_path: Path) -> None:
    # DCLM-Baseline-7B: `license: apple-ascl` (permissive but not OSI-approved: left for review by hand), its three
    # corpora linked in "Training Details", its paper in "Model Sources"; Llama2 named only in a comparison table.
    report = _report(tmp_path, "apple--DCLM-Baseline-7B")
    weights = _component(report, "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == ("LicenseRef-opencheck-apple-ascl", "unknown")
    assert {e.split(": ", 1)[1] for e in _component(report, "Datasets")["evidence"]} == {
        "mlfoundations/dclm-baseline-1.0", "bigcode/starcoderdata", "EleutherAI/proof-pile-2"}
    assert _component(report, "Research paper")["status"] == "present"
    assert _component(report, "Evaluation results")["status"] == "present"


def test_a_model_similar_to_the_llama_architecture_is_not_a_llama_derivative(tmp_path: Path) -> None:
    # Stable LM 2 1.6B: `license: other` with no name (its terms are not in the card), "similar to the LLaMA
    # (Touvron et al., 2023) architecture": its weights are of unknown licence, not Llama's and never open.
    report = _report(tmp_path, "stabilityai--stablelm-2-1_6b")
    weights = _component(report, "Model parameters (Final)")
    assert weights["licence_class"] == "unknown"
    assert "llama" not in (weights["normalised"] or "").lower()
    assert _result(report, "OC-OSAID-PARAMETERS-TERMS")["status"] != "pass"
    assert _component(report, "Datasets")["status"] == "present"  # its six `datasets` entries


@pytest.mark.parametrize(("base", "licence"), [
    ("meta-llama/Llama-2-7b-hf", "LicenseRef-scancode-llama-2-license-2023"),
    ("google/gemma-7b", "LicenseRef-scancode-gemma-tou-2024-04-01"),
    # A local path the trainer wrote names no Hub model; an open base changes nothing.
    ("/home/me/models/llama-2-7b", "Apache-2.0"),
    ("D:/Uni/finetuned_models/meta_llama", "Apache-2.0"),
    ("EleutherAI/pythia-160m", "Apache-2.0"),
])
def test_a_peft_adapters_config_names_its_base_model(tmp_path: Path, base: str, licence: str) -> None:
    # A LoRA adapter folder whose card has no `base_model`: adapter_config.json's `base_model_name_or_path` is what
    # PEFT loads the adapter onto, so its base model's terms bind the adapter.
    folder = tmp_path / "adapter"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nlibrary_name: peft\n---\n# An adapter\n",
                                      encoding="utf-8")
    (folder / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": base, "peft_type": "LORA"}),
                                                encoding="utf-8")
    write_safetensors(folder / "adapter_model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(folder), "-p", "osaid", "-f", "json", "--no-lookups"])
    report = json.loads(result.out)
    assert _component(report, "Model parameters (Final)")["normalised"] == licence
    if licence != "Apache-2.0":
        terms = _result(report, "OC-OSAID-PARAMETERS-TERMS")
        assert any(e.get("file") == "adapter_config.json" and e.get("key") == "base_model_name_or_path"
                   for e in terms["evidence"])


def test_a_blog_the_scores_are_reported_in_is_not_evaluation_code(tmp_path: Path) -> None:
    # Qwen2.5-Coder GGUF: "Detailed evaluation results are reported in this [📑 blog](https://qwenlm.github.io/...)"
    # is where the scores are; it made QwenLM/Qwen2.5-Coder the code used for evaluating the model.
    report = _report(tmp_path, "Qwen--Qwen2.5-Coder-7B-Instruct-GGUF")
    assert _component(report, "Evaluation code")["status"] != "present"
    assert _component(report, "Model parameters (Final)")["normalised"] == "Apache-2.0"  # its card's `license`
    assert _component(report, "Research paper")["status"] == "present"  # the Qwen2.5-Coder report its BibTeX cites
    folder = tmp_path / "page"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: mit\n---\n# M\n\n## Evaluation\n\nWe evaluate with the toolkit of "
        "[our page](https://acme.github.io/kit/), see [kit](https://github.com/acme/kit).\n", encoding="utf-8")
    result = run_cli(["check", str(folder), "-p", "open-training", "-f", "json", "--no-lookups"])
    assert _component(json.loads(result.out), "Evaluation code")["status"] == "present"  # a toolkit still counts


@pytest.mark.parametrize(("name", "licence"), [
    ("deepseek-ai--DeepSeek-R1-Distill-Llama-8B", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("deepseek-ai--DeepSeek-R1-Distill-Llama-70B", "LicenseRef-scancode-llama-3.3-license-2024"),
    ("deepseek-ai--DeepSeek-R1-Distill-Qwen-7B", "MIT"),
    ("deepseek-ai--DeepSeek-R1", "MIT"),
])
def test_a_family_card_naming_each_members_base_binds_only_the_member_it_names(tmp_path: Path, name: str,
                                                                                licence: str) -> None:
    # DeepSeek-R1's card, shared by its distills: "DeepSeek-R1-Distill-Llama-8B is derived from Llama3.1-8B-Base and
    # is originally licensed under llama3.1 license." binds that distill, not DeepSeek-R1 itself nor a Qwen distill.
    target = tmp_path / name
    shutil.copytree(CARDS / "deepseek-ai--DeepSeek-R1-Distill-Llama-8B", target)
    write_safetensors(target / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(target), "-p", "osaid", "-f", "json", "--no-lookups"])
    assert _component(json.loads(result.out), "Model parameters (Final)")["normalised"] == licence


def test_a_single_model_named_as_the_subject_binds_whatever_the_folder_is_called(tmp_path: Path) -> None:
    # Only a card naming several members' bases is a family's card: one subject is this model, in any folder.
    card = "Bode-7B is a fine-tuned version of Llama 2 for Portuguese.\n\nLicense: MIT\n"
    assert _weights_licence(tmp_path, card) == "LicenseRef-scancode-llama-2-license-2023"


@pytest.mark.parametrize(("name", "licence"), [("acme--Tiny-7B", "LicenseRef-scancode-llama-2-license-2023"),
                                               ("acme--Tiny-2B", "LicenseRef-scancode-gemma-tou-2024-04-01"),
                                               ("acme--Tiny-Large-1", "MIT")])
def test_a_family_card_linking_each_members_base_binds_only_the_member_it_names(tmp_path: Path, name: str,
                                                                                 licence: str) -> None:
    target = tmp_path / name
    target.mkdir()
    (target / "README.md").write_text(
        "---\nlicense: mit\n---\n# Tiny\n\n- Tiny-7B is fine-tuned from [Llama 2](https://huggingface.co/meta-llama/"
        "Llama-2-7b-hf)\n- Tiny-2B is fine-tuned from [Gemma](https://huggingface.co/google/gemma-2b)\n",
        encoding="utf-8")
    write_safetensors(target / "model.safetensors", {"w": ("F32", [2])})
    result = run_cli(["check", str(target), "-p", "osaid", "-f", "json", "--no-lookups"])
    assert _component(json.loads(result.out), "Model parameters (Final)")["normalised"] == licence


def test_a_link_inside_an_html_comment_is_not_evidence(tmp_path: Path) -> None:
    # Granite 3.1's card ends with a commented-out citation template ("<!-- ## Citation ... url =
    # {https://arxiv.org/abs/0000.00000} ... -->"): not on the card, so not its research paper.
    report = _report(tmp_path, "ibm-granite--granite-3.1-1b-a400m-instruct")
    paper = _component(report, "Research paper")
    assert paper["status"] != "present"
    assert not any("0000.00000" in e for e in paper["evidence"])
    assert _component(report, "Technical report")["status"] == "present"  # the Granite 3.0 report it links


def test_links_in_and_around_an_html_comment_keep_their_lines() -> None:
    from opencheck.detect.links import extract_links
    from opencheck.sources.card import parse_card

    card, _ = parse_card("# M\n\nSee [ours](https://arxiv.org/abs/2401.00001) <!-- [old](https://arxiv.org/abs/1111."
                         "11111)\n[older](https://arxiv.org/abs/2222.22222) -->\n[code](https://github.com/o/r)\n")
    assert [(link.url, link.provenance.line) for link in extract_links(card)] == [
        ("https://arxiv.org/abs/2401.00001", 3), ("https://github.com/o/r", 5)]


def test_the_hubs_page_of_an_arxiv_paper_is_a_paper_link(tmp_path: Path) -> None:
    # Whisper's card links its paper as https://huggingface.co/papers/2212.04356: the Hub's page of an arXiv paper.
    from opencheck.detect.papers import arxiv_id

    assert classify_url("https://huggingface.co/papers/2212.04356") == "paper"
    assert classify_url("https://huggingface.co/papers") == "other"
    assert classify_url("https://huggingface.co/papers/trending") == "other"
    assert arxiv_id("https://huggingface.co/papers/2212.04356") == "2212.04356"
    assert arxiv_id("https://hf.co/papers/2212.04356v2") == "2212.04356"
    assert arxiv_id("https://huggingface.co/papers") is None
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Whisper\n\nSee [the paper](https://huggingface.co/"
                                      "papers/2212.04356) for the details of Whisper.\n", encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [2])})
    report = json.loads(run_cli(["check", str(folder), "-f", "json", "--no-lookups"]).out)
    paper = _component(report, "Research paper")
    assert paper["status"] == "present"
    assert any("huggingface.co/papers/2212.04356" in e for e in paper["evidence"])


@pytest.mark.parametrize(("text", "found"), [
    ("- Optimizer: StableAdamW with trapezoidal LR scheduling and 1-sqrt decay.", False),  # ModernBERT's card
    ("a learning rate decay of 0.1 every 10 epochs", False),
    ("Learning rate schedule: cosine, lr 1e-4", True),
    ("learning rate 3e-4 with a cosine learning rate schedule", True),
    ("| LR | 2e-5 |", True),
])
def test_a_learning_rate_schedule_named_with_a_digit_on_its_line_is_not_a_learning_rate(text: str, found: bool) -> None:
    assert ("learning_rate" in hyperparameters_from_text(text, "README.md")) is found


def test_a_bold_list_label_that_names_a_licence_states_it(tmp_path: Path) -> None:
    # gpt-oss-20b's card (a copy without its front matter): "- **Permissive Apache 2.0 license:** Build freely ...".
    weights = _component(_report(tmp_path, "openai--gpt-oss-20b"), "Model parameters (Final)")
    assert (weights["normalised"], weights["licence_class"]) == ("Apache-2.0", "osi")
    for name, card, licence in [("a", "# M\n\n- **Open license:** use it freely\n", None),
                                ("b", "# M\n\n- **Llama 3.1 Community License:** see below\n",
                                 "LicenseRef-scancode-llama-3.1-license-2024")]:
        (tmp_path / name).mkdir()
        assert _weights_licence(tmp_path / name, card) == licence


@pytest.mark.parametrize("filler", [" ", "a ", "*", "- **"])
def test_the_licence_label_reading_stays_linear_on_a_long_hostile_line(filler: str) -> None:
    from opencheck.detect.licences import _named_label_licence

    line = "- **" + filler * (200_000 // len(filler)) + " license:**"
    start = time.perf_counter()
    _named_label_licence(line)
    assert time.perf_counter() - start < 1.0
