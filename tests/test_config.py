"""Project configuration (.opencheck.yml / pyproject.toml), suppressions and custom packs, through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from tests.clirunner import run_cli

from opencheck.config import SuppressionEntry, find_config, load_config
from opencheck.errors import ConfigError
from opencheck.exit_status import ExitStatus
from opencheck.report.suppressions import EXPIRED_RULE, UNKNOWN_RULE, known_rules, resolve_suppressions

CARD = """\
---
license: apache-2.0
pipeline_tag: text-generation
---
# Tiny model

## Uses
Research.
"""


def _model(tmp_path: Path, config: str | None = None, name: str = ".opencheck.yml") -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text(CARD)
    if config is not None:
        (folder / name).write_text(config)
    return folder


def _json(folder: Path, *args: str, cwd: Path | None = None, code: int = 0) -> dict:
    result = run_cli(["check", str(folder), "-f", "json", *args], cwd=cwd)
    assert result.code == code, result.err
    return json.loads(result.out)


def _result(report: dict, rule_id: str) -> dict:
    return next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == rule_id)


# --- default packs and gates ----------------------------------------------------------------------------------

def test_config_sets_default_packs(tmp_path: Path):
    folder = _model(tmp_path, "packs: [fmti, release]\n")
    assert [p["name"] for p in _json(folder)["packs"]] == ["fmti", "release"]


def test_pack_flag_overrides_config_packs(tmp_path: Path):
    folder = _model(tmp_path, "packs: [fmti]\n")
    assert [p["name"] for p in _json(folder, "-p", "osaid")["packs"]] == ["osaid"]


def test_without_config_the_default_packs_run(tmp_path: Path):
    folder = _model(tmp_path)
    assert [p["name"] for p in _json(folder, cwd=tmp_path)["packs"]] == ["open-training", "mof", "osaid"]


def test_config_fail_under_gates_and_flag_overrides(tmp_path: Path):
    folder = _model(tmp_path, "packs: [osaid, fmti]\nfail-under:\n  osaid: pass\n  mof: II\n")
    report = _json(folder, code=int(ExitStatus.GATE_FAILED))
    assert [g["name"] for g in report["gates"]] == ["fail-under:osaid"]  # mof is not run: its gate is ignored
    # The flag replaces the configured minimum for that pack.
    report = _json(folder, "--fail-under", "osaid=fail")
    assert report["gates"][0]["passed"] is True


def test_config_fail_on_and_flag_override(tmp_path: Path):
    folder = _model(tmp_path, "packs: [release]\nfail-on: info\n")
    _json(folder, code=int(ExitStatus.GATE_FAILED))
    result = run_cli(["check", str(folder), "-f", "json", "--fail-on", "error", "-p", "fmti"])
    assert result.code == 0, result.err  # fmti has only info rules


def test_config_in_working_folder_is_used(tmp_path: Path):
    folder = _model(tmp_path)
    (tmp_path / ".opencheck.yaml").write_text("packs: [fmti]\n")
    assert [p["name"] for p in _json(folder, cwd=tmp_path)["packs"]] == ["fmti"]


def test_checked_folder_config_wins_over_working_folder(tmp_path: Path):
    folder = _model(tmp_path, "packs: [release]\n")
    (tmp_path / ".opencheck.yml").write_text("packs: [fmti]\n")
    assert [p["name"] for p in _json(folder, cwd=tmp_path)["packs"]] == ["release"]


def test_explicit_config_file(tmp_path: Path):
    folder = _model(tmp_path)
    cfg = tmp_path / "ci.yml"
    cfg.write_text("packs: [osai-index]\n")
    assert [p["name"] for p in _json(folder, "--config", str(cfg))["packs"]] == ["osai-index"]


def test_missing_explicit_config_is_a_usage_error(tmp_path: Path):
    result = run_cli(["check", str(_model(tmp_path)), "--config", str(tmp_path / "nope.yml")])
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert "configuration file not found" in result.err
    assert "Traceback" not in result.err


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is needed for pyproject.toml")
def test_pyproject_tool_table(tmp_path: Path):
    folder = _model(tmp_path, '[project]\nname = "x"\n\n[tool.opencheck]\npacks = ["fmti"]\n'
                    '[[tool.opencheck.suppressions]]\nrule = "OC-FMTI-DATA-SOURCES"\nreason = "not-applicable"\n'
                    "expires = 2999-01-01\n", name="pyproject.toml")
    report = _json(folder)
    assert [p["name"] for p in report["packs"]] == ["fmti"]
    supp = _result(report, "OC-FMTI-DATA-SOURCES")["suppression"]
    assert supp["reason"] == "not-applicable"
    assert supp["expires"] == "2999-01-01"


def test_pyproject_without_tool_table_is_ignored(tmp_path: Path):
    folder = _model(tmp_path, '[project]\nname = "x"\n', name="pyproject.toml")
    assert find_config([folder]) is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is needed for pyproject.toml")
def test_pyproject_errors_point_at_lines(tmp_path: Path):
    folder = _model(tmp_path, '[tool.opencheck]\npacks = ["fmti"]\nfail-on = "fatal"\n', name="pyproject.toml")
    result = run_cli(["check", str(folder)])
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert "pyproject.toml:3: $.fail-on:" in result.err
    (folder / "pyproject.toml").write_text("[tool.opencheck]\npacks = [\n")
    result = run_cli(["check", str(folder)])
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert "invalid TOML" in result.err


# --- invalid configuration ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "where"), [
    ("suppressions:\n  - rule: OC-MOF-DATASETS\n    reason: because\n", ":3: $.suppressions[0].reason:"),
    ("suppressions:\n  - rule: OC-MOF-DATASETS\n", ":2: $.suppressions[0]:"),
    ("suppressions:\n  - rule: OC-MOF-DATASETS\n    reason: remediated\n    expires: next year\n",
     ":4: $.suppressions[0].expires:"),
    ("suppressions:\n  - rule: oc-mof-datasets\n    reason: remediated\n", ":2: $.suppressions[0].rule:"),
    ("packs: [mof]\ncolour: red\n", ":1: $:"),
    ("fail-on: fatal\n", ":1: $.fail-on:"),
    ("packs: [mof\n", ":"),
    ("- just a list\n", ":1: $:"),
])
def test_invalid_config_exits_2_with_file_and_line(tmp_path: Path, text: str, where: str):
    folder = _model(tmp_path, text)
    result = run_cli(["check", str(folder)])
    assert result.code == int(ExitStatus.USAGE_ERROR), result.err
    assert ".opencheck.yml" + where in result.err
    assert "Traceback" not in result.err


def test_empty_config_is_fine(tmp_path: Path):
    folder = _model(tmp_path, "")
    assert load_config(folder / ".opencheck.yml").packs == []
    assert _json(folder)["packs"]


def test_unknown_pack_in_config_is_a_usage_error(tmp_path: Path):
    result = run_cli(["check", str(_model(tmp_path, "packs: [nope]\n"))])
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert "unknown rule pack 'nope'" in result.err


# --- suppressions -------------------------------------------------------------------------------------------------

SUPPRESSIONS = """\
packs: [fmti]
suppressions:
  - rule: OC-FMTI-DATA-SOURCES
    reason: not-applicable
    note: a fine-tune; the base model's card lists the data
  - rule: OC-FMTI-COMPUTE-EMISSIONS
    reason: remediated
    expires: 2020-01-01
  - rule: OC-FMTI-NO-SUCH-RULE
    reason: test-data
