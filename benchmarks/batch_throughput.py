"""Batch throughput against its ceiling: N synthetic models from a Hub listing on the replay server, with latency.

    python benchmarks/batch_throughput.py [--models 1000] [--latency 0.05] [--jobs 16 32] [--repeat 3]

The ceiling is computed in the same run, as the smaller of two bounds:
- latency: jobs / (Hub requests per checked model x latency), what the concurrency allows at that latency;
- CPU: cores / CPU seconds per model, with the CPU per model measured by serial runs (--jobs 1, no evaluation
  process) against a replay server without latency: the batch process's CPU (with its children) plus the replay
  server's, since on this machine the server runs on the same cores; a run of one model is taken from a run of N,
  so start-up (imports, packs, the store) is not counted per model, as the rate does not count it either.
Each configuration runs --repeat times (round robin, so a change of load hits every one alike); the table shows
medians with their spread. On Linux it also shows how many cores other processes kept busy during the runs, and
the ceiling that leaves (the CPU bound with only the cores not taken by others).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_fixtures import start_server  # the sibling benchmark's, reused

_SUMMARY = re.compile(r"([\d.]+) s, ([\d.]+) models/s; (\d+) Hub requests in all, ([\d.]+) per checked model")


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a live process has used so far; None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float | None:
    """CPU seconds all processes of the machine have used since boot (None where /proc is missing)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return None
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


@dataclass
class Run:
    """One batch run's figures."""

    jobs: int
    rate: float  # models per second, as the batch summary says
    per_model: float  # Hub requests per checked model
    cpu: float  # CPU seconds of the batch process and its children
    server_cpu: float | None  # CPU seconds of the replay server during the run
    others: float | None  # cores kept busy by other processes on average during the run
    rss_mb: float


def run_batch(url: str, server_pid: int, models: int, jobs: int, workdir: Path, extra: tuple[str, ...] = ()) -> Run:
    """One `opencheck batch --author synthetic --limit N` into a fresh store; returns its figures."""
    db = workdir / f"bench-j{jobs}-{time.monotonic_ns()}.sqlite"
    env = {**os.environ, "HF_ENDPOINT": url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(workdir / "hf")}
    server0, busy0, started = process_cpu(server_pid), machine_busy(), time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "opencheck", "batch", "--author", "synthetic", "--limit",
                             str(models), "--db", str(db), "--jobs", str(jobs), "--no-cache",
                             "--lookup", "none", *extra],  # the core check's throughput (look-ups are on by default)
                            env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    server1, busy1 = process_cpu(server_pid), machine_busy()
    db.unlink(missing_ok=True)
    match = _SUMMARY.search(out)
    if os.waitstatus_to_exitcode(status) != 0 or not match:
        raise SystemExit(f"batch failed (jobs={jobs}):\n{out}")
    cpu = usage.ru_utime + usage.ru_stime
    server_cpu = server1 - server0 if server0 is not None and server1 is not None else None
    others = None
    if busy0 is not None and busy1 is not None and server_cpu is not None:
        others = max(0.0, (busy1 - busy0) - cpu - server_cpu) / wall
    return Run(jobs, float(match.group(2)), float(match.group(4)), cpu, server_cpu, others, usage.ru_maxrss / 1024)


@dataclass
class Figures:
    """Medians over the repeats of one --jobs value, with the ceiling computed in the same run."""

    jobs: int
    runs: list[Run]
    cpu_per_model: float  # seconds, from the serial calibration (client + server)
    latency: float
    n_cores: int
    rate: float = field(init=False)
    latency_bound: float = field(init=False)
    cpu_bound: float = field(init=False)
    ceiling: float = field(init=False)
    others: float | None = field(init=False)
    loaded_ceiling: float | None = field(init=False)

    def __post_init__(self) -> None:
        self.rate = statistics.median(r.rate for r in self.runs)
        per_model = statistics.median(r.per_model for r in self.runs)
        self.latency_bound = self.jobs / max(per_model * self.latency, 1e-9)
        # A calibration too short to see any CPU per model (--quick, a busy machine) leaves only the latency bound.
        self.cpu_bound = self.n_cores / self.cpu_per_model if self.cpu_per_model > 0 else float("inf")
        self.ceiling = min(self.latency_bound, self.cpu_bound)
        seen = [r.others for r in self.runs if r.others is not None]
        self.others = statistics.median(seen) if seen else None
        self.loaded_ceiling = None
        if self.others is not None:
            free = max(self.n_cores - self.others, 0.05)
            self.loaded_ceiling = min(self.latency_bound, free / self.cpu_per_model if self.cpu_per_model > 0
                                      else float("inf"))

    @property
    def spread(self) -> str:
        """Lowest and highest rate of the repeats."""
        rates = [r.rate for r in self.runs]
        return f"{min(rates):.0f}-{max(rates):.0f}"

    @property
    def bound(self) -> str:
        """Which bound is the ceiling."""
        return "latency" if self.latency_bound <= self.cpu_bound else "CPU"


