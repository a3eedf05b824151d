"""The performance suite: one table of wall time and peak memory for start-up, a 100,000-file local scan, a Hub
check cold and warm, and batch throughput at several --jobs, each with the command that reproduces it.

Run from the repository root: python benchmarks/run.py [--files 100000] [--latency 0.05] [--batch 200]
Every figure comes from a fresh interpreter (peak RSS is that process's own). Offline: the Hub is the replay
server (`python -m tests.hubreplay.server`), started here as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_scan import build_tree, help_startup  # the sibling benchmark, reused

REPO = Path(__file__).resolve().parents[1]
# Runs main() once and prints seconds, peak RSS and, for `check -f json`, the requests the report counted.
DRIVER = r"""
import io, json, resource, sys, time
from opencheck.cli.app import main
from opencheck.environment import Environment
t0 = time.perf_counter()
out, err = io.StringIO(), io.StringIO()
code = main(sys.argv[1:], Environment(stdout=out, stderr=err))
elapsed = time.perf_counter() - t0
requests = None
try:
    requests = json.loads(out.getvalue())["target"]["requests"]
except Exception:
    pass
print(json.dumps({"code": code, "seconds": elapsed, "requests": requests, "err": err.getvalue()[-300:],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def drive(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run the CLI once in a fresh interpreter; wall time includes imports (what a user waits for)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", DRIVER, *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}, cwd=REPO)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - t0
    return figures


def help_memory() -> float:
    """Peak RSS of `opencheck --help` in MB."""
    code = ("import resource, sys, io\nfrom opencheck.cli.app import main\nfrom opencheck.environment import "
            "Environment\nmain(['--help'], Environment(stdout=io.StringIO()))\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return float(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_replay(port: int, latency: float) -> subprocess.Popen[str]:
    """The replay Hub as its own process, as a user would run it for this benchmark."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.hubreplay.server", "--port", str(port),
                             "--latency", str(latency)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # "hubreplay serving ..." once it listens
    return proc


def batch_available() -> bool:
    out = subprocess.run([sys.executable, "-m", "opencheck", "--help"], capture_output=True, text=True, cwd=REPO)
    return "batch" in out.stdout


def main() -> None:
    """Measure everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05, help="replay server latency per response (s)")
    parser.add_argument("--batch", type=int, default=200, help="synthetic models per batch run")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 8, 32])
    opts = parser.parse_args()
    rows: list[tuple[str, str, str, str, str]] = []  # measure, time, requests, peak RSS, command

    startup = help_startup()
    rows.append(("start-up: opencheck --help", f"{startup:.3f} s", "-", f"{help_memory():.0f} MB",
                 "opencheck --help"))

    work = Path(tempfile.mkdtemp(prefix="opencheck-perf-"))
    try:
        tree = work / "tree"
        tree.mkdir()
        build_tree(tree, opts.files, 5)
        local = drive(["check", str(tree), "-p", "mof", "-f", "json"])
        rows.append((f"local scan, {opts.files:,} files", f"{local['seconds']:.2f} s", "0",
                     f"{local['peak_rss_mb']:.0f} MB", f"python benchmarks/local_scan.py --files {opts.files}"))
        shutil.rmtree(tree, ignore_errors=True)

        port = free_port()
        server = start_replay(port, opts.latency)
        try:
            env = {"HF_ENDPOINT": f"http://127.0.0.1:{port}", "HF_HUB_DISABLE_TELEMETRY": "1",
                   "HF_HOME": str(work / "hf"), "OPENCHECK_GITHUB_API": f"http://127.0.0.1:{port}"}
            cache = work / "cache"
            hub_cmd = ["check", "EleutherAI/pythia-160m", "-f", "json", "--cache-dir", str(cache)]
            shown = (f"python -m tests.hubreplay.server --port {port} --latency {opts.latency} & "
                     f"HF_ENDPOINT=http://127.0.0.1:{port} opencheck check EleutherAI/pythia-160m "
                     "--cache-dir DIR -f json")
            for label in ("cold", "warm"):
                hub = drive(hub_cmd, env)
                rows.append((f"Hub check, {label} cache", f"{hub['seconds']:.2f} s", str(hub["requests"]),
                             f"{hub['peak_rss_mb']:.0f} MB", shown))
            if batch_available():
                targets = work / "targets.txt"
                targets.write_text("".join(f"synthetic/model-{i:05d}\n" for i in range(opts.batch)))
                for jobs in opts.jobs:
                    db = work / f"batch-{jobs}.sqlite"
                    run = drive(["batch", str(targets), "--db", str(db), "-j", str(jobs), "--no-cache"], env)
                    rate = opts.batch / run["seconds"]
                    rows.append((f"batch, {opts.batch} models, --jobs {jobs}",
                                 f"{run['seconds']:.2f} s ({rate:.0f}/s)", "-", f"{run['peak_rss_mb']:.0f} MB",
                                 f"opencheck batch TARGETS --db DB -j {jobs} --no-cache"))
            else:
                rows.append(("batch throughput", "not available", "-", "-", "opencheck batch is not installed"))
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    widths = [max(len(r[i]) for r in [("measure", "time", "requests", "peak RSS", "reproduce"), *rows])
              for i in range(5)]
    header = ("measure", "time", "requests", "peak RSS", "reproduce")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"\nreplay latency {opts.latency} s per response; Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs. Reproduce all: python benchmarks/run.py")


if __name__ == "__main__":
    main()
