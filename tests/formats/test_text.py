"""Layout of the terminal report: hanging indents, whole rule ids, the width of a terminal, a pipe and $COLUMNS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from opencheck.formats.text import format_text
from opencheck.report import Report

from .conftest import make_model
from .test_cli_formats import run

RULE_ID = re.compile(r"\bOC-[A-Z0-9-]+")


def _rule_ids(report: Report) -> set[str]:
    return {r.rule_id for p in report.packs for r in p.results}


def _blocks(text: str) -> list[list[str]]:
    """Each finding's lines: a block starts at a line holding a status word and runs until the next one."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if re.match(r"^  (fail|warn|inconclusive|error|pass|not_applicable)\b", line):
            blocks.append([line])
        elif blocks and line.startswith("      "):
            blocks[-1].append(line)
        elif blocks and blocks[-1] and not line.startswith("      "):
            blocks.append([])
    return [b for b in blocks if b]


@pytest.mark.parametrize("width", [80, 120])
def test_lines_fit_and_wrap_with_a_hanging_indent(report: Report, mot_report: Report, width: int) -> None:
    for rep in (report, mot_report):
        text = format_text(rep, width=width, verbose=True)
        for line in text.splitlines():
            # Only a single word longer than the line (a URL, a path) may run past the edge.
            assert len(line) <= width or " " not in line.strip()[width // 2:], line
        # Nothing wraps back to column 0: every line of the report body is indented, except headings.
        body = text.split("\n\n", 1)[1]
        for line in body.splitlines():
            if line and not line.startswith(" "):
                assert line.startswith(("Components (", "Problems while", "gate ")) or "(" in line, line
        # A wrapped fix continues under its own text, past the `fix: ` label.
        lines = text.splitlines()
        wrapped = 0
        for i, line in enumerate(lines[:-1]):
            if line.lstrip().startswith("fix: "):
                label_at = line.index("fix: ")
                following = lines[i + 1]
                if len(following) - len(following.lstrip()) > label_at:  # a continuation of this fix
                    wrapped += 1
                    assert len(following) - len(following.lstrip()) == label_at + len("fix: "), (line, following)
        assert wrapped, "some fix is long enough to wrap"
        # Next steps continue under the text after "- ", never at column 0.
        steps = text.split("next steps:")[1:]
        for chunk in steps:
            for line in chunk.split("\n\n")[0].splitlines()[1:]:
                assert line.startswith("   - ") or (line.startswith("     ") and line[5] != " "), line


@pytest.mark.parametrize("width", [60, 80, 120])
def test_rule_ids_are_never_split(report: Report, width: int) -> None:
    text = format_text(report, width=width)
    shown = set(RULE_ID.findall(text))
    assert shown, "the report names failing rules"
    assert shown <= _rule_ids(report), shown - _rule_ids(report)


def test_negative_evidence_is_not_shown_as_a_place(report: Report) -> None:
    text = format_text(report, width=120)
    assert "at no " not in text
    assert "checked: no weight files" in text


def test_not_a_tty_gets_120_columns_and_no_escapes(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    code, out, _ = run(["check", "m", "-p", "open-training"], tmp_path)
    assert code == 0
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) > 80  # wrapped at 120, not at a guessed 80
    assert all(len(line) <= 120 for line in out.splitlines())


def test_columns_sets_the_width(tmp_path: Path) -> None:
    from tests.clirunner import run_cli

    make_model(tmp_path / "m")
    result = run_cli(["check", "m", "-p", "open-training"], cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.code == 0
    assert all(len(line) <= 80 for line in result.out.splitlines()), result.out
    wide = run_cli(["check", "m", "-p", "open-training"], cwd=tmp_path, env={"COLUMNS": "120"})
    assert wide.out != result.out


def test_untrusted_titles_and_names_in_prefixes_are_inert(report: Report) -> None:
    import dataclasses

    pack = dataclasses.replace(report.packs[0], title="Evil\x1b[2J pack\r")
    row = dataclasses.replace(report.components[0], name="Comp\x1b]0;x\x07onent")
    hostile = dataclasses.replace(report, packs=[pack, *report.packs[1:]], components=[row, *report.components[1:]])
    text = format_text(hostile, width=80)
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "Evil\ufffd[2J pack\ufffd" in text
