"""A closed stdout pipe (`opencheck ... | head`) ends quietly: no message, no traceback, exit 0 (or 1 when a gate
of `check` failed, since the gate is decided before the report is written)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.batch.helpers import rows
from tests.clirunner import EXAMPLES, MOT_FIXTURES, run_cli
from tests.hardening.helpers import subprocess_env

MANIFEST = sorted(MOT_FIXTURES.glob("*.yml"))[0]


def run_into_closed_pipe(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run `python -m opencheck ARGS` with stdout a pipe whose reader is already gone: every write meets EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the child starts, so the outcome never depends on timing
    try:
        proc = subprocess.run([sys.executable, "-m", "opencheck", *args], stdout=write_end, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=subprocess_env(cwd), cwd=cwd, timeout=120, text=True)
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small batch store to export."""
    root = tmp_path_factory.mktemp("pipe")
    model = root / "model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: mit\n---\n# m\n", encoding="utf-8")
    (root / "targets.txt").write_text(f"{model}\n", encoding="utf-8")
    assert run_cli(["batch", "targets.txt", "--db", "s.sqlite", "-p", "mof"], cwd=root).code == 0
    assert rows(root / "s.sqlite", "SELECT COUNT(*) FROM results") == [(1,)]
    return root / "s.sqlite"


@pytest.mark.parametrize(("args", "code"), [
    (["rules", "list"], 0),
    (["--help"], 0),
    (["check", "--help"], 0),
    (["rules", "show", "OC-MOF-TRAINING-CODE"], 0),
    (["check", str(MANIFEST), "-p", "mof", "-f", "json"], 0),
    (["check", str(MANIFEST), "-p", "mof"], 0),
    (["check", str(EXAMPLES / "open-weights-only"), "-p", "mof", "-f", "markdown", "--fail-under", "mof=I"], 1),
    (["check", str(EXAMPLES / "open-weights-only"), "-p", "mof", "--fail-under", "mof=I"], 1),
    (["bom", str(MANIFEST)], 0),
    (["license", "explain", "MIT OR Apache-2.0"], 0),
])
def test_closed_stdout_ends_quietly(args: list[str], code: int, tmp_path: Path) -> None:
    returncode, err = run_into_closed_pipe(args, tmp_path)
    # A failed gate still names itself on stderr; nothing else is printed.
    assert (returncode, [line for line in err.splitlines() if not line.startswith("opencheck: gate failed:")]) \
        == (code, [])
    assert ("gate failed" in err) == (code == 1)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "html"])
def test_export_into_closed_pipe_ends_quietly(fmt: str, store: Path, tmp_path: Path) -> None:
    # It printed "opencheck: error: cannot write None: Broken pipe" and exited 3.
    assert run_into_closed_pipe(["export", "--db", str(store), "-f", fmt], tmp_path) == (0, "")


def test_head_reads_the_first_line(tmp_path: Path) -> None:
    """The everyday shape: `opencheck rules list | head -1` prints one line and the pipeline succeeds."""
    producer = subprocess.Popen([sys.executable, "-m", "opencheck", "rules", "list"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=subprocess_env(tmp_path),
                                cwd=tmp_path)
    assert producer.stdout is not None and producer.stderr is not None
    first = producer.stdout.readline()
    producer.stdout.close()
    err = producer.stderr.read()
    assert producer.wait(timeout=120) == 0
    assert first.strip() and err == b""


@pytest.mark.parametrize(("gate", "code"), [([], 0), (["--fail-under", "mof=I"], 1)])
def test_batch_summary_into_closed_pipe_keeps_the_gate(gate: list[str], code: int, store: Path) -> None:
    # Rich ended the process with 1 ("a gate failed") on a closed pipe, whatever the gate said.
    returncode, err = run_into_closed_pipe(["batch", "targets.txt", "--db", f"pipe{code}.sqlite", "-p", "mof", *gate],
                                           store.parent)
    assert returncode == code
    assert "error" not in err and "Traceback" not in err and "Exception" not in err


def test_diff_into_closed_pipe_keeps_its_regression_code(tmp_path: Path) -> None:
    # The JSON diff of three packs is larger than stdout's buffer, so the write itself meets EPIPE.
    full = next(p for p in sorted(MOT_FIXTURES.glob("*.yml")) if p.name.startswith("FullTestFile"))
    reports = {}
    for name, target in (("full", full), ("weak", EXAMPLES / "open-weights-only")):
        reports[name] = tmp_path / f"{name}.json"
        assert run_cli(["check", str(target), "-p", "mof", "-p", "osaid", "-p", "open-training", "-f", "json",
                        "-o", str(reports[name])], cwd=tmp_path).code == 0
    big = run_cli(["diff", str(reports["full"]), str(reports["weak"]), "-f", "json"], cwd=tmp_path)
    assert big.code == 1 and len(big.out) > 9000
    assert run_into_closed_pipe(["diff", str(reports["full"]), str(reports["weak"]), "-f", "json"],
                                tmp_path) == (1, "")
    assert run_into_closed_pipe(["diff", str(reports["full"]), str(reports["full"])], tmp_path) == (0, "")
