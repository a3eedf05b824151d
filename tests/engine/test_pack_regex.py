"""A custom pack's regular expressions run in linear time (RE2); constructs that need backtracking are refused by
`rules validate` and at load time, each named with its file, line and path (issue 20, class 6)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.engine.test_packs import HEADER

from opencheck.engine.pack_regex import compile_pattern, pattern_problem
from opencheck.exit_status import ExitStatus


def _rule(patterns: list[str], rule_id: str = "OC-MY-TEXT") -> str:
    quoted = ", ".join(json.dumps(p) for p in patterns)  # JSON strings are YAML double-quoted scalars
    return f"""
  - id: {rule_id}
    title: The card says it
    severity: error
    rationale: Users need to know.
    remediation: Say it.
    condition:
      any:
        - metadata_key_present: {{keys: [license]}}
        - card_text_matches:
            patterns: [{quoted}]
"""


def _pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(HEADER + body)
    return path


@pytest.mark.parametrize(("pattern", "construct"), [
    (r"(a)\1", "a backreference"),
    (r"(?P<x>a)(?P=x)", "a backreference"),
    (r"foo(?=bar)", "lookahead"),
    (r"foo(?!bar)", "lookahead"),
    (r"(?<![\d.,])\d+ tokens", "lookbehind"),
    (r"(?<=x)y", "lookbehind"),
    (r"(?>a+)b", "an atomic group"),
    (r"a*+b", "a possessive quantifier"),
    (r"(a)?(?(1)b|c)", "a conditional group"),
    (r"a{1001}", "a repetition count above 1000"),
])
def test_rules_validate_names_the_construct(tmp_path: Path, pattern: str, construct: str) -> None:
    path = _pack(tmp_path, _rule(["licen[cs]e", pattern]))
    result = run_cli(["rules", "validate", str(path)])
    assert result.code == ExitStatus.USAGE_ERROR
    assert result.err.splitlines() == [
        f"{path}:19: $.rules[0].condition.any[1].card_text_matches.patterns[1]: pattern uses {construct}, "
        "which has no linear-time guarantee"]


def test_every_refused_pattern_is_listed_and_link_patterns_too(tmp_path: Path) -> None:
    body = _rule([r"(a)\1"]) + _rule(["ok", r"x(?=y)"], "OC-MY-OTHER").replace(
        "- metadata_key_present: {keys: [license]}", "- link_present: {patterns: ['(?<!www\\.)arxiv']}")
    path = _pack(tmp_path, body)
    result = run_cli(["rules", "validate", str(path)])
    assert result.code == ExitStatus.USAGE_ERROR
    lines = result.err.splitlines()
    assert len(lines) == 3
    assert ".condition.any[0].link_present.patterns[0]: pattern uses lookbehind" in "\n".join(lines)
    assert ".rules[1].condition.any[1].card_text_matches.patterns[1]: pattern uses lookahead" in "\n".join(lines)


def test_invalid_pattern_is_reported_not_a_traceback(tmp_path: Path) -> None:
    path = _pack(tmp_path, _rule(["licen[cs"]))
    result = run_cli(["rules", "validate", str(path)])
    assert result.code == ExitStatus.USAGE_ERROR
    assert "patterns[0]: pattern is not a valid regular expression" in result.err
    assert "Traceback" not in result.err and len(result.err.splitlines()) == 1


def test_check_with_a_refused_pattern_is_one_usage_error_line(tmp_path: Path) -> None:
    path = _pack(tmp_path, _rule([r"(a)\1"]))
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text("# Model\n")
    result = run_cli(["check", str(model), "-p", str(path)])
    assert result.code == ExitStatus.USAGE_ERROR
    lines = result.err.splitlines()
    assert len(lines) == 1 and "pattern uses a backreference, which has no linear-time guarantee" in lines[0]


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(\w+\s?)*!$", r"(.*,)*x"])
def test_nested_quantifiers_on_a_hostile_card_line_end_quickly(tmp_path: Path, pattern: str) -> None:
    # Fixed: Python's backtracking `re` took exponential time on these; `rules validate` said ok.
    path = _pack(tmp_path, _rule([pattern]))
    assert run_cli(["rules", "validate", str(path)]).code == 0
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text("# Model\n\n" + "a" * 30 + "," * 30 + "a " * 20_000 + "?\n")
    started = time.monotonic()
    result = run_cli(["check", str(model), "-p", str(path), "-f", "json"])
    assert time.monotonic() - started < 10
    assert result.code == 0, result.err
    statuses = {r["rule_id"]: r["status"] for r in json.loads(result.out)["packs"][0]["results"]}
    assert statuses["OC-MY-TEXT"] == "fail"


def test_matching_keeps_case_folding_lines_and_unicode() -> None:
    text = "intro\nTrained on 1.4 Trillion TOKENS\nÉnergie: 12 MWh\n"
    match = compile_pattern(r"^trained on [\d.]+ trillion tokens$", multiline=True).search(text)
    assert match is not None and match.start() == 6 and match.group(0) == "Trained on 1.4 Trillion TOKENS"
    assert compile_pattern("énergie", multiline=True).search(text).start() == text.index("Énergie")
    assert pattern_problem(r"\b\d[\d.,]*\s*(k|m|g)wh\b") is None


def test_other_python_only_syntax_is_named() -> None:
    assert pattern_problem(r"end\Z") == "pattern uses `\\Z`, which the linear-time engine (RE2) does not support"
    assert pattern_problem("licen[cs]e") is None and pattern_problem(r"(?P<year>\d{4})") is None