"""


def test_suppressed_result_stays_in_report_with_reason(tmp_path: Path):
    report = _json(_model(tmp_path, SUPPRESSIONS))
    r = _result(report, "OC-FMTI-DATA-SOURCES")
    assert r["status"] == "fail"
    assert r["suppression"] == {"reason": "not-applicable", "note": "a fine-tune; the base model's card lists the data",
                                "source": f"{tmp_path / 'model' / '.opencheck.yml'}:3"}
    assert report["packs"][0]["counts"]["suppressed"] == 1


def test_suppression_does_not_hide_from_text_report(tmp_path: Path):
    result = run_cli(["check", str(_model(tmp_path, SUPPRESSIONS))])
    assert "OC-FMTI-DATA-SOURCES" in result.out
    assert "not-applicable" in result.out


def test_expired_suppression_is_a_finding_and_does_not_suppress(tmp_path: Path):
    report = _json(_model(tmp_path, SUPPRESSIONS))
    assert "suppression" not in _result(report, "OC-FMTI-COMPUTE-EMISSIONS")
    finding = _result(report, EXPIRED_RULE)
    assert (finding["severity"], finding["status"]) == ("warning", "fail")
    assert finding["location"] == {"file": str(tmp_path / "model" / ".opencheck.yml"), "line": 6}
    assert "2020-01-01" in finding["message"]


def test_unknown_rule_suppression_is_a_warning_finding(tmp_path: Path):
    finding = _result(_json(_model(tmp_path, SUPPRESSIONS)), UNKNOWN_RULE)
    assert finding["severity"] == "warning"
    assert "OC-FMTI-NO-SUCH-RULE" in finding["message"]
    assert finding["location"]["line"] == 9


def test_config_findings_trip_fail_on_warning(tmp_path: Path):
    text = "packs: [osaid]\nsuppressions:\n  - rule: OC-NOPE-X\n    reason: test-data\n"
    folder = _model(tmp_path, text)
    report = _json(folder, "--fail-on", "warning", code=int(ExitStatus.GATE_FAILED))
    assert UNKNOWN_RULE in report["gates"][0]["message"]


def test_suppression_lifts_fail_on_gate(tmp_path: Path):
    folder = _model(tmp_path, "packs: [release]\n")
    _json(folder, "--fail-on", "error", code=int(ExitStatus.GATE_FAILED))
    failing = [r["rule_id"] for r in _json(folder, code=0)["packs"][0]["results"]
               if r["status"] == "fail" and r["severity"] == "error"]
    lines = "".join(f"  - rule: {rid}\n    reason: not-detected\n" for rid in failing)
    (folder / ".opencheck.yml").write_text("packs: [release]\nsuppressions:\n" + lines)
    _json(folder, "--fail-on", "error")


def test_suppression_expiring_today_still_applies():
    entry = SuppressionEntry(rule="OC-MOF-DATASETS", reason="remediated", note=None, expires="2026-01-01",
                             source="c.yml:3", file="c.yml", line=3)
    active, findings = resolve_suppressions([entry], {"OC-MOF-DATASETS": "mof"}, dt.date(2026, 1, 1))
    assert active["OC-MOF-DATASETS"].source == "c.yml:3" and not findings
    active, findings = resolve_suppressions([entry], {"OC-MOF-DATASETS": "mof"}, dt.date(2026, 1, 2))
    assert not active and findings[0].rule_id == EXPIRED_RULE and findings[0].pack == "mof"


def test_duplicate_suppression_is_reported():
    entry = SuppressionEntry(rule="OC-MOF-DATASETS", reason="remediated", note=None, expires=None,
                             source="c.yml:3", file="c.yml", line=3)
    active, findings = resolve_suppressions([entry, entry], {"OC-MOF-DATASETS": "mof"}, dt.date(2026, 1, 1))
    assert list(active) == ["OC-MOF-DATASETS"]
    assert findings[0].rule_id == "OC-CONFIG-SUPPRESSION-DUPLICATE"


def test_known_rules_cover_every_builtin_pack():
    rules = known_rules([])
    assert rules["OC-MOF-DATASETS"] == "mof"
    assert rules["OC-OSAID-CODE-TRAINING"] == "osaid"


def test_load_config_rejects_huge_files(tmp_path: Path):
    path = tmp_path / ".opencheck.yml"
    path.write_text("# " + "x" * 1_100_000 + "\n")
    with pytest.raises(ConfigError, match="limit"):
        load_config(path)


# --- custom packs with extends, end to end -------------------------------------------------------------------------

CUSTOM = """\
schema_version: 1
name: my-open-training
version: "0.1.0"
title: Our release policy
description: open-training, with our own tweaks.
extends: open-training
# The schema requires `grading` even with `extends:` (engine/packs.py reads it unconditionally).
grading:
  scheme: score
  bands: [{grade: A, min: 90}, {grade: B, min: 75}, {grade: C, min: 60}, {grade: D, min: 40}, {grade: F, min: 0}]
