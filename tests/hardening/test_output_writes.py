"""Every file opencheck writes goes through one writer: devices and FIFOs stay what they are, one file is not two
outputs, temporary files are exclusive and never left behind, symlinks are not written through, the umask rules.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import pytest
from tests.batch.helpers import rows
from tests.clirunner import MOT_FIXTURES, CliResult, run_cli
from tests.hardening.helpers import one_line_error

from opencheck.exit_status import ExitStatus

MANIFEST = sorted(MOT_FIXTURES.glob("*.yml"))[0]
CARD = "---\nlicense: apache-2.0\n---\n# Tiny model\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder, a batch store of it and a JSON report of it, shared by the writers below."""
    root = tmp_path_factory.mktemp("writers")
    model = root / "model"
    model.mkdir()
    (model / "README.md").write_text(CARD, encoding="utf-8")
    (root / "targets.txt").write_text(f"{model}\n", encoding="utf-8")
    result = run_cli(["batch", "targets.txt", "--db", "store.sqlite", "-p", "mof"], cwd=root)
    assert result.code == 0, result.err
    assert rows(root / "store.sqlite", "SELECT COUNT(*) FROM results") == [(1,)]
    result = run_cli(["check", str(MANIFEST), "-p", "mof", "-f", "json", "-o", str(root / "old.json")], cwd=root)
    assert result.code == 0, result.err
    return root


# One command per writer; `{out}` is the destination file.
WRITERS: dict[str, list[str]] = {
    "check-json": ["check", str(MANIFEST), "-p", "mof", "-f", "json", "-o", "{out}"],
    "check-html": ["check", str(MANIFEST), "-p", "mof", "-f", "html", "-o", "{out}"],
    "check-badge": ["check", str(MANIFEST), "-p", "mof", "-f", "badge", "-o", "{out}"],
    "bom": ["bom", "{work}/model", "-o", "{out}"],
    "export-mot": ["export", "mot", "{work}/model", "-o", "{out}"],
    "init": ["init", "{work}/model", "-o", "{out}", "--force"],
    "diff": ["diff", "{work}/old.json", "{work}/old.json", "-o", "{out}"],
    "export-csv": ["export", "--db", "{work}/store.sqlite", "-f", "csv", "-o", "{out}"],
    "export-jsonl": ["export", "--db", "{work}/store.sqlite", "-f", "jsonl", "-o", "{out}"],
    "export-html": ["export", "--db", "{work}/store.sqlite", "-f", "html", "-o", "{out}"],
    "export-parquet": ["export", "--db", "{work}/store.sqlite", "-f", "parquet", "-o", "{out}"],
}