@dataclass
class Calibration:
    """CPU per model from serial runs against a server without latency: runs of N models and of one."""

    runs: list[Run]
    single: list[Run]
    models: int

    @property
    def client(self) -> float:
        """Median CPU seconds per further model of the batch process (with its children)."""
        one = statistics.median(r.cpu for r in self.single)
        return max(statistics.median(r.cpu for r in self.runs) - one, 0.0) / max(self.models - 1, 1)

    @property
    def server(self) -> float:
        """Median CPU seconds per further model of the replay server (0 where it cannot be measured)."""
        seen = [r.server_cpu for r in self.runs if r.server_cpu is not None]
        one = [r.server_cpu for r in self.single if r.server_cpu is not None]
        if not seen or not one:
            return 0.0
        return max(statistics.median(seen) - statistics.median(one), 0.0) / max(self.models - 1, 1)

    @property
    def per_model(self) -> float:
        """Client and server CPU per model: what the cores must spend on each."""
        return self.client + self.server


def measure(models: int, latency: float, jobs_values: list[int], repeat: int) -> tuple[Calibration, list[Figures]]:
    """The serial calibration and each --jobs value, `repeat` times in round robin."""
    fast, fast_url = start_server(0.0, models)
    slow, slow_url = start_server(latency, models)
    calibration: list[Run] = []
    single: list[Run] = []
    runs: dict[int, list[Run]] = {j: [] for j in jobs_values}
    try:
        with tempfile.TemporaryDirectory(prefix="opencheck-bench-") as tmp:
            work = Path(tmp)
            for _ in range(repeat):
                serial = ("--eval-processes", "0")
                single.append(run_batch(fast_url, fast.pid, 1, 1, work, serial))
                calibration.append(run_batch(fast_url, fast.pid, models, 1, work, serial))
                for jobs in jobs_values:
                    runs[jobs].append(run_batch(slow_url, slow.pid, models, jobs, work))
    finally:
        for server in (fast, slow):
            server.terminate()
            server.wait(timeout=10)
    cal = Calibration(calibration, single, models)
    return cal, [Figures(j, runs[j], cal.per_model, latency, cores()) for j in jobs_values]


def table(cal: Calibration, figures: list[Figures], models: int, latency: float, repeat: int) -> list[str]:
    """The report lines."""
    lines = [f"{models} synthetic models, {latency * 1000:.0f} ms latency per response, {cores()} cores, "
             f"medians of {repeat}",
             f"CPU per model (serial, no latency): {cal.client * 1000:.2f} ms opencheck + {cal.server * 1000:.2f} ms "
             f"replay server = {cal.per_model * 1000:.2f} ms -> CPU bound "
             f"{f'{cores() / cal.per_model:.0f} models/s' if cal.per_model > 0 else 'not measurable (too few models)'}",
             f"{'jobs':>4} {'models/s':>9} {'spread':>9} {'latency bound':>13} {'ceiling':>12} {'share':>6} "
             f"{'others busy':>11} {'ceiling left':>12} {'share':>6} {'req/model':>9} {'RSS MB':>7}"]
    for f in figures:
        others = f"{f.others:.2f} cores" if f.others is not None else "-"
        left = f"{f.loaded_ceiling:.0f}" if f.loaded_ceiling else "-"
        left_share = f"{f.rate / f.loaded_ceiling:.0%}" if f.loaded_ceiling else "-"
        rss = statistics.median(r.rss_mb for r in f.runs)
        per_model = statistics.median(r.per_model for r in f.runs)
        lines.append(f"{f.jobs:>4} {f.rate:>9.1f} {f.spread:>9} {f.latency_bound:>13.0f} "
                     f"{f.ceiling:>6.0f} ({f.bound:<7}) {f.rate / f.ceiling:>5.0%} {others:>11} {left:>12} "
                     f"{left_share:>6} {per_model:>9.2f} {rss:>7.0f}".replace("(CPU    )", "(CPU)    "))
    return lines


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each configuration (medians)")
    args = parser.parse_args()
    cal, figures = measure(args.models, args.latency, args.jobs, args.repeat)
    print("\n".join(table(cal, figures, args.models, args.latency, args.repeat)))


if __name__ == "__main__":
    main()
