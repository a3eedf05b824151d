"""A message that quotes attacker text (jsonschema quotes the offending value whole) stays one bounded line."""

from __future__ import annotations

from pathlib import Path

from tests.hardening.helpers import one_line_error, run_cli

from opencheck.exit_status import ExitStatus
from opencheck.output.inert import MAX_MESSAGE, bounded_message

RULE = """- id: OC-X-{i}
  title: t
  severity: info
  rationale: r
  remediation: r
  condition:
    card_text_matches: {{patterns: ['zq0x', 'zq1x', 'zq2x', 'zq3x', 'zq4x', 'zq5x', 'zq6x', 'zq7x', 'zq8x']}}
"""


def test_a_schema_error_quoting_a_huge_rule_list_is_one_bounded_line(tmp_path: Path) -> None:
    # Fixed: "$.rules: [{...}, ... 2,400 rules] is too long" was one 530 KB line on stderr.
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    rules = "".join(RULE.format(i=i) for i in range(2400))
    (tmp_path / "pack.yaml").write_text('schema_version: 1\nname: big\nversion: "1.0.0"\ntitle: b\ndescription: b\n'
                                        f"grading:\n  scheme: count\nrules:\n{rules}", encoding="utf-8")
    (tmp_path / ".opencheck.yml").write_text("packs: [./pack.yaml]\n", encoding="utf-8")
    line = one_line_error(run_cli(["check", str(tmp_path)], cwd=tmp_path), ExitStatus.USAGE_ERROR)
    assert len(line) < MAX_MESSAGE + 100 and "characters cut" in line and line.endswith("is too long")


def test_bounded_message_never_shows_part_of_a_word() -> None:
    secret = "hf_" + "S" * 40
    for text in ("x " * 1500 + secret + " y" * 1500, secret * 100, "w " * 600 + secret + " z" * 2000):
        cut = bounded_message(text)
        assert len(cut) <= MAX_MESSAGE + 60
        assert all(word == secret or "S" not in word for word in cut.split()), cut
    assert bounded_message("short") == "short"
