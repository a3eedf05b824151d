"""Benchmark: `opencheck check` on a folder of 100,000 small files plus sparse multi-GB weight files.

Prints the check's wall time beside `find DIR -printf '%s %p\n'` and a bare Python `os.scandir` walk that stats
every file (medians of --repeat runs, each a new process pinned to one core), their ratios, the check's peak
memory (RSS) and bytes read, and the start-up time of `opencheck --help`.
Targets (issues 2 and 22): within 3x `find`, under 150 MB peak RSS, linear in the number of files; under 0.3 s
for `--help`; no weight data read.
Run: python benchmarks/local_scan.py [--files 100000] [--repeat 3] [--keep DIR | --tree DIR] [--json]
`--tree DIR` measures a folder built before (by `--keep DIR`), so a 1,000,000-file tree is built once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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
# VmHWM is this process's own peak; ru_maxrss also counts the parent's RSS at fork (Linux keeps it across exec).
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
peak_kb = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "seconds": elapsed,
                  "peak_rss_mb": peak_kb / 1024,
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


SCANDIR_WALK = r"""
import os, sys
count, stack = 0, [sys.argv[1]]
while stack:
    with os.scandir(stack.pop()) as it:
        for entry in it:
            info = entry.stat(follow_symlinks=False)
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                count += 1
print(count)
"""


def _pinned(cmd: list[str], one_core: bool) -> list[str]:
    return ["taskset", "-c", "0", *cmd] if one_core and shutil.which("taskset") else cmd


def run_driver(args: list[str], one_core: bool) -> dict:
    """Run the CLI in a fresh interpreter (pinned to one core where possible) and return its figures."""
    started = time.perf_counter()
    proc = subprocess.run(_pinned([sys.executable, "-c", DRIVER, *args], one_core), capture_output=True, text=True,
                          check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = time.perf_counter() - started  # start-up and imports included
    return figures


def wall(cmd: list[str], one_core: bool = True) -> float:
    """Wall time of one run of `cmd` as a new process, its output discarded."""
    started = time.perf_counter()
    subprocess.run(_pinned(cmd, one_core), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def measure(root: Path, repeat: int) -> dict:
    """Medians of `repeat` runs of find, the bare scandir walk and the check, after one warm-up of each."""
    find = ["find", str(root), "-printf", "%s %p\n"]
    bare = [sys.executable, "-c", SCANDIR_WALK, str(root)]
    check = ["check", str(root), "-p", "mof", "-f", "json"]
    wall(find), wall(bare), run_driver(check, one_core=True)  # warm the page cache and the dentry cache
    finds = [wall(find) for _ in range(repeat)]
    bares = [wall(bare) for _ in range(repeat)]
    runs = [run_driver(check, one_core=True) for _ in range(repeat)]
    return {
        "find_seconds": statistics.median(finds),
        "scandir_seconds": statistics.median(bares),
        "check_seconds": statistics.median(r["process_seconds"] for r in runs),
        "check_in_process_seconds": statistics.median(r["seconds"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "bytes_read": runs[-1]["bytes_read"],
        "code": runs[-1]["code"],
    }


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


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--weight-gb", type=int, default=5, help="apparent size of each of 4 weight shards")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the median is shown")
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    parser.add_argument("--tree", type=Path, help="measure this tree, built before with --keep")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return parser.parse_args()


def main() -> None:
    """Build the tree (or take --tree), run the measures, print the figures."""
    opts = _parse()
    root = opts.tree or opts.keep or Path(tempfile.mkdtemp(prefix="opencheck-bench-"))
    built = 0.0
    try:
        if opts.tree is None:
            root.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            build_tree(root, opts.files, opts.weight_gb)
            built = time.perf_counter() - t0
        weights = sum(p.stat().st_size for p in root.glob("model-*.safetensors"))
        files = sum(len(names) for _, _, names in os.walk(root))
        figures = measure(root, max(1, opts.repeat))
        figures.update(files=files, weight_bytes=weights, help_seconds=help_startup())
    finally:
        if opts.tree is None and not opts.keep:
            shutil.rmtree(root, ignore_errors=True)
    figures["check_vs_find"] = figures["check_seconds"] / figures["find_seconds"]
    figures["check_vs_scandir"] = figures["check_seconds"] / figures["scandir_seconds"]
    if opts.json:
        print(json.dumps(figures, sort_keys=True))
        return
    _print(figures, built, opts.repeat)


def _print(figures: dict, built: float, repeat: int) -> None:
    weights = figures["weight_bytes"]
    print(f"tree: {figures['files']:,} files, 4 sparse weight shards ({weights / GB:.0f} GB apparent)"
          + (f", built in {built:.1f} s" if built else ""))
    print(f"{'measure (median of ' + str(repeat) + ', 1 core)':<40}{'value':>12}{'vs find':>10}{'target':>12}")
    find = figures["find_seconds"]
    print(f"{'find DIR -printf':<40}{find:>10.3f} s{1:>9.1f}x")
    print(f"{'bare os.scandir walk + stat (Python)':<40}{figures['scandir_seconds']:>10.3f} s"
          f"{figures['scandir_seconds'] / find:>9.1f}x")
    print(f"{'opencheck check -f json (process)':<40}{figures['check_seconds']:>10.3f} s"
          f"{figures['check_vs_find']:>9.1f}x{'<= 3x':>12}")
    print(f"{'  of which in process (after start-up)':<40}{figures['check_in_process_seconds']:>10.3f} s"
          f"{figures['check_in_process_seconds'] / find:>9.1f}x")
    print(f"{'check peak RSS':<40}{figures['peak_rss_mb']:>9.0f} MB{'':>10}{'< 150 MB':>12}")
    print(f"{'bytes read by the process':<40}{figures['bytes_read'] / 1024**2:>9.1f} MB")
    print(f"{'opencheck --help start-up':<40}{figures['help_seconds']:>10.3f} s{'':>10}{'< 0.3 s':>12}")
    print(f"weight data read: {'none' if figures['bytes_read'] < weights / 100 else 'SOME'} "
          f"({figures['bytes_read']:,} bytes read in total, including Python's own modules, vs "
          f"{weights:,} bytes of weights)")
    print(f"exit code {figures['code']}; reproduce: python benchmarks/local_scan.py --tree DIR (a folder of "
          f"{figures['files']:,} files) or --files N")


if __name__ == "__main__":
    main()