overrides:
  OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS: {disabled: true}
  OC-OPEN-TRAINING-CODE-INFERENCE: {severity: error, weight: 5}
rules:
- id: OC-MY-CITATION
  title: The card has a citation
  severity: warning
  rationale: We want to be cited.
  remediation: Add a Citation section.
  condition:
    card_section_present: {titles: [Citation]}
"""


def test_custom_pack_extends_builtin_through_cli(tmp_path: Path):
    folder = _model(tmp_path)
    (tmp_path / "my-pack.yaml").write_text(CUSTOM)
    report = _json(folder, "--pack", "./my-pack.yaml", cwd=tmp_path)
    pack = report["packs"][0]
    assert pack["name"] == "my-open-training"
    ids = [r["rule_id"] for r in pack["results"]]
    assert "OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS" not in ids
    assert "OC-MY-CITATION" in ids and "OC-OPEN-TRAINING-DATA-NAMED" in ids
    inference = _result(report, "OC-OPEN-TRAINING-CODE-INFERENCE")
    assert (inference["severity"], inference["weight"]) == ("error", 5.0)
    assert pack["grade"]["scheme"] == "score"  # grading inherited


def test_custom_pack_from_config_is_relative_to_config(tmp_path: Path):
    folder = _model(tmp_path, "packs: [./policy/my-pack.yaml, osaid]\n")
    (folder / "policy").mkdir()
    (folder / "policy" / "my-pack.yaml").write_text(CUSTOM)
    report = _json(folder, cwd=tmp_path)
    assert [p["name"] for p in report["packs"]] == ["my-open-training", "osaid"]


def test_custom_pack_can_be_gated_and_suppressed(tmp_path: Path):
    folder = _model(tmp_path, "fail-under: {my-open-training: A}\nsuppressions:\n"
                    "  - rule: OC-MY-CITATION\n    reason: not-applicable\n")
    (tmp_path / "my-pack.yaml").write_text(CUSTOM)
    report = _json(folder, "-p", "./my-pack.yaml", cwd=tmp_path, code=int(ExitStatus.GATE_FAILED))
    assert _result(report, "OC-MY-CITATION")["suppression"]["reason"] == "not-applicable"
    assert report["gates"][0]["name"] == "fail-under:my-open-training"


@pytest.mark.parametrize(("change", "message"), [
    (("OC-OPEN-TRAINING-WEIGHTS-CHECKPOINTS: {disabled: true}", "OC-NOT-THERE: {disabled: true}"),
     "no rule 'OC-NOT-THERE' in extended pack"),
    (("extends: open-training", "extends: not-a-pack"), "unknown rule pack 'not-a-pack'"),
    (("- id: OC-MY-CITATION", "- id: OC-OPEN-TRAINING-DATA-NAMED"), "already exists"),
    (("severity: warning", "severity: fatal"), "$.rules[0].severity"),
    (("card_section_present: {titles: [Citation]}", "no_such_predicate: {}"), "$.rules[0].condition"),
])
def test_bad_custom_pack_is_a_usage_error(tmp_path: Path, change: tuple[str, str], message: str):
    (tmp_path / "my-pack.yaml").write_text(CUSTOM.replace(*change))
    result = run_cli(["check", str(_model(tmp_path)), "-p", "./my-pack.yaml"], cwd=tmp_path)
    assert result.code == int(ExitStatus.USAGE_ERROR), result.err
    assert message in result.err
    assert "Traceback" not in result.err


def test_rules_validate_custom_pack(tmp_path: Path):
    (tmp_path / "my-pack.yaml").write_text(CUSTOM)
    result = run_cli(["rules", "validate", "my-pack.yaml"], cwd=tmp_path)
    assert result.code == 0, result.err
    assert "my-pack.yaml: ok" in result.out
