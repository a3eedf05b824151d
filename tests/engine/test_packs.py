"""Rule-pack loading and validation: built-in packs, custom packs, `extends:`, located schema errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.clirunner import run_cli

from opencheck.errors import ConfigError
from opencheck.exit_status import ExitStatus
from opencheck.rulepacks import builtin_pack_names, load_pack, pack_errors

GOOD_RULE = """
  - id: OC-MY-CARD
    title: The card has a licence key
    severity: error
    rationale: Users need to know the terms.
    remediation: Add `license:` to the front matter.
    condition:
      metadata_key_present: {keys: [license]}
"""


def _pack(tmp_path: Path, body: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


HEADER = """schema_version: 1
name: my-pack
version: "1.0"
title: My pack
description: A test pack.
grading:
  scheme: pass-fail
rules:
"""


def test_every_builtin_pack_loads_and_validates():
    names = builtin_pack_names()
    assert "mof" in names
    for name in names:
        pack = load_pack(name)
        assert pack.builtin
        assert pack.rules
        assert len({r.id for r in pack.rules}) == len(pack.rules)
        assert pack_errors(Path(pack.source) if Path(pack.source).is_file() else
                           Path(__file__).parents[2] / "rules" / "packs" / f"{name}.yaml") == []


def test_mof_pack_has_one_rule_per_component():
    pack = load_pack("mof")
    components = [c["name"] for c in pack.grading["components"]]
    assert len(components) == 17
    assert sorted(r.component for r in pack.rules if r.component) == sorted(components)


def test_custom_pack_loads(tmp_path: Path):
    pack = load_pack(str(_pack(tmp_path, HEADER + GOOD_RULE)))
    assert pack.name == "my-pack"
    assert [r.id for r in pack.rules] == ["OC-MY-CARD"]
    assert len(pack.sha256) == 64


def test_schema_error_is_located(tmp_path: Path):
    bad = HEADER + GOOD_RULE.replace("severity: error", "severity: fatal")
    path = _pack(tmp_path, bad)
    errors = pack_errors(path)
    assert errors
    assert errors[0].startswith(f"{path}:12: $.rules[0].severity:")
    with pytest.raises(ConfigError, match=r"pack.yaml:12: \$\.rules\[0\]\.severity"):
        load_pack(str(path))


def test_missing_required_key_is_located(tmp_path: Path):
    path = _pack(tmp_path, HEADER.replace("title: My pack\n", "") + GOOD_RULE)
    errors = pack_errors(path)
    assert "'title' is a required property" in errors[0]
    assert errors[0].startswith(f"{path}:1: $:")


def test_unknown_predicate_is_rejected(tmp_path: Path):
    path = _pack(tmp_path, HEADER + GOOD_RULE.replace("metadata_key_present", "run_shell"))
    errors = pack_errors(path)
    assert errors and "$.rules[0].condition" in errors[0]


def test_unknown_component_is_rejected(tmp_path: Path):
    body = HEADER + GOOD_RULE.replace("metadata_key_present: {keys: [license]}",
                                      "component_present: {component: Weights}")
    with pytest.raises(ConfigError, match="unknown component 'Weights'"):
        load_pack(str(_pack(tmp_path, body)))


def test_duplicate_rule_ids_are_rejected(tmp_path: Path):
    path = _pack(tmp_path, HEADER + GOOD_RULE + GOOD_RULE)
    errors = pack_errors(path)
    assert errors == [f"{path}:18: $.rules[1].id: duplicate rule id 'OC-MY-CARD'"]


def test_extends_overrides_and_adds(tmp_path: Path):
    body = f"""schema_version: 1
name: strict-mof
version: "1.0"
title: Strict MOF
description: MOF plus a card rule.
extends: mof
grading: {{scheme: mof, components: []}}
overrides:
  OC-MOF-SAMPLE-OUTPUTS: {{disabled: true}}
  OC-MOF-LICENCE-CONSISTENT: {{severity: error}}
rules:
{GOOD_RULE}"""
    body = body.replace("grading: {scheme: mof, components: []}\n", "grading: {scheme: mof, components: []}\n")
    pack = load_pack(str(_pack(tmp_path, body)))
    assert pack.lineage == ("mof",)
    ids = [r.id for r in pack.active_rules()]
    assert "OC-MOF-SAMPLE-OUTPUTS" not in ids
    assert "OC-MY-CARD" in ids
    assert pack.rule("OC-MOF-LICENCE-CONSISTENT").severity.value == "error"


def test_extends_unknown_rule_override_is_rejected(tmp_path: Path):
    body = """schema_version: 1
name: x
version: "1"
title: X
description: X.
extends: mof
grading: {scheme: pass-fail}
overrides:
  OC-MOF-NOPE: {disabled: true}
"""
    with pytest.raises(ConfigError, match="no rule 'OC-MOF-NOPE'"):
        load_pack(str(_pack(tmp_path, body)))


def test_extends_cycle_is_bounded(tmp_path: Path):
    body = """schema_version: 1
name: loop
version: "1"
title: Loop
description: Loops.
extends: ./loop.yaml
grading: {scheme: pass-fail}
"""
    with pytest.raises(ConfigError, match="deeper than"):
        load_pack(str(_pack(tmp_path, body, "loop.yaml")))


def test_rules_validate_cli(tmp_path: Path):
    good = _pack(tmp_path, HEADER + GOOD_RULE, "good.yaml")
    bad = _pack(tmp_path, HEADER + GOOD_RULE.replace("severity: error", "severity: 3"), "bad.yaml")
    ok = run_cli(["rules", "validate", str(good)])
    assert ok.code == 0 and "ok" in ok.out
    failed = run_cli(["rules", "validate", str(good), str(bad)])
    assert failed.code == ExitStatus.USAGE_ERROR
    assert f"{bad}:12: $.rules[0].severity:" in failed.err


def test_rules_list_and_show():
    listed = run_cli(["rules", "list", "-p", "mof"])
    assert listed.code == 0
    assert "OC-MOF-TRAINING-CODE" in listed.out
    shown = run_cli(["rules", "show", "oc-mof-training-code"])
    assert shown.code == 0
    assert "mof_component" in shown.out and "fix:" in shown.out
    missing = run_cli(["rules", "show", "OC-NOPE"])
    assert missing.code == ExitStatus.USAGE_ERROR


def test_custom_pack_through_check(tmp_path: Path):
    pack = _pack(tmp_path, HEADER + GOOD_RULE)
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Model\n")
    passed = run_cli(["check", str(model), "-p", str(pack), "--fail-under", "my-pack=pass"])
    assert passed.code == 0, passed.err
    (model / "README.md").write_text("# Model\n")
    failed = run_cli(["check", str(model), "-p", str(pack), "--fail-under", "my-pack=pass"])
    assert failed.code == ExitStatus.GATE_FAILED
