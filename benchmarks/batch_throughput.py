"""Batch throughput: N synthetic models through the replay Hub (a standalone server subprocess) with latency.

    python benchmarks/batch_throughput.py [--models 1000] [--latency 0.05] [--jobs 1 4 16 32]

For each --jobs value it runs `opencheck batch --author synthetic --limit N` into a fresh SQLite store and
reports models/s, Hub requests per model, the ceiling that concurrency and latency allow
(jobs / (requests per model x latency)), the share of it reached, and the peak RSS of the batch process.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_fixtures import start_server  # noqa: E402 - the sibling benchmark's, reused

_SUMMARY = re.compile(r"([\d.]+) s, ([\d.]+) models/s; (\d+) Hub requests in all, ([\d.]+) per checked model")


def run(url: str, models: int, jobs: int, workdir: Path) -> dict[str, float]:
    """One batch run; returns its figures."""
    db = workdir / f"bench-j{jobs}.sqlite"
    env = {**os.environ, "HF_ENDPOINT": url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(workdir / "hf")}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "opencheck", "batch", "--author", "synthetic", "--limit",
                             str(models), "--db", str(db), "--jobs", str(jobs), "--no-cache",
                             "--lookup", "none"],  # the core check's throughput (look-ups are on by default)
                            env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    match = _SUMMARY.search(out)
    if os.waitstatus_to_exitcode(status) != 0 or not match:
        raise SystemExit(f"batch failed (jobs={jobs}):\n{out}")
    seconds, rate, requests, per_model = (float(g) for g in match.groups())
    return {"jobs": jobs, "seconds": seconds, "wall": wall, "rate": rate, "requests": requests,
            "per_model": per_model, "all_per_model": requests / models, "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4, 16, 32])
    args = parser.parse_args()
    server, url = start_server(args.latency, args.models)
    try:
        with tempfile.TemporaryDirectory(prefix="opencheck-bench-") as tmp:
            print(f"{args.models} synthetic models, {args.latency * 1000:.0f} ms latency per request, replay at {url}")
            print(f"{'jobs':>4} {'models/s':>9} {'ceiling':>8} {'share':>6} {'req/model':>9} "
                  f"{'req/model(all)':>14} {'run s':>7} {'peak RSS MB':>11}")
            for jobs in args.jobs:
                r = run(url, args.models, jobs, Path(tmp))
                ceiling = jobs / max(r["per_model"] * args.latency, 1e-9)
                print(f"{jobs:>4} {r['rate']:>9.1f} {ceiling:>8.1f} {r['rate'] / ceiling:>6.0%} "
                      f"{r['per_model']:>9.2f} {r['all_per_model']:>14.3f} {r['seconds']:>7.1f} {r['rss_mb']:>11.1f}",
                      flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
