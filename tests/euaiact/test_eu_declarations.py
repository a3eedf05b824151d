"""Declared EU release facts (opencheck.yaml `eu_ai_act:`, .opencheck.yml `eu-ai-act:`): validated and marked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.clirunner import EXAMPLES, REPO, run_cli

from opencheck.exit_status import ExitStatus

SMOL = REPO / "tests" / "fixtures" / "hub" / "HuggingFaceTB" / "SmolLM3-3B"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(SMOL, folder)
    return folder


def _pack(folder: Path, cwd: Path) -> dict[str, Any]:
    result = run_cli(["check", str(folder), "-p", "eu-gpai", "-f", "json"], cwd=cwd)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    (pack,) = json.loads(result.out)["packs"]
    return pack


def test_config_declarations_decide_and_are_marked_declared(tmp_path: Path) -> None:
    """Monetised: true in .opencheck.yml makes the exemption not likely, and every mention says declared."""
    folder = _folder(tmp_path)
    (folder / ".opencheck.yml").write_text(
        "eu-ai-act:\n  monetised: true\n  placed_on_market: 2025-07-08\n"
        "  copyright_policy: https://example.org/copyright\n")
    pack = _pack(folder, tmp_path)
    details = pack["grade"]["details"]
    assert details["verdicts"]["exemption"]["verdict"] == "not likely"
    assert "not_monetised" in details["verdicts"]["exemption"]["deciding_condition"]
    assert details["verdicts"]["exemption"]["declared"] is True
    monetised = next(r for r in pack["results"] if r["rule_id"] == "OC-EU-EXEMPT-NOT-MONETISED")
    assert monetised["status"] == "fail" and monetised["message"].endswith("[declared]")
    assert monetised["evidence"][0]["key"] == "eu_ai_act.monetised"
    policy = next(d for d in details["duties"] if d["key"] == "copyright_policy")
    assert policy["found"] and policy["declared"] and policy["link"] == "https://example.org/copyright"
    assert details["declarations"]["declared"]["placed_on_market"] == "2025-07-08"
    assert any("must comply by 2027-08-02" in note for note in details["notes"])
    text = run_cli(["check", str(folder), "-p", "eu-gpai", "-v"], cwd=tmp_path).out
    assert "declared not monetised" not in text and "[declared]" in text


def test_without_declaration_monetisation_is_assumed_not_shown(tmp_path: Path) -> None:
    """No declaration: the condition passes as assumed, and the message says how to declare it."""
    pack = _pack(_folder(tmp_path), tmp_path)
    cond = next(c for c in pack["grade"]["details"]["exemption_conditions"] if c["key"] == "not_monetised")
    assert cond["state"] == "assumed" and "eu_ai_act.monetised" in cond["message"] and not cond["declared"]


def test_manifest_declarations_are_read(tmp_path: Path) -> None:
    """A manifest's `eu_ai_act:` block counts like the configuration's."""
    folder = tmp_path / "open-model"
    shutil.copytree(EXAMPLES / "open-model", folder)
    manifest = folder / "opencheck.yaml"
    manifest.write_text(manifest.read_text() + "eu_ai_act:\n  monetised: false\n"
                        "  training_summary: https://example.org/summary.pdf\n")
    details = _pack(folder, tmp_path)["grade"]["details"]
    summary = next(d for d in details["duties"] if d["key"] == "training_summary")
    assert summary["found"] and summary["declared"] and summary["link"] == "https://example.org/summary.pdf"
    assert details["declarations"]["file"] == "opencheck.yaml"


def test_invalid_declaration_is_a_one_line_config_error(tmp_path: Path) -> None:
    """A wrong type or an unknown key is refused by the schema: exit 2, one line naming the file and path."""
    folder = _folder(tmp_path)
    (folder / ".opencheck.yml").write_text("eu-ai-act:\n  monetised: 'no'\n")
    result = run_cli(["check", str(folder), "-p", "eu-gpai"], cwd=tmp_path)
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert result.err.count("\n") == 1 and "eu-ai-act" in result.err and "Traceback" not in result.err
    (folder / ".opencheck.yml").write_text("eu-ai-act:\n  monetized: false\n")
    result = run_cli(["check", str(folder), "-p", "eu-gpai"], cwd=tmp_path)
    assert result.code == int(ExitStatus.USAGE_ERROR) and "monetized" in result.err


MANIFEST = """framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
release:
  name: eu-manifest-model
  version: '1'
  producer: Example
  contact: https://example.org
  date: '2025-01-01'
  type: language
  architecture: transformer
  origin: ''
  repository: https://example.org
  license:
    distribution: {name: Apache-2.0}
  components:
    - name: Model parameters (Final)
      license: Apache-2.0
eu_ai_act:
  monetised: false
  placed_on_market: 2025-10-01
"""


def test_manifest_target_both_commands(tmp_path: Path) -> None:
    """A manifest checked on its own: declared weights and licence count, declarations fill the draft."""
    manifest = tmp_path / "model.yml"
    manifest.write_text(MANIFEST)
    conditions = {c["key"]: c for c in _pack(manifest, tmp_path)["grade"]["details"]["exemption_conditions"]}
    assert conditions["weights"]["state"] == "met" and conditions["weights"]["declared"]
    assert conditions["licence"]["state"] == "met" and conditions["licence"]["declared"]
    assert conditions["not_monetised"]["state"] == "met"
    result = run_cli(["eu-summary", str(manifest), "-f", "json"], cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    draft = json.loads(result.out)
    market = next(f for s in draft["sections"] for f in s["fields"] if f["name"].startswith("Date of placement"))
    assert market["status"] == "filled" and market["value"] == "2025-10-01" and "model.yml" in market["source"]