def run_writer(name: str, work: Path, out: Path, cwd: Path) -> CliResult:
    """Run one writer with `out` as its destination."""
    args = [a.replace("{out}", str(out)).replace("{work}", str(work)) for a in WRITERS[name]]
    return run_cli(args, cwd=cwd)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run with this process umask, restoring the old one after."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer left in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_character_device_stays_a_device(name: str, work: Path, tmp_path: Path) -> None:
    # A private null device (never the real /dev/null): writing must stream into it, not replace the node.
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run_writer(name, work, node, tmp_path)
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.lstat(node).st_rdev == os.makedev(1, 3)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["check-json", "export-csv", "export-parquet", "bom"])
def test_fifo_is_written_as_a_stream(name: str, work: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    result = run_writer(name, work, fifo, tmp_path)
    thread.join(timeout=30)
    assert result.code == 0, result.err
    assert not thread.is_alive()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and len(received[0]) > 50
    if name == "check-json":
        assert json.loads(received[0])["tool"]["name"] == "opencheck"
    if name == "export-parquet":
        assert received[0][:4] == b"PAR1" and received[0][-4:] == b"PAR1"


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_new_files_get_0666_less_the_umask(name: str, work: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.file"
    with umask(0o022):
        result = run_writer(name, work, out, tmp_path)
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # readable by a web server, as the umask allows
    out.unlink()
    with umask(0o077):
        result = run_writer(name, work, out, tmp_path)
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert leftovers(out.parent) == []


def test_output_dir_and_rule_docs_honour_the_umask(tmp_path: Path) -> None:
    with umask(0o022):
        result = run_cli(["check", str(MANIFEST), "-p", "mof", "-f", "json", "-f", "badge", "--output-dir", "out"],
                         cwd=tmp_path)
        assert result.code == 0, result.err
        docs = run_cli(["rules", "docs", "-o", "docs"], cwd=tmp_path)
        assert docs.code == 0, docs.err
    written = [*(tmp_path / "out").iterdir(), *(tmp_path / "docs").iterdir()]
    assert len(written) > 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o644}


@pytest.mark.parametrize("second", ["{dir}/r.out", "./r.out", "sub/../r.out", "link-to-r.out"])
def test_one_file_by_two_spellings_is_refused(second: str, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "r.out").write_text("keep")
    os.link(tmp_path / "r.out", tmp_path / "link-to-r.out")  # a hard link is the same file too
    spelled = second.replace("{dir}", str(tmp_path))
    result = run_cli(["check", str(MANIFEST), "-p", "mof", "-f", "json", "-o", "r.out", "-f", "sarif", "-o",
                      spelled], cwd=tmp_path)
    line = one_line_error(result, ExitStatus.USAGE_ERROR)
    # Both spellings as typer hands them over (./ dropped), paths under the working folder shown relative to it.
    shown = os.path.relpath(spelled, tmp_path) if os.path.isabs(spelled) else str(Path(spelled))
    assert "same file (r.out" in line and (shown == "r.out" or f"r.out and {shown} are one file" in line)
    assert (tmp_path / "r.out").read_text() == "keep"


def test_two_formats_into_one_device_are_allowed(tmp_path: Path) -> None:
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run_cli(["check", str(MANIFEST), "-p", "mof", "-f", "json", "-o", "null", "-f", "sarif", "-o",
                      str(node)], cwd=tmp_path)
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_export_onto_its_own_database_is_refused(work: Path, tmp_path: Path) -> None:
    before = (work / "store.sqlite").read_bytes()
    result = run_cli(["export", "--db", str(work / "store.sqlite"), "-o", str(work / "." / "store.sqlite")],
                     cwd=tmp_path)
    assert "database" in one_line_error(result, ExitStatus.USAGE_ERROR)
    assert (work / "store.sqlite").read_bytes() == before


def test_planted_symlink_at_the_old_temp_name_is_not_followed(work: Path, tmp_path: Path) -> None:
    # The export used the fixed name `.NAME.tmp`: a link planted there redirected the write to its target.
    victim = tmp_path / "victim"
    victim.write_text("precious")
    for fmt in ("csv", "parquet"):
        (tmp_path / f".out.{fmt}.tmp").symlink_to(victim)
        result = run_cli(["export", "--db", str(work / "store.sqlite"), "-f", fmt, "-o", f"out.{fmt}"],
                         cwd=tmp_path)
        assert result.code == 0, result.err
        assert victim.read_text() == "precious"
        assert (tmp_path / f".out.{fmt}.tmp").is_symlink()
        assert stat.S_ISREG(os.lstat(tmp_path / f"out.{fmt}").st_mode)


@pytest.mark.parametrize("name", ["check-json", "export-csv", "init", "bom"])
def test_symlink_destination_is_refused_not_written_through(name: str, work: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "report"
    link.symlink_to(victim)
    line = one_line_error(run_writer(name, work, link, tmp_path), ExitStatus.USAGE_ERROR)
    assert "symbolic link" in line
    assert victim.read_text() == "precious"
    assert link.is_symlink()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    assert "symbolic link" in one_line_error(run_writer(name, work, dangling, tmp_path), ExitStatus.USAGE_ERROR)
    assert not (tmp_path / "nowhere").exists()


def test_symlink_to_a_device_is_a_stream(work: Path, tmp_path: Path) -> None:
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    (tmp_path / "stdout-like").symlink_to(node)
    result = run_writer("check-json", work, tmp_path / "stdout-like", tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "stdout-like").is_symlink() and stat.S_ISCHR(os.lstat(node).st_mode)


def test_output_dir_onto_a_regular_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    result = run_cli(["check", str(MANIFEST), "-p", "mof", "-f", "json", "--output-dir", "taken"], cwd=tmp_path)
    assert "--output-dir taken: not a folder" in one_line_error(result, ExitStatus.USAGE_ERROR)
    result = run_cli(["rules", "docs", "-o", "taken"], cwd=tmp_path)
    assert "not a folder" in one_line_error(result, ExitStatus.USAGE_ERROR)
    assert (tmp_path / "taken").read_text() == "x"


def test_folder_as_output_file_is_a_usage_error(work: Path, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    for name in ("check-json", "export-csv", "export-parquet"):
        line = one_line_error(run_writer(name, work, tmp_path / "folder", tmp_path), ExitStatus.USAGE_ERROR)
        assert "is a folder" in line


@pytest.mark.parametrize("binary", [False, True])
def test_failed_write_leaves_no_file_and_keeps_the_old_one(binary: bool, tmp_path: Path) -> None:
    from opencheck.output.files import write_with

    target = tmp_path / "report.json"
    target.write_text("old")

    def failing(handle: IO[Any]) -> None:
        handle.write(b"half" if binary else "half")
        raise ValueError("renderer failed")

    with pytest.raises(ValueError):
        write_with(target, failing, binary=binary)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@contextmanager
def tiny_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A real, tiny file system (tests run as root), so a write meets ENOSPC."""
    import subprocess

    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("name", ["check-html", "export-csv", "export-parquet"])
def test_disk_full_is_one_line_and_leaves_nothing(name: str, work: Path, tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "full", "4k") as full:
        (full / "r").write_text("old")
        with suppress(OSError):  # already full: all the better
            (full / "pad").write_bytes(b"x" * 3000)
        line = one_line_error(run_writer(name, work, full / "r", tmp_path), ExitStatus.RUNTIME_ERROR)
        assert "No space left on device" in line and "full/r:" in line  # relative to the working folder
        assert (full / "r").read_text() == "old"
        assert leftovers(full) == []


@pytest.mark.parametrize("command", [
    ["check", "{m}", "-p", "mof", "-f", "json", "-o", "{o}"],
    ["check", "{m}", "-p", "mof", "-f", "json", "--config", "{o}", "-o", "{o}"],
    ["bom", "{m}", "-o", "{o}"],
    ["export", "mot", "{m}", "-o", "{o}"],
])
def test_output_onto_an_input_file_is_refused(command: list[str], tmp_path: Path) -> None:
    # `check opencheck.yaml -o opencheck.yaml` replaced the manifest being checked with its own report.
    manifest = tmp_path / "opencheck.yaml"
    manifest.write_bytes(MANIFEST.read_bytes())
    config = tmp_path / "conf.yml"
    config.write_text("packs: [mof]\n")
    out = str(config) if "--config" in command else "./opencheck.yaml"
    args = [a.replace("{m}", str(manifest) if "--config" not in command else str(MANIFEST)).replace("{o}", out)
            for a in command]
    line = one_line_error(run_cli(args, cwd=tmp_path), ExitStatus.USAGE_ERROR)
    assert "would replace it" in line
    assert manifest.read_bytes() == MANIFEST.read_bytes() and config.read_text() == "packs: [mof]\n"


def test_closed_pipe_behind_a_stream_destination_ends_quietly(work: Path, tmp_path: Path) -> None:
    """`-o /dev/stdout | head`: the same quiet end as a closed stdout, gate code kept."""
    import subprocess
    import sys

    from tests.clirunner import EXAMPLES
    from tests.hardening.helpers import subprocess_env

    for gate, code in (([], 0), (["--fail-under", "mof=I"], 1)):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run([sys.executable, "-m", "opencheck", "check", str(EXAMPLES / "open-weights-only"),
                                   "-p", "mof", "-f", "json", "-o", "/dev/stdout", *gate], stdout=write_end,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=subprocess_env(tmp_path),
                                  cwd=tmp_path, timeout=120, text=True)
        finally:
            os.close(write_end)
        # Nothing but the failed gate's own line (always on stderr, so a closed stdout still says why it is 1).
        assert proc.returncode == code
        assert [line for line in proc.stderr.splitlines() if "gate failed" not in line] == []


def test_which_paths_are_streams_by_name() -> None:
    from opencheck.output.files import _system_path

    assert _system_path(Path("/dev/stdout")) and _system_path(Path("/proc/self/fd/1"))
    assert _system_path(Path("/dev/fd/3"))
    assert not _system_path(Path("/dev/shm/report.json"))  # a tmpfs for ordinary files
    assert not _system_path(Path("/dev/../tmp/r.json")) and not _system_path(Path("/device/r.json"))
