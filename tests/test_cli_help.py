"""Help pages, flags and usage errors read as plain words, the same way on every command."""

from __future__ import annotations

import re

import pytest
from tests.clirunner import run_cli

from opencheck import __version__
from opencheck.exit_status import ExitStatus

COMMANDS = [["check"], ["batch"], ["diff"], ["init"], ["bom"], ["rules", "list"], ["rules", "show"],
            ["rules", "validate"], ["rules", "docs"], ["export"], ["export", "mot"], ["license", "explain"]]


def _help(command: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    result = run_cli([*command, "-h"])
    assert result.code == 0, result.err
    return capsys.readouterr().out + result.out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_readable_metavars(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(command, capsys)
    assert text.startswith(f"Usage: opencheck {' '.join(command)} ")
    assert not re.search(r"<(?:str|path|int|float|bool|list\[.*?\]|\w+\|[\w|]+)>", text), text  # no <list[str]>
    assert "{" not in text.splitlines()[0]  # `TARGET`, not `{target}`
    assert "x>=" not in text and "<=x" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_exit_codes_only_on_commands_with_gates(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(command, capsys)
    assert ("Exit codes:" in text) == (command in (["check"], ["batch"]))


def test_arguments_are_named_in_capitals(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(["check"], capsys)
    assert text.splitlines()[0] == "Usage: opencheck check [OPTIONS] TARGET"
    assert "\n  TARGET  Model folder" in text
    assert "-o, --output FILE" in text and "--output-dir DIR" in text and "-p, --pack PACK" in text


@pytest.mark.parametrize("command", [["check", "x"], ["diff", "a", "b"], ["bom", "x"], ["export", "--db", "x"],
                                     ["license", "explain", "MIT"]], ids=lambda c: c[0])
def test_every_format_choice_takes_dash_f(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(command[:2] if command[0] == "license" else command[:1], capsys)
    assert "-f, --format" in text


def test_license_explain_short_format_flag() -> None:
    result = run_cli(["license", "explain", "MIT", "-f", "json"])
    assert result.code == 0, result.err
    assert '"expression": "MIT"' in result.out


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag: str) -> None:
    result = run_cli([flag])
    assert result.code == 0
    assert result.out == f"opencheck {__version__}\n"


@pytest.mark.parametrize(("args", "line"), [
    (["check", "x", "-f", "pdf"],
     "opencheck: error: --format: 'pdf' is not a choice; use text, json, markdown, html, sarif, junit or badge "
     "(see 'opencheck check -h')"),
    (["check", "x", "--fail-on", "fatal"],
     "opencheck: error: --fail-on: 'fatal' is not a choice; use error, warning or info (see 'opencheck check -h')"),
    (["batch", "--db", "x", "--fail-on", "fatal"],
     "opencheck: error: --fail-on: 'fatal' is not a choice; use error, warning or info (see 'opencheck batch -h')"),
    (["batch", "--jobs", "x"], "opencheck: error: --jobs: must be a whole number (see 'opencheck batch -h')"),
    (["batch", "--jobs", "0"], "opencheck: error: --jobs: must be at least 1 (see 'opencheck batch -h')"),
    (["check"], "opencheck: error: missing argument TARGET (see 'opencheck check -h')"),
])
def test_usage_errors_are_one_plain_line(args: list[str], line: str) -> None:
    result = run_cli(args)
    assert result.code == ExitStatus.USAGE_ERROR
    assert result.err == line + "\n"


def test_check_and_batch_spell_shared_options_alike(capsys: pytest.CaptureFixture[str]) -> None:
    def options(text: str) -> dict[str, str]:
        found = {}
        section = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0]
        for m in re.finditer(r"^  (?:(-\w), )?(--[\w-]+)(?: ([A-Z\[][^ ]*))?", section, re.M):
            found[m.group(2)] = f"{m.group(1) or ''} {m.group(3) or ''}"
        return found

    check, batch = options(_help(["check"], capsys)), options(_help(["batch"], capsys))
    shared = set(check) & set(batch)
    assert {"--pack", "--fail-under", "--fail-on", "--config", "--token", "--cache-dir", "--no-cache"} <= shared
    for name in shared:
        assert check[name] == batch[name], name


def test_unknown_option_is_one_line() -> None:
    result = run_cli(["check", "x", "--nope"])
    assert result.code == ExitStatus.USAGE_ERROR
    assert result.err.startswith("opencheck: error: no option --nope")
    assert result.err.endswith("(see 'opencheck check -h')\n") and result.err.count("\n") == 1


def test_paths_in_errors_are_relative_to_the_working_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("x: [\n", encoding="utf-8")
    (tmp_path / "m").mkdir()
    for args, start in [(["diff", "bad.json", "bad.json"], "opencheck: error: bad.json: "),
                        (["check", "m", "-p", "./bad.yaml"], "opencheck: error: bad.yaml:"),
                        (["check", "m", "--baseline", "bad.json"], "opencheck: error: bad.json: "),
                        (["batch", "--db", "s.sqlite", "none.txt"], "opencheck: error: none.txt: "),
                        (["rules", "validate", "bad.yaml"], "bad.yaml:")]:
        result = run_cli(args, cwd=tmp_path)
        assert result.code == ExitStatus.USAGE_ERROR, (args, result.err)
        assert result.err.startswith(start), (args, result.err)
        assert str(tmp_path) not in result.err


@pytest.mark.parametrize("group", [[], ["rules"], ["export"], ["license"]], ids=lambda g: " ".join(g) or "root")
def test_command_lists_are_not_cut_off(group: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(group, capsys) if group else _root_help(capsys)
    listing = text.split("\nCommands:\n", 1)[1]
    assert "..." not in listing, listing


def _root_help(capsys: pytest.CaptureFixture[str]) -> str:
    result = run_cli(["-h"])
    assert result.code == 0
    return capsys.readouterr().out + result.out
