"""Built-in packs evaluated on hand-built evidence: every rule passes and fails, grades and known verdicts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.packs.builders import (
    closed_evidence,
    component,
    open_evidence,
    result,
    run,
    with_components,
)

from opencheck.evidence import ComponentStatus, Evidence, FileEntry, FileKind, Provenance
from opencheck.results import RuleStatus
from opencheck.rulepacks import builtin_pack_names, load_pack, pack_errors
from opencheck.sources.card import parse_card

MY_PACKS = ("open-training", "osaid", "osai-index", "fmti", "release")
PREFIX = {"open-training": "OC-OPEN-TRAINING-", "osaid": "OC-OSAID-", "osai-index": "OC-OSAI-INDEX-",
          "fmti": "OC-FMTI-", "release": "OC-RELEASE-"}


def _unlicensed_files() -> Evidence:
    """Weights and code shipped with no licence at all."""
    ev = closed_evidence()
    return replace(ev, licences=[], files=[*ev.files, FileEntry("model.bin", 10, FileKind.WEIGHTS)])


# Rules whose failing case needs something other than the closed evidence.
FAIL_EVIDENCE = {"OC-RELEASE-LICENCE-PER-FILE-TYPE": _unlicensed_files}

RULES = [(pack, rule.id) for pack in MY_PACKS for rule in load_pack(pack).rules]


def test_all_builtin_packs_are_valid():
    from opencheck.rulepacks import builtin_packs_dir

    assert set(MY_PACKS) | {"mof"} <= set(builtin_pack_names())
    for name in builtin_pack_names():
        assert pack_errors(builtin_packs_dir() / f"{name}.yaml") == []


@pytest.mark.parametrize("pack", MY_PACKS)
def test_rule_ids_are_prefixed_and_rules_complete(pack: str):
    p = load_pack(pack)
    assert p.name == pack
    for rule in p.rules:
        assert rule.id.startswith(PREFIX[pack]), rule.id
        assert rule.title and rule.rationale and rule.remediation and rule.reference and rule.condition


def test_rule_counts():
    counts = {p: len(load_pack(p).rules) for p in MY_PACKS}
    assert counts == {"open-training": 16, "osaid": 12, "osai-index": 12, "fmti": 28, "release": 20}


@pytest.mark.parametrize(("pack", "rule_id"), RULES)
def test_rule_passes_on_open_evidence(pack: str, rule_id: str):
    r = result(run(pack, open_evidence()), rule_id)
    assert r.status == RuleStatus.PASS, r.message
    if rule_id != "OC-RELEASE-CLEAN-COLLECTION":  # "nothing went wrong" has nothing to point at
        assert r.evidence, "a passing rule must point at its evidence"


@pytest.mark.parametrize(("pack", "rule_id"), RULES)
def test_rule_fails_on_closed_evidence(pack: str, rule_id: str):
    ev = FAIL_EVIDENCE.get(rule_id, closed_evidence)()
    r = result(run(pack, ev), rule_id)
    assert r.status == RuleStatus.FAIL, r.message
    assert r.message


# --- grades ------------------------------------------------------------------------------------------------------

def test_open_training_grades_open_a_and_closed_f_naming_the_weakest_pillar():
    good = run("open-training", open_evidence()).grade
    assert (good.scheme, good.value, good.score) == ("score", "A", 100.0)
    assert good.order == ("F", "D", "C", "B", "A")
    ev = open_evidence()
    ev.components.pop("Training code")
    ev.components.pop("Data preprocessing code")
    weak = run("open-training", ev).grade
    assert weak.details["weakest"] == "code"
    assert weak.next_steps[0].startswith("weakest area: code")
    assert weak.value in ("B", "C")
    bad = run("open-training", closed_evidence()).grade
    assert bad.value == "F"


def test_open_training_open_weights_only_is_low():
    """Open weights are not open training: weights + inference code alone grade D or worse."""
    ev = with_components(open_evidence(), model_parameters_final="Apache-2.0", inference_code="Apache-2.0",
                         model_architecture="Apache-2.0", model_card="Apache-2.0")
    ev = replace(ev, datasets=[], dataset_licences={}, hyperparameters={}, checkpoints=[],
                 card=parse_card("---\nlicense: apache-2.0\n---\n# Model\nA model.\n")[0], links=[])
    grade = run("open-training", ev).grade
    assert grade.value in ("D", "F"), grade.label


def test_osai_index_score_and_dimensions():
    good = run("osai-index", open_evidence()).grade
    assert good.value == "1.000"
    assert len(good.details["dimensions"]) == 12
    assert set(good.details["dimensions"].values()) == {"open"}
    assert run("osai-index", closed_evidence()).grade.value == "0.000"


def test_fmti_reports_a_labelled_subset():
    grade = run("fmti", open_evidence()).grade
    assert grade.value == "28/28"
    assert grade.label == "28 of 28 checkable indicators"
    assert "subset" in load_pack("fmti").title


def test_release_grades():
    assert run("release", open_evidence()).grade.value == "A"
    assert run("release", closed_evidence()).grade.value == "F"


# --- tri-state and special cases ----------------------------------------------------------------------------------

def test_gated_weights_are_partial_in_the_index():
    ev = open_evidence()
    ev.hub["gated"] = "manual"
    pack = run("osai-index", ev)
    assert result(pack, "OC-OSAI-INDEX-WEIGHTS-ENDMODEL").status == RuleStatus.WARN
    assert pack.grade.details["dimensions"]["weights_endmodel"] == "partial"
    assert result(run("open-training", ev), "OC-OPEN-TRAINING-WEIGHTS-UNGATED").status == RuleStatus.FAIL


def test_fine_tune_base_model_weights_not_determinable():
    ev = open_evidence()
    ev.card.metadata["base_model"] = "example-org/base"
    pack = run("osai-index", ev)
    assert result(pack, "OC-OSAI-INDEX-WEIGHTS-BASEMODEL").status == RuleStatus.INCONCLUSIVE
    assert pack.grade.details["dimensions"]["weights_basemodel"] == "not determinable"
    assert pack.grade.details["determinable"] == 11


def test_arxiv_only_paper_is_not_determinable():
    ev = open_evidence()
    ev.links = [link for link in ev.links if "arxiv" in link.url]
    assert result(run("osai-index", ev), "OC-OSAI-INDEX-PAPER").status == RuleStatus.INCONCLUSIVE


def test_unknown_dataset_licence_is_partial_data_and_inconclusive_licence():
    ev = open_evidence()
    ev.dataset_licences.clear()
    ev.components.pop("Datasets")
    assert result(run("osai-index", ev), "OC-OSAI-INDEX-DATASOURCES-BASEMODEL").status == RuleStatus.WARN
    assert result(run("open-training", ev), "OC-OPEN-TRAINING-DATA-LICENSED").status == RuleStatus.INCONCLUSIVE


def test_declared_datasets_licence_covers_datasets_without_their_own():
    ev = open_evidence()
    ev.dataset_licences.clear()
    datasets = ev.components["Datasets"]
    # A licence only detected for the component (one dataset's) covers no other dataset ...
    assert result(run("open-training", ev), "OC-OPEN-TRAINING-DATA-LICENSED").status == RuleStatus.INCONCLUSIVE
    # ... a licence declared for the Datasets component (a manifest) covers them all.
    datasets.licence = replace(datasets.licence, origin="declared")
    assert result(run("open-training", ev), "OC-OPEN-TRAINING-DATA-LICENSED").status == RuleStatus.PASS


def test_hyperparameters_from_card_text_only():
    ev = replace(open_evidence(), hyperparameters={})
    card, _ = parse_card("# M\n## Training\nWe use AdamW with a learning rate of 3e-4, batch size 512, and train "
                         "for 143000 steps in bf16 with a cosine schedule on 64 A100 GPUs.\n")
    ev = replace(ev, card=card)
    r = result(run("open-training", ev), "OC-OPEN-TRAINING-HYPERPARAMETERS-CORE")
    assert r.status == RuleStatus.PASS, r.message
    assert all(p.file == "README.md" and p.line == 3 for p in r.evidence)


def test_some_hyperparameters_are_partial():
    ev = replace(open_evidence(), hyperparameters={"learning_rate": Provenance(file="c.yaml"),
                                                   "optimizer": Provenance(file="c.yaml")},
                 card=parse_card("# M\n")[0])
    r = result(run("open-training", ev), "OC-OPEN-TRAINING-HYPERPARAMETERS-CORE")
    assert r.status == RuleStatus.WARN
    assert "batch_size" in r.message


def test_type_inappropriate_licence_still_counts_open_in_the_index():
    ev = open_evidence()
    ev.components["Training code"] = component("Training code", "CC-BY-4.0")
    assert result(run("open-training", ev), "OC-OPEN-TRAINING-CODE-TRAINING").status == RuleStatus.WARN
    ev.components["Data preprocessing code"] = component("Data preprocessing code", "CC-BY-4.0")
    assert result(run("osai-index", ev), "OC-OSAI-INDEX-TRAININGCODE").status == RuleStatus.PASS


def test_release_placeholders_point_at_their_lines():
    r = result(run("release", closed_evidence()), "OC-RELEASE-NO-PLACEHOLDERS")
    assert {(p.file, p.line) for p in r.evidence} == {("README.md", 3), ("README.md", 6)}


def test_release_licence_per_type_warns_on_inappropriate_licence():
    ev = open_evidence()
    ev.licences = [ev.licences[0], replace(ev.licences[0], raw="CC-BY-4.0", scope="code")]
    r = result(run("release", ev), "OC-RELEASE-LICENCE-PER-FILE-TYPE")
    assert r.status == RuleStatus.WARN
    assert "code" in r.message


def test_release_licence_per_type_not_applicable_without_files():
    ev = replace(open_evidence(), files=[])
    assert result(run("release", ev), "OC-RELEASE-LICENCE-PER-FILE-TYPE").status == RuleStatus.NOT_APPLICABLE


def test_unreadable_card_is_inconclusive_not_failed():
    ev = replace(closed_evidence(), card=None)
    ev.hub["card_status"] = "gated"  # what the Hub source records when the README download is refused
    pack = run("fmti", ev)
    assert result(pack, "OC-FMTI-MODEL-DOCUMENTATION").status == RuleStatus.INCONCLUSIVE
    assert result(pack, "OC-FMTI-DATA-SIZE").status == RuleStatus.INCONCLUSIVE


# --- OSAID verdicts, as OSI's validation found them --------------------------------------------------------------

def _llama2_like() -> Evidence:
    ev = with_components(open_evidence(), model_parameters_final="llama2", inference_code="llama2",
                         model_architecture="llama2", model_card="llama2", research_paper="llama2")
    ev.hub["gated"] = "manual"
    return replace(ev, licences=[replace(ev.licences[0], raw="llama2")], datasets=[], dataset_licences={})


def _phi2_like() -> Evidence:
    ev = with_components(open_evidence(), model_parameters_final="mit", inference_code="mit",
                         model_architecture="mit", model_card="mit")
    return replace(ev, licences=[replace(ev.licences[0], raw="mit")], datasets=[], dataset_licences={})


def _mixtral_like() -> Evidence:
    return with_components(open_evidence(), model_parameters_final="apache-2.0", inference_code="apache-2.0",
                           model_architecture="apache-2.0", model_card="apache-2.0")


def _bloom_like() -> Evidence:
    ev = open_evidence()
    ev.components["Model parameters (Final)"] = component("Model parameters (Final)", "bigscience-bloom-rail-1.0")
    return ev


def test_osaid_passes_openly_trained_models():
    grade = run("osaid", open_evidence()).grade
    assert grade.value == "pass"
    assert grade.details["met"] == grade.details["requirements"] == 8


@pytest.mark.parametrize(("build", "must_fail"), [
    (_llama2_like, {"OC-OSAID-PARAMETERS-TERMS", "OC-OSAID-CODE-TRAINING", "OC-OSAID-CODE-INFERENCE"}),
    (_phi2_like, {"OC-OSAID-CODE-TRAINING", "OC-OSAID-CODE-DATA-PROCESSING"}),
    (_mixtral_like, {"OC-OSAID-CODE-TRAINING"}),
], ids=["llama-2", "phi-2", "mixtral"])
def test_osaid_fails_models_osi_failed(build, must_fail: set[str]):
    grade = run("osaid", build()).grade
    assert grade.value == "fail"
    assert must_fail <= set(grade.details["failed"])


def test_osaid_bloom_fails_only_on_terms():
    """OSI: BLOOM would probably pass if its licence terms changed."""
    grade = run("osaid", _bloom_like()).grade
    assert grade.value == "fail"
    assert grade.details["failed"] == ["OC-OSAID-PARAMETERS-TERMS"]


def test_osaid_data_processing_inside_training_repository_is_met_with_warning():
    ev = open_evidence()
    ev.components.pop("Data preprocessing code")
    pack = run("osaid", ev)
    assert result(pack, "OC-OSAID-CODE-DATA-PROCESSING").status == RuleStatus.WARN
    assert pack.grade.value == "pass"


def test_osaid_inconclusive_when_card_unreadable_and_component_unknown():
    ev = open_evidence()
    ev.components["Training code"] = component("Training code", None, status=ComponentStatus.UNKNOWN)
    ev.hub["card_status"] = "gated"  # what the Hub source records when the README download is refused
    assert run("osaid", ev).grade.value == "inconclusive"
