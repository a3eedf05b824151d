"""`opencheck eu-summary TARGET`: the template-numbered draft in Markdown and JSON, over the Hub and offline."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
from tests.clirunner import REPO, run_cli

from opencheck._resources import schema_path
from opencheck.exit_status import ExitStatus

SCHEMA = json.loads(schema_path("eu-summary.schema.json").read_text())
NUMBERS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"]


def _env(server: Any) -> dict[str, str]:
    return {"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url}


def _fields(draft: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for s in draft["sections"] for f in s["fields"]}


def test_json_draft_over_the_hub_fills_and_cites(hub_server: Any, tmp_path: Path) -> None:
    """Every template section is present; metadata fields are filled with a source, the rest say what to write."""
    result = run_cli(["eu-summary", "opencheck-test/eu-summary-model", "-f", "json", "--no-cache"],
                     env=_env(hub_server), cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    draft = json.loads(result.out)
    jsonschema.validate(draft, SCHEMA)
    assert [s["number"] for s in draft["sections"]] == NUMBERS
    fields = _fields(draft)
    name = fields["Versioned model name(s)"]
    assert name["status"] == "filled" and name["value"].startswith("opencheck-test/eu-summary-model @ ")
    datasets = fields["List of large publicly available datasets"]
    assert datasets["status"] == "filled"
    by_id = {d["id"]: d for d in datasets["value"]}
    assert list(by_id) == ["synthetic/corpus", "allenai/dolma", "tiiuae/falcon-refinedweb"]
    assert by_id["allenai/dolma"]["licence"] == "odc-by" and by_id["allenai/dolma"]["link"].endswith("/allenai/dolma")
    assert by_id["synthetic/corpus"]["size"] == "1M<n<10M" and by_id["synthetic/corpus"]["synthetic"]
    assert by_id["allenai/dolma"]["gated"] and not by_id["synthetic/corpus"]["gated"]
    synthetic = fields["Synthetic data used"]
    assert synthetic["status"] == "hint" and synthetic["value"] == ["synthetic/corpus"]
    assert fields["Training data size (text)"]["value"] == "1 billion to 10 trillion tokens"
    assert fields["Languages"]["value"] == ["en"] and fields["Languages"]["source"].startswith("README.md:")
    crawlers = fields["Crawlers used"]
    assert crawlers["status"] == "provider must state" and crawlers["guidance"]
    assert all(f["source"] for f in fields.values() if f["status"] == "filled")
    form = {f["name"]: f for f in draft["model_documentation_form"]}
    hashes = form["Model authenticity (sha256 of the distributed weight files)"]["value"]
    assert list(hashes) == ["model.safetensors"] and len(hashes["model.safetensors"]) == 64
    assert form["Total parameter count (two significant figures)"]["value"] == "6.7e+09"
    assert draft["existing_summary"]["datasets_missing_from_summary"] == ["tiiuae/falcon-refinedweb"]
    assert "not legal advice" in draft["disclaimer"]


def test_markdown_draft_offline_from_a_folder_writes_through_the_writer(tmp_path: Path) -> None:
    """A folder, no network: Markdown with the template's numbering, written to a file and reported."""
    folder = tmp_path / "m"
    shutil.copytree(REPO / "tests" / "fixtures" / "hub" / "HuggingFaceTB" / "SmolLM3-3B", folder)
    (folder / ".opencheck.yml").write_text("eu-ai-act:\n  placed_on_market: 2025-07-08\n")
    result = run_cli(["eu-summary", str(folder), "-o", "draft.md"], cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    assert result.out == "" and "draft.md" in result.err
    text = (tmp_path / "draft.md").read_text()
    headings = [line.split()[1] for line in text.splitlines() if line.startswith("### ")]
    assert headings == NUMBERS
    assert "*provider must state*" in text and "not legal advice" in text
    assert "2025-07-08" in text and "declared in" in text
    assert "Read: training\\_content\\_summary.md" in text or "Read: training_content_summary.md" in text


def test_metadata_text_cannot_inject_markdown(tmp_path: Path) -> None:
    """A hostile language value is escaped: no link or HTML forms in the draft."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\nlanguage:\n- '[x](https://evil.example)<img src=x>'\n---\n"
                                      "\n# M\n")
    result = run_cli(["eu-summary", str(folder)], cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    outside_code = re.sub(r"`[^`\n]*`", "", result.out)  # a code span renders literally
    assert "](https://evil.example)" not in outside_code and "<img" not in outside_code
    assert "evil.example" in result.out


def test_unknown_target_is_one_line_error(tmp_path: Path) -> None:
    """A missing folder is a usage error on one line, never a traceback."""
    result = run_cli(["eu-summary", str(tmp_path / "nope")], cwd=tmp_path)
    assert result.code == int(ExitStatus.USAGE_ERROR)
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_base_model_and_relation_fill_the_dependencies(tmp_path: Path) -> None:
    """A fine-tune's `base_model` and `base_model_relation` fill 1.2's dependencies, citing the card line."""
    folder = tmp_path / "ft"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: Qwen/Qwen3-8B\n"
                                      "base_model_relation: finetune\npipeline_tag: text-generation\n---\n# FT\n")
    result = run_cli(["eu-summary", str(folder), "-f", "json"], cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    deps = _fields(json.loads(result.out))["Model dependencies"]
    assert deps["status"] == "filled" and deps["value"] == ["Qwen/Qwen3-8B"]
    assert deps["source"] == "README.md:3 [base_model]" and "finetune" in deps["guidance"]
