"""`opencheck rules docs`: deterministic Markdown for every pack, and the committed docs/rules/ is current."""

from __future__ import annotations

from pathlib import Path

from tests.clirunner import REPO, run_cli

from opencheck.rule_docs import render_docs
from opencheck.rulepacks import builtin_pack_names, load_pack

DOCS = REPO / "docs" / "rules"


def test_committed_docs_are_current(tmp_path: Path):
    result = run_cli(["rules", "docs", "--output-dir", str(tmp_path)])
    assert result.code == 0, result.err
    generated = {p.name: p.read_text() for p in sorted(tmp_path.glob("*.md"))}
    committed = {p.name: p.read_text() for p in sorted(DOCS.glob("*.md"))}
    assert generated.keys() == committed.keys(), "run `opencheck rules docs` to regenerate docs/rules/"
    for name, text in generated.items():
        assert committed[name] == text, f"docs/rules/{name} is stale: run `opencheck rules docs`"


def test_docs_are_deterministic_and_cover_every_rule():
    packs = [load_pack(n) for n in builtin_pack_names()]
    first, second = render_docs(packs), render_docs(list(reversed(packs)))
    assert first == second
    assert set(first) == {"README.md", *(f"{n}.md" for n in builtin_pack_names())}
    for pack in packs:
        page = first[f"{pack.name}.md"]
        for rule in pack.active_rules():
            assert f"### {rule.id}\n" in page
            assert f"(#{rule.id.lower()})" in page


def test_docs_for_a_custom_pack_relative_output_dir(tmp_path: Path):
    (tmp_path / "p.yaml").write_text(
        "schema_version: 1\nname: mine\nversion: '1'\ntitle: Mine\ndescription: d\n"
        "grading: {scheme: count}\nrules:\n- id: OC-MINE-CARD\n  title: t\n  severity: info\n  rationale: r\n"
        "  remediation: f\n  condition: {file_present: {patterns: [README.md]}}\n")
    result = run_cli(["rules", "docs", "-p", "./p.yaml", "-o", "out"], cwd=tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["README.md", "mine.md"]
    assert "OC-MINE-CARD" in (tmp_path / "out" / "mine.md").read_text()
