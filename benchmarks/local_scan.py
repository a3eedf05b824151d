"""Benchmark: `opencheck check` on a folder of 100,000 small files plus sparse multi-GB weight files.

Prints wall time, peak memory (RSS) and bytes read, on one core, and the start-up time of `opencheck --help`.
Targets (issue 2): under 3 s and 200 MB for the scan; under 0.3 s for `--help`; no weight data read.
Run: python benchmarks/local_scan.py [--files 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GB = 1024**3

DRIVER = r"""
import io, json, resource, sys, time
from opencheck.cli.app import main
from opencheck.environment import Environment
t0 = time.perf_counter()
out = io.StringIO()
code = main(sys.argv[1:], Environment(stdout=out, stderr=sys.stderr))
elapsed = time.perf_counter() - t0
io_stats = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
print(json.dumps({"code": code, "seconds": elapsed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes_read": int(io_stats["rchar"]), "report_bytes": len(out.getvalue())}))
"""


def build_tree(root: Path, n_files: int, weight_gb: int) -> int:
    """Create the benchmark folder; returns the apparent size of the weight files in bytes."""
    (root / "README.md").write_text("---\nlicense: apache-2.0\ndatasets: [allenai/dolma]\n---\n# Big model\n"
                                    "## Training Data\nDolma.\n## Training Procedure\nlearning rate 3e-4\n")
    (root / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}))
    per_dir = 1000
    for i in range(n_files):
        d = root / "data" / f"shard{i // per_dir:04d}"
        if i % per_dir == 0:
            d.mkdir(parents=True, exist_ok=True)
        (d / f"part{i:06d}.py").write_bytes(b"x = 1\n")
    total = 0
    for shard in range(4):
        path = root / f"model-{shard + 1:05d}-of-00004.safetensors"
        header = json.dumps({"w": {"dtype": "BF16", "shape": [weight_gb * GB // 8, 4],
                                   "data_offsets": [0, weight_gb * GB]}}).encode()
        with open(path, "wb") as fh:
            fh.write(len(header).to_bytes(8, "little") + header)
            fh.truncate(8 + len(header) + weight_gb * GB)  # sparse: no blocks allocated for tensor data
        total += path.stat().st_size
    return total


def run_driver(args: list[str], one_core: bool) -> dict:
    """Run the CLI in a fresh interpreter (pinned to one core where possible) and return its figures."""
    cmd = [sys.executable, "-c", DRIVER, *args]
    if one_core and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def help_startup(repeats: int = 5) -> float:
    """Best-of-N wall time of `opencheck --help` as a new process."""
    exe = shutil.which("opencheck") or sys.executable
    cmd = [exe, "--help"] if exe != sys.executable else [exe, "-m", "opencheck", "--help"]
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    """Build the tree, run the check, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--weight-gb", type=int, default=5, help="apparent size of each of 4 weight shards")
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    opts = parser.parse_args()
    root = opts.keep or Path(tempfile.mkdtemp(prefix="opencheck-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        weights = build_tree(root, opts.files, opts.weight_gb)
        built = time.perf_counter() - t0
        figures = run_driver(["check", str(root), "-p", "mof", "-f", "json"], one_core=True)
        startup = help_startup()
    finally:
        if not opts.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"tree: {opts.files:,} small files + 4 sparse weight shards ({weights / GB:.0f} GB apparent), "
          f"built in {built:.1f} s")
    print(f"{'measure':<34}{'value':>14}{'target':>12}")
    print(f"{'check wall time (1 core)':<34}{figures['seconds']:>12.2f} s{'< 3 s':>12}")
    print(f"{'check peak RSS':<34}{figures['peak_rss_mb']:>11.0f} MB{'< 200 MB':>12}")
    print(f"{'bytes read by the process':<34}{figures['bytes_read'] / 1024**2:>11.1f} MB"
          f"{'<< weights':>12}")
    print(f"{'opencheck --help start-up':<34}{startup:>12.3f} s{'< 0.3 s':>12}")
    print(f"weight data read: {'none' if figures['bytes_read'] < weights / 100 else 'SOME'} "
          f"({figures['bytes_read']:,} bytes read in total, including Python's own modules, vs "
          f"{weights:,} bytes of weights)")
    print(f"exit code {figures['code']}; reproduce: python benchmarks/local_scan.py --files {opts.files}")


if __name__ == "__main__":
    main()
