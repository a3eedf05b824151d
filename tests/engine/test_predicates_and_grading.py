"""Predicates and grading schemes on hand-built evidence records (no sources involved)."""

from __future__ import annotations

from opencheck.engine.context import Context
from opencheck.engine.evaluate import evaluate_pack
from opencheck.engine.grading import grade
from opencheck.engine.predicates import evaluate_condition
from opencheck.evidence import (
    ComponentEvidence,
    ComponentStatus,
    Evidence,
    LicenceStatement,
    ModelCard,
    Provenance,
    Section,
    Target,
    TargetKind,
)
from opencheck.results import RuleResult, RuleStatus, Severity, Suppression
from opencheck.rulepacks import load_pack


def _evidence(**components: str | None) -> Evidence:
    ev = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"))
    for name, licence in components.items():
        real = name.replace("_", " ")
        ev.components[real] = ComponentEvidence(
            name=real, status=ComponentStatus.PRESENT,
            licence=LicenceStatement(licence, Provenance(file="README.md", line=3, key="license"))
            if licence else None,
            evidence=[Provenance(file="x")])
    return ev


def _run(ev: Evidence, cond: dict) -> RuleStatus:
    return evaluate_condition(Context(evidence=ev), cond).status


def test_component_open_policies():
    ev = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"))
    for name, lic in (("Training code", "apache-2.0"), ("Datasets", "cc-by-nc-4.0"),
                      ("Model parameters (Final)", "MIT"), ("Model card", "CC-BY-4.0")):
        ev.components[name] = ComponentEvidence(name, ComponentStatus.PRESENT,
                                                LicenceStatement(lic, Provenance(file="README.md", line=2)))
    assert _run(ev, {"component_open": {"component": "Training code"}}) == RuleStatus.PASS
    assert _run(ev, {"component_open": {"component": "Training code", "policy": "osi"}}) == RuleStatus.PASS
    assert _run(ev, {"component_open": {"component": "Training code", "policy": "mot"}}) == RuleStatus.PASS
    assert _run(ev, {"component_open": {"component": "Datasets"}}) == RuleStatus.FAIL
    assert _run(ev, {"component_open": {"component": "Model card", "policy": "osi"}}) == RuleStatus.FAIL
    # opencheck's policy accepts OSI licences on weights; an open-data licence on code is open but not
    # type-appropriate, which is a warning rather than a failure.
    assert _run(ev, {"component_open": {"component": "Model parameters (Final)", "type": "weights"}}) \
        == RuleStatus.PASS
    assert _run(ev, {"component_open": {"component": "Model card", "type": "code"}}) == RuleStatus.WARN
    assert _run(ev, {"component_open": {"component": "Evaluation code"}}) == RuleStatus.FAIL


def test_combinators():
    ev = _evidence(Training_code="MIT")
    yes = {"component_present": {"component": "Training code"}}
    no = {"component_present": {"component": "Datasets"}}
    assert _run(ev, {"all": [yes, no]}) == RuleStatus.FAIL
    assert _run(ev, {"any": [yes, no]}) == RuleStatus.PASS
    assert _run(ev, {"not": no}) == RuleStatus.PASS
    assert _run(ev, {"not": yes}) == RuleStatus.FAIL


def test_card_predicates_use_lines_and_placeholders():
    ev = _evidence()
    ev.card = ModelCard(path="README.md", metadata={"license": "mit", "model-index": [{"name": "x"}]},
                        metadata_lines={"license": 2, "model-index": 3},
                        sections=[Section("Training Data", 2, 10, "[More Information Needed]", True),
                                  Section("Citation", 2, 20, "@article{x}", False)],
                        text="---\nlicense: mit\n---\n# Model\nTrained on 300B tokens\n")
    ctx = Context(evidence=ev)
    out = evaluate_condition(ctx, {"metadata_key_present": {"keys": ["license"]}})
    assert out.status == RuleStatus.PASS and out.evidence[0].line == 2
    placeholder = evaluate_condition(ctx, {"card_section_present": {"titles": ["training data"]}})
    assert placeholder.status == RuleStatus.FAIL and "placeholder" in placeholder.message
    assert placeholder.evidence[0].line == 10
    assert _run(ev, {"card_section_present": {"titles": ["citation"]}}) == RuleStatus.PASS
    matched = evaluate_condition(ctx, {"card_text_matches": {"patterns": [r"\d+B tokens"]}})
    assert matched.status == RuleStatus.PASS and matched.evidence[0].line == 5


