"""README's rule-pack section: the format part is generated from the schema, and the example pack is valid."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from tests.clirunner import EXAMPLES, REPO, run_cli

from opencheck.pack_format_docs import BEGIN, END, main, render_section, rendered_readme

SCHEMA = json.loads((REPO / "schemas" / "rule-pack.schema.json").read_text(encoding="utf-8"))
README = REPO / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Rule packs\n"):text.index("\n## ", text.index("## Rule packs\n") + 1)]


def test_committed_readme_format_section_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert rendered_readme(text, SCHEMA) == text, "README is stale: run `python -m opencheck.pack_format_docs`"
    assert BEGIN in _section() and END in _section()


def test_section_covers_every_key_of_the_schema() -> None:
    section = render_section(SCHEMA)
    assert "| `schema_version` | yes | `1` |" in section
    defs = SCHEMA["$defs"]
    for keys in (SCHEMA["properties"], defs["grading"]["properties"], defs["rule"]["properties"],
                 defs["condition"]["properties"]):
        for key in keys:
            assert f"| `{key}` |" in section, key
    for row in section.splitlines():
        if row.startswith("| `"):  # a `|` inside a cell must be escaped, or the table gets extra columns
            assert len(re.findall(r"(?<!\\)\|", row)) in (3, 4), row


def test_a_schema_change_makes_the_readme_stale(tmp_path: Path) -> None:
    changed = copy.deepcopy(SCHEMA)
    changed["required"].append("reference")
    text = README.read_text(encoding="utf-8")
    assert rendered_readme(text, changed) != text
    assert "| `reference` | yes | URL |" in render_section(changed)
    stale = tmp_path / "README.md"
    stale.write_text(text.replace("| `schema_version` | yes | `1` |", "| `schema_version` | no | `1` |"),
                     encoding="utf-8")
    assert main([str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == text


def test_readme_example_pack_is_valid_and_runs(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", _section(), re.DOTALL)
    assert example is not None
    assert example.group(1).startswith("schema_version: 1\n")
    pack = tmp_path / "my-pack.yaml"
    pack.write_text(example.group(1), encoding="utf-8")
    validated = run_cli(["rules", "validate", str(pack)])
    assert validated.code == 0, validated.err
    checked = run_cli(["check", str(EXAMPLES / "open-model"), "-p", str(pack), "-f", "json"])
    assert checked.code == 0, checked.err
    assert json.loads(checked.out)["packs"][0]["name"] == "my-release"
