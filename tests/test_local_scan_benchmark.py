"""benchmarks/local_scan.py, the interface the performance page's figures come from (issue 22)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.local_scan import build_tree, measure, run_driver

REPO = Path(__file__).resolve().parents[1]


def test_the_driver_reports_its_own_peak_memory_not_its_parents() -> None:
    # Linux keeps ru_maxrss across exec, so a child of a big process (a long pytest run) reported the parent's
    # peak; the driver reads its own VmHWM.
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    figures = run_driver(["check", str(REPO / "examples" / "open-model"), "-f", "json"], one_core=False)
    assert figures["code"] == 0 and figures["peak_rss_mb"] < 200, figures
    del ballast


def test_measure_gives_find_the_bare_walk_and_the_check(tmp_path: Path) -> None:
    build_tree(tmp_path, 50, 1)
    figures = measure(tmp_path, 1)
    assert figures["code"] == 0
    assert min(figures["find_seconds"], figures["scandir_seconds"], figures["check_seconds"]) > 0
    assert figures["check_in_process_seconds"] < figures["check_seconds"]