def test_licences_consistent_flags_manifest_card_conflict():
    ev = _evidence()
    ev.licences.append(LicenceStatement("llama2", Provenance(file="README.md", line=2, key="license")))
    ev.manifest = {"release": {"license": {"distribution": {"name": "Apache-2.0"}}}}
    ev.manifest_path = "opencheck.yaml"
    out = evaluate_condition(Context(evidence=ev), {"licences_consistent": {}})
    assert out.status == RuleStatus.FAIL
    assert "README.md:2" in out.message and "opencheck.yaml" in out.message


def test_mof_grade_and_next_steps_on_evidence():
    pack = load_pack("mof")
    ev = _evidence(**{"Model architecture": "Apache-2.0", "Model parameters (Final)": "apache-2.0",
                      "Technical report": "CC-BY-4.0", "Evaluation results": "CC-BY-4.0",
                      "Model card": "CC-BY-4.0", "Data card": "CC-BY-4.0"})
    result = evaluate_pack(pack, ev)
    assert result.grade.value == "III"
    assert result.grade.details["progress"] == {"1": 0.0, "2": 60.0, "3": 100.0}
    assert any("Training code" in s for s in result.grade.next_steps)
    # The Hub spelling apache-2.0 was normalised for detected evidence, so weights count (with a warning).
    weights = next(r for r in result.results if r.component == "Model parameters (Final)")
    assert weights.status == RuleStatus.WARN


def test_declared_misspelling_is_strict_but_suggests():
    pack = load_pack("mof")
    ev = Evidence(target=Target(kind=TargetKind.MANIFEST, id="m"))
    ev.manifest = {"framework": {}, "release": {"name": "m", "license": {}, "components": [
        {"name": "Model architecture", "license": "Apache 2.0"}]}}
    result = evaluate_pack(pack, ev)
    arch = next(r for r in result.results if r.component == "Model architecture")
    assert arch.status == RuleStatus.FAIL
    assert "did you mean the SPDX id 'Apache-2.0'" in arch.message


def _result(status: RuleStatus, severity: Severity = Severity.ERROR, topic: str | None = None,
            weight: float = 1.0, suppressed: bool = False) -> RuleResult:
    return RuleResult(rule_id=f"OC-T-{status.value.upper()}-{topic or 'X'}", pack="t", title="t",
                      severity=severity, status=status, message="m", remediation="fix it", topic=topic,
                      weight=weight, suppression=Suppression("not-applicable") if suppressed else None)


def test_pass_fail_grading():
    ctx = Context(evidence=_evidence())
    g = grade(ctx, {"scheme": "pass-fail"}, [_result(RuleStatus.PASS), _result(RuleStatus.FAIL)])
    assert g.value == "fail"
    g = grade(ctx, {"scheme": "pass-fail"}, [_result(RuleStatus.PASS), _result(RuleStatus.FAIL, suppressed=True)])
    assert g.value == "pass"
    g = grade(ctx, {"scheme": "pass-fail"}, [_result(RuleStatus.PASS), _result(RuleStatus.INCONCLUSIVE)])
    assert g.value == "inconclusive"
    g = grade(ctx, {"scheme": "pass-fail"}, [_result(RuleStatus.FAIL, Severity.WARNING)])
    assert g.value == "pass"


def test_score_grading_bands_and_weakest_topic():
    ctx = Context(evidence=_evidence())
    bands = [{"grade": "A", "min": 90}, {"grade": "B", "min": 75}, {"grade": "C", "min": 60},
             {"grade": "D", "min": 40}, {"grade": "F", "min": 0}]
    results = [_result(RuleStatus.PASS, topic="weights", weight=3), _result(RuleStatus.FAIL, topic="data"),
               _result(RuleStatus.WARN, topic="code")]
    g = grade(ctx, {"scheme": "score", "bands": bands}, results)
    assert g.score == 100 * (3 + 0.75) / 5
    assert g.value == "B"
    assert g.details["weakest"] == "data"
    assert g.next_steps[0].startswith("weakest area: data")
    assert g.order == ("F", "D", "C", "B", "A")


def test_index_and_count_grading():
    ctx = Context(evidence=_evidence())
    results = [_result(RuleStatus.PASS, topic="a"), _result(RuleStatus.WARN, topic="b"),
               _result(RuleStatus.FAIL, topic="c"), _result(RuleStatus.INCONCLUSIVE, topic="d")]
    g = grade(ctx, {"scheme": "index"}, results)
    assert g.value == "0.500"
    assert g.details["dimensions"] == {"a": "open", "b": "partial", "c": "closed", "d": "not determinable"}
    c = grade(ctx, {"scheme": "count"}, results)
    assert c.value == "2/3"
