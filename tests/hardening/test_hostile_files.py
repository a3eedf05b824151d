"""Hostile model folders driven through the CLI: each ends in exit 0 with a located problem (or one error line),
within bounded memory, never reading outside the folder and never blocking.

Covered elsewhere (not repeated): FIFO README (tests/test_cli_local.py::test_fifo_named_readme_does_not_block),
sparse 3 GB README (test_cli_local.py::test_huge_sparse_readme_is_capped), file symlink loops and /etc/passwd
symlinks (test_cli_local.py::test_symlinks_out_of_the_folder_and_loops_are_not_followed), and the walker-level
tests in tests/sources/test_local_walk.py.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.hardening.helpers import check_json, memory_peak, one_line_error, problem_codes, run_cli

from opencheck.exit_status import ExitStatus

MB = 1024 * 1024


def _model(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Model\n## Training Data\nThe Pile.\n")
    return root


def _sparse(path: Path, size: int, head: bytes = b"") -> None:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)  # no blocks allocated: the test costs no disk


def test_folder_symlinks_outside_and_loops_are_not_followed(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    (root / "sub").mkdir()
    os.symlink("/etc", root / "etc")  # a folder outside
    os.symlink("/", root / "slash")
    os.symlink("..", root / "sub" / "up")  # back to the root: a loop if followed
    os.symlink(".", root / "self")
    os.symlink("/etc/passwd", root / "config.json")
    os.symlink("/dev/zero", root / "model.safetensors")
    report = check_json(root)
    codes = problem_codes(report)
    assert sorted(codes["symlink-outside"]) == ["config.json", "etc", "model.safetensors", "slash"]
    text = json.dumps(report)
    assert "root:x:0:0" not in text  # nothing of /etc/passwd was read
    assert "passwd" not in text and "hosts" not in text  # /etc was not listed


@pytest.mark.parametrize("name", ["config.json", "LICENSE", "model.safetensors", "opencheck.yaml",
                                  "model.safetensors.index.json", "training_args.json"])
def test_fifo_under_every_read_name_does_not_block(tmp_path: Path, name: str) -> None:
    root = _model(tmp_path / "m")
    os.mkfifo(root / name)
    report = check_json(root)
    assert problem_codes(report)["special-file"] == [name]


def test_character_device_named_readme(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    (root / "README.md").unlink()
    try:
        os.mknod(root / "README.md", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # what /dev/zero is
    except PermissionError:
        pytest.skip("mknod needs root (CAP_MKNOD)")
    report = check_json(root)
    assert problem_codes(report)["special-file"] == ["README.md"]


def test_sparse_500mb_config_and_3gb_readme_in_bounded_memory(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    _sparse(root / "config.json", 500 * MB, b'{"model_type": "gpt2", "pad": "')
    _sparse(root / "README.md", 3 * 1024 * MB, b"---\nlicense: mit\n---\n")
    with memory_peak() as peak:
        report = check_json(root)
        # The config read is capped at 5 MB; allow for the interpreter's own allocations, never the 500 MB.
        assert peak() < 40 * MB, peak()
    codes = problem_codes(report)
    assert codes["config-invalid"] == ["config.json"]
    assert codes["card-too-large"] == ["README.md"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (struct.pack("<Q", 2**60) + b"{}", "header claims 1152921504606846976 bytes"),
        (struct.pack("<Q", 2**64 - 1) + b"{}", "header claims"),
        (struct.pack("<Q", 9) + b"{not json", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (struct.pack("<Q", 4) + b"\xff\xfe{}", "not valid JSON"),
        (struct.pack("<Q", 60) + b'{"w": {"dtype": "F16", "shape": [-1], "data_offsets": [0, 2]}}'[:60],
         "not valid JSON"),
        (b"\x01\x02", "too short"),
    ],
)
def test_hostile_safetensors_headers_through_the_cli(tmp_path: Path, payload: bytes, fragment: str) -> None:
    root = _model(tmp_path / "m")
    (root / "model.safetensors").write_bytes(payload)
    with memory_peak() as peak:
        report = check_json(root)
        assert peak() < 40 * MB
    problems = [p for p in report["problems"] if p["location"]["file"] == "model.safetensors"]
    assert [p["code"] for p in problems] == ["safetensors-invalid"]
    assert fragment in problems[0]["message"]


def test_nesting_a_thousand_folders_deep_through_the_cli(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    levels = [str(root)]
    for _ in range(1000):
        levels.append(os.path.join(levels[-1], "d"))
        os.mkdir(levels[-1])
    deepest = os.path.join(levels[-1], "train.py")
    with open(deepest, "w") as handle:
        handle.write("pass\n")
    try:
        with memory_peak() as peak:
            report = check_json(root)
            assert peak() < 40 * MB
    finally:
        # Removed level by level: shutil.rmtree (pytest's cleanup) recurses once per level.
        os.unlink(deepest)
        for level in reversed(levels[1:]):
            os.rmdir(level)
    training_code = next(c for c in report["components"] if c["name"] == "Training code")
    assert training_code["status"] == "present"


def test_names_that_are_not_utf8_or_carry_terminal_escapes_render_in_every_format(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    base = os.fsencode(root)
    for raw in (b"caf\xe9.py", b"README\xff.md", b"\xff\xfe"):
        with open(os.path.join(base, raw), "wb") as handle:
            handle.write(b"x = 1\n")
    os.symlink("/etc/passwd", root / "evil\x1b[2J\x07\rname")
    (root / "README.md").write_text('---\nlicense: "mit\\x1b[31m[/x]"\n---\n# Model \x1b]0;title\x07\n')
    out = tmp_path / "out"
    formats = ["text", "json", "markdown", "html", "sarif", "junit", "badge"]
    args = ["check", str(root), "-p", "mof"]
    for fmt in formats:
        args += ["-f", fmt]
    result = run_cli([*args, "--output-dir", str(out)])
    assert result.code == 0, result.err
    for fmt in formats:
        text = next(out.glob("report*" + {"text": ".txt", "markdown": ".md", "junit": ".junit.xml",
                                            "badge": ".badge.json"}.get(fmt, "." + fmt))).read_text("utf-8")
        if fmt in ("text", "markdown"):
            # Fixed: untrusted names and card values reached the terminal with their escape sequences.
            assert "\x1b" not in text and "\x07" not in text, fmt
    report = json.loads((out / "report.json").read_text("utf-8"))
    codes = problem_codes(report)
    assert "caf\ufffd.py" in codes["name-not-utf8"]


def test_rich_markup_in_card_values_is_printed_not_interpreted(tmp_path: Path) -> None:
    # Fixed: a licence of "[/x]" raised rich's MarkupError, so the check ended as an internal error (exit 3).
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text('---\nlicense: "[/x]"\nlicense_name: "[bold]hidden[/bold]"\n---\n# M\n')
    os.symlink("/etc/passwd", root / "[red]name")
    result = run_cli(["check", str(root), "-p", "mof"])
    assert result.code == 0, result.err
    assert "[/x]" in result.out
    assert "[red]name" in result.out


def _deny(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    # Tests run as root, where chmod 000 does not stop reads: refuse at the boundary instead, the way the kernel
    # would (EACCES from open(2)), for os.open (the capped reader) and Path.read_bytes (manifests, packs, config).
    real_open = os.open
    real_read_bytes = Path.read_bytes

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(os.fsdecode(path)) in names:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_read_bytes(self: Path) -> bytes:
        if self.name in names:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(Path, "read_bytes", fake_read_bytes)


def test_unreadable_files_are_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _model(tmp_path / "m")
    (root / "config.json").write_text("{}")
    (root / "LICENSE").write_text("MIT License\n")
    (root / "model.safetensors").write_bytes(struct.pack("<Q", 2) + b"{}")
    _deny(monkeypatch, {"README.md", "config.json", "LICENSE", "model.safetensors"})
    report = check_json(root)
    assert sorted(problem_codes(report)["unreadable"]) == ["LICENSE", "README.md", "config.json",
                                                           "model.safetensors"]


@pytest.mark.parametrize("name", ["opencheck.yaml", ".opencheck.yml"])
def test_unreadable_manifest_or_config_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         name: str) -> None:
    root = _model(tmp_path / "m")
    (root / name).write_text("packs: [mof]\n")
    _deny(monkeypatch, {name})
    line = one_line_error(run_cli(["check", str(root)]), ExitStatus.USAGE_ERROR)
    assert name in line and "Permission denied" in line


@pytest.mark.parametrize(
    ("where", "make"),
    [
        ("HEAD", lambda git: os.mkfifo(git / "HEAD")),
        ("config", lambda git: os.symlink("/dev/zero", git / "config")),
        ("config", lambda git: _sparse(git / "config", 2 * 1024 * MB, b"[core]\n")),
        ("refs/heads/main", lambda git: os.mkfifo(git / "refs" / "heads" / "main")),
        ("objects/ab/cdef", lambda git: (git / "objects" / "ab").mkdir() or os.mkfifo(git / "objects" / "ab" / "cdef")),
    ],
)
def test_hostile_git_folder_does_not_hang(tmp_path: Path, where: str, make: Any) -> None:
    # Fixed: gitpython opened `.git/HEAD` with a blocking open(), so a FIFO there hung the check forever.
    root = _model(tmp_path / "m")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    git = root / ".git"
    for name in ("HEAD", "config"):
        if where == name:
            (git / name).unlink()
    make(git)
    report = check_json(root)
    problems = [p for p in report["problems"] if p["code"] == "git-unreadable"]
    assert len(problems) == 1 and where in problems[0]["message"], report["problems"]


@pytest.mark.slow
def test_a_hundred_thousand_files(tmp_path: Path) -> None:
    # The benchmark's own tree and driver: a fresh interpreter, so its peak RSS is the check's alone.
    from benchmarks.local_scan import build_tree, run_driver

    root = tmp_path / "m"
    root.mkdir()
    build_tree(root, 100_000, 1)
    figures = run_driver(["check", str(root), "-p", "mof", "-f", "json"], one_core=False)
    assert figures["code"] == 0
    assert figures["peak_rss_mb"] < 300, figures  # the walk keeps one small entry per file
    assert figures["bytes_read"] < 50 * MB, figures  # the 4 GB of sparse weights were never read
