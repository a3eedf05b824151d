"""benchmarks/run.py keeps working: its quick mode runs every section offline, each figure beside its floor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_run_py_quick_prints_every_section_beside_its_floor(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--files", "40",
                           "--models", "4", "--jobs", "4", "--peers-dir", str(tmp_path / "no-peers")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert out.startswith(f"Python {sys.version.split()[0]} ") and " cores " in out.splitlines()[0]
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    scan = lines["scan 40 files + 4 sparse 5 GB shards (same)"]
    assert "os.scandir walk" in scan and "x  " in scan  # a ratio beside the bare walk
    assert "import typer, yaml" in lines["check examples/open-model -f json -o FILE"]
    assert "not installed (--no-peers)" in lines["peer reuse --help"]
    assert " s (" in lines["opencheck --help"] and "no peer measured" in lines["opencheck --help"]
    cold = next(line for name, line in lines.items() if name.startswith("Hub check, cold cache, "))
    assert "requests x latency" in cold
    batch = lines["batch 4 models, --jobs 4"]
    assert "/s (" in batch and "bound)" in batch and "%" in batch
    assert "CPU per model (serial, no latency):" in out
    assert not list(tmp_path.glob("no-peers/*")), "quick mode must not install peers"


def test_a_calibration_that_saw_no_cpu_per_model_leaves_the_latency_bound() -> None:
    # With --quick's few models on a busy machine, the run of N models can cost no more CPU than the run of one.
    from benchmarks.batch_throughput import Calibration, Figures, Run, table

    run = Run(jobs=4, rate=50.0, per_model=1.0, cpu=0.1, server_cpu=0.01, others=0.5, rss_mb=50.0)
    figures = Figures(4, [run], 0.0, 0.05, 2)
    assert figures.cpu_bound == float("inf") and figures.ceiling == figures.latency_bound == 80.0
    assert figures.loaded_ceiling == 80.0
    # The report says so rather than dividing by zero: the calibration's N-model run cost what the 1-model run did.
    calibration = Calibration(runs=[run], single=[run], models=4)
    lines = table(calibration, [figures], models=4, latency=0.05, repeat=1)
    assert "CPU bound not measurable (too few models)" in lines[1]
