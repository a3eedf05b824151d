"""Findings read as sentences to a person, and each fix fits the state the model is in."""

from __future__ import annotations

import re

import pytest
from tests.formats.conftest import mot_fixture, report_for

from opencheck.report import Report
from opencheck.results import RuleStatus
from opencheck.rulepacks import builtin_pack_names, load_pack
from opencheck.wording import count, plural

INTERNAL_PREFIX = re.compile(r"^(closed|partial|open|not determinable):")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Report]:
    from tests.formats.conftest import make_model

    model = make_model(tmp_path_factory.mktemp("wording") / "m")
    return [report_for(str(model)), *(report_for(str(mot_fixture(p))) for p in ("Class2TTestFile", "Class1Test"))]


def test_no_finding_starts_with_an_internal_word(reports: list[Report]) -> None:
    messages = [r.message for rep in reports for p in rep.packs for r in p.results]
    assert messages
    assert [m for m in messages if INTERNAL_PREFIX.match(m)] == []


def test_counts_agree_with_their_nouns(reports: list[Report]) -> None:
    assert count(1, "statement") == "1 statement" and count(0, "statement") == "0 statements"
    assert plural(1, "category", "categories") == "category" and count(2, "category", "categories") == "2 categories"
    texts = [r.message for rep in reports for p in rep.packs for r in p.results]
    texts += [p.grade.label for rep in reports for p in rep.packs]
    hardware = [t for t in texts if "hyperparameter categor" in t and " of 1 " in t]
    assert hardware, "the hardware rule reports 0 of 1"
    for text in texts:
        assert not re.search(r"\bof 1 [a-z -]*(categories|requirements|dimensions|indicators)\b", text), text
        one_of_many = r"(^|[^\d.])1 (statements|sections|hyperparameters|intermediate checkpoints)\b"
        assert not re.search(one_of_many, text), text


def test_rule_titles_agree_with_plural_components() -> None:
    for name in builtin_pack_names():
        for rule in load_pack(name).active_rules():
            comp = rule.component or ""
            head = re.sub(r"\s*\(.*\)$", "", comp).split()[-1] if comp else ""
            for verb, plural_verb in (("is", "are"),):
                if rule.title.startswith(f"{comp} {verb} ") and head.endswith("s"):
                    pytest.fail(f"{rule.id}: {rule.title!r} should use {plural_verb!r}")
                if rule.title.startswith(f"{comp} {plural_verb} ") and not head.endswith("s"):
                    pytest.fail(f"{rule.id}: {rule.title!r} should use {verb!r}")


def test_open_but_not_type_appropriate_weights_get_a_fix_about_the_licence_type(reports: list[Report]) -> None:
    mof = next(p for p in reports[1].packs if p.name == "mof")
    weights = next(r for r in mof.results if r.rule_id == "OC-MOF-WEIGHTS-FINAL")
    assert weights.status == RuleStatus.WARN
    # The weights are already published under an open licence: the fix must not ask for that again.
    assert "Publish the final weights" not in weights.remediation
    assert weights.remediation.startswith("Nothing is needed for the class")
    assert "CDLA-Permissive-2.0" in weights.remediation and "OpenMDW-1.0" in weights.remediation
    steps = " ".join(mof.grade.next_steps)
    assert "Publish the final weights" not in steps


def test_missing_weights_are_not_told_to_remove_a_gate(reports: list[Report]) -> None:
    training = next(p for p in reports[0].packs if p.name == "open-training")
    ungated = next(r for r in training.results if r.rule_id == "OC-OPEN-TRAINING-WEIGHTS-UNGATED")
    assert ungated.status == RuleStatus.FAIL
    assert "Remove" not in ungated.remediation and "Publish the final weights" in ungated.remediation


def test_missing_weights_keep_the_general_fix(reports: list[Report]) -> None:
    mof = next(p for p in reports[0].packs if p.name == "mof")
    weights = next(r for r in mof.results if r.rule_id == "OC-MOF-WEIGHTS-FINAL")
    assert weights.status == RuleStatus.FAIL
    assert weights.remediation.startswith("Release the final weights under a licence MOT counts as open")
