"""The performance suite: every figure beside its floor (or ceiling) and the ratio, medians of --repeat runs, all
measured in the same run on this machine.

    python benchmarks/run.py [--only scan,startup,help,hub,batch] [--repeat 3] [--files 100000] [--models 1000]
                             [--latency 0.05] [--jobs 16 32] [--no-peers] [--peers-dir DIR] [--quick]

- scan: `opencheck check DIR -f json -o FILE` on --files small files in folders of 1,000 plus four sparse 5 GB
  weight shards, against `find DIR -printf '%s %p\\n'` and a bare `os.scandir` walk (this interpreter).
- startup: a check of the bundled example (`examples/open-model -f json -o FILE`) against
  `python -c "import typer, yaml"` (this interpreter: the floor of the framework opencheck is built on).
- help: every subcommand's `--help` against `reuse --help`, `pip-audit --help` and `check-jsonschema --help`,
  each peer in its own virtual environment under --peers-dir (created from PyPI when missing; if that fails the
  table says so and the rest is measured).
- hub: `opencheck check EleutherAI/pythia-160m -f json` against the replay Hub (--latency per response), cold (a
  new cache folder) and warm, with the requests the report counts; the floor is requests x latency.
- batch: benchmarks/batch_throughput.py's runs, against the ceiling it computes in the same run.
Every command runs as a fresh process (what a user waits for); wall times are medians, the spread is min-max.
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
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import batch_throughput  # the sibling benchmarks, reused
from hub_fixtures import start_server
from local_scan import build_tree

REPO = Path(__file__).resolve().parents[1]
PEERS = ("reuse", "pip-audit", "check-jsonschema")
SECTIONS = ("scan", "startup", "help", "hub", "batch")
Row = tuple[str, str, str, str, str]  # measure, figure, floor or ceiling, ratio, reproduce


# -- timing ---------------------------------------------------------------------------------------------------------

# The caller's environment as an installed package runs in: allowed to keep bytecode and opencheck's compiled forms
# (opencheck/compiled_forms.py) in __pycache__. With PYTHONDONTWRITEBYTECODE set, every run would recompile what
# changed since the last write, and the figures would measure that instead (benchmarks/startup.py does the same).
_INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

def timed(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = REPO,
          ok: Callable[[int], bool] = lambda code: code == 0) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one run of `cmd` as a new process; its output is discarded."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd,
                            env={**_INSTALLED, **(env or {})})
    err = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    if not ok(code):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.decode(errors='replace')[-500:]}")
    return wall, usage.ru_maxrss / 1024


def median_of(repeat: int, run: Callable[[], float]) -> tuple[float, float, float]:
    """(median, min, max) of `repeat` calls."""
    values = [run() for _ in range(repeat)]
    return statistics.median(values), min(values), max(values)


def seconds(stats: tuple[float, float, float]) -> str:
    """A median with its spread."""
    med, low, high = stats
    return f"{med:.3f} s ({low:.3f}-{high:.3f})"


def ratio(value: float, floor: float) -> str:
    """value / floor as `N.NNx`."""
    return f"{value / floor:.2f}x" if floor > 0 else "-"


def opencheck_cmd() -> list[str]:
    """How to start opencheck with this interpreter: its console script beside it, else `-m opencheck`."""
    script = Path(sys.executable).parent / "opencheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "opencheck"]


# -- scan -----------------------------------------------------------------------------------------------------------

SCANDIR_WALK = r"""
import os, sys
stack, n = [sys.argv[1]], 0
while stack:
    with os.scandir(stack.pop()) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                entry.stat(follow_symlinks=False)
                n += 1
print(n)
"""


def find_floor(tree: Path) -> list[str] | None:
    """`find DIR -printf '%s %p\\n'` (None without GNU find)."""
    find = shutil.which("find")
    if not find or subprocess.run([find, str(tree), "-maxdepth", "0", "-printf", ""], capture_output=True).returncode:
        return None
    return [find, str(tree), "-printf", "%s %p\\n"]


def scan_rows(opts: argparse.Namespace, work: Path) -> list[Row]:
    """The local scan against find and a bare os.scandir walk."""
    tree = work / "tree"
    tree.mkdir()
    build_tree(tree, opts.files, 5)
    out = work / "scan.json"
    check = [*opencheck_cmd(), "check", str(tree), "-f", "json", "-o", str(out)]
    # Gates decide the exit code (a failed gate is 1), not the measurement.
    scan = median_of(opts.repeat, lambda: timed(check, ok=lambda c: c in (0, 1))[0])
    rss = timed(check, ok=lambda c: c in (0, 1))[1]
    walk = median_of(opts.repeat, lambda: timed([sys.executable, "-c", SCANDIR_WALK, str(tree)])[0])
    find = find_floor(tree)
    label = f"scan {opts.files:,} files + 4 sparse 5 GB shards"
    rows: list[Row] = []
    if find is not None:
        floor = median_of(opts.repeat, lambda: timed(find)[0])
        rows.append((label, seconds(scan), f"find -printf {seconds(floor)}", ratio(scan[0], floor[0]),
                     f"python benchmarks/local_scan.py --files {opts.files}"))
    rows.append((f"{label} (same)", f"peak RSS {rss:.0f} MB", f"os.scandir walk {seconds(walk)}",
                 ratio(scan[0], walk[0]), "opencheck check DIR -f json -o FILE"))
    shutil.rmtree(tree, ignore_errors=True)
    return rows


# -- start-up and --help --------------------------------------------------------------------------------------------

def startup_rows(opts: argparse.Namespace, work: Path) -> list[Row]:
    """A check of the bundled example against the framework's import floor."""
    out = work / "example.json"
    check = [*opencheck_cmd(), "check", str(REPO / "examples" / "open-model"), "-f", "json", "-o", str(out)]
    floor_cmd = [sys.executable, "-c", "import typer, yaml"]
    timed(check, ok=lambda c: c in (0, 1))  # warm the file cache and the compiled modules first
    run = median_of(opts.repeat, lambda: timed(check, ok=lambda c: c in (0, 1))[0])
    floor = median_of(opts.repeat, lambda: timed(floor_cmd)[0])
    return [("check examples/open-model -f json -o FILE", seconds(run), f"import typer, yaml {seconds(floor)}",
             ratio(run[0], floor[0]), "opencheck check examples/open-model -f json -o FILE")]


def subcommands() -> list[list[str]]:
    """Every command path of the CLI (groups and their commands), from the app itself."""
    program = ("import json, typer\nfrom opencheck.cli.app import app\n"
               "def walk(c, path):\n    subs = getattr(c, 'commands', None) or {}\n    out = [path]\n"
               "    for n, s in sorted(subs.items()):\n        out += walk(s, path + [n])\n    return out\n"
               "print(json.dumps(walk(typer.main.get_command(app), [])))")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO)
    paths: list[list[str]] = json.loads(done.stdout)
    return paths


def peer_script(name: str, peers_dir: Path, install: bool) -> tuple[Path | None, str]:
    """The console script of a peer in its own venv (made from PyPI when missing and allowed); why not, if none."""
    venv = peers_dir / name
    script = venv / "bin" / name
    if script.exists():
        return script, ""
    if not install:
        return None, "not installed (--no-peers)"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", name], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        stderr = getattr(exc, "stderr", b"") or b""
        last = stderr.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
        return None, f"could not be installed from PyPI (unreachable?): {last[0][:80]}"
    return (script, "") if script.exists() else (None, "installed, but has no console script")


def help_rows(opts: argparse.Namespace) -> list[Row]:
    """Every subcommand's --help against the slowest and fastest peer's --help."""
    peers: dict[str, tuple[float, float, float]] = {}
    rows: list[Row] = []
    for name in PEERS:
        script, why = peer_script(name, opts.peers_dir, not opts.no_peers)
        if script is None:
            rows.append((f"peer {name} --help", "-", why, "-", f"{name} --help"))
            continue
        timed([str(script), "--help"])  # first run compiles its modules
        peers[name] = median_of(opts.repeat, lambda s=script: timed([str(s), "--help"])[0])
        rows.append((f"peer {name} --help", seconds(peers[name]), "-", "-", f"{script} --help"))
    fastest = min(peers.items(), key=lambda kv: kv[1][0]) if peers else None
    paths = subcommands()
    for path in paths[:3] if opts.quick else paths:  # --quick: the walk of the commands, and three of them
        cmd = [*opencheck_cmd(), *path, "--help"]
        timed(cmd)
        run = median_of(opts.repeat, lambda c=cmd: timed(c)[0])
        label = "opencheck " + " ".join([*path, "--help"])
        if fastest is None:
            rows.append((label, seconds(run), "no peer measured", "-", label))
        else:
            rows.append((label, seconds(run), f"{fastest[0]} --help {fastest[1][0]:.3f} s (fastest peer)",
                         ratio(run[0], fastest[1][0]), label))
    return rows


# -- Hub check ------------------------------------------------------------------------------------------------------

def hub_rows(opts: argparse.Namespace, work: Path) -> list[Row]:
    """The Hub check cold and warm through the replay server, against requests x latency."""
    server, url = start_server(opts.latency)
    try:
        env = {"HF_ENDPOINT": url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(work / "hf"),
               "OPENCHECK_GITHUB_API": url, "OPENCHECK_ARXIV_API": f"{url}/oai2"}
        figures: dict[str, list[tuple[float, int]]] = {"cold": [], "warm": []}
        for i in range(opts.repeat):
            cache = work / f"hub-cache-{i}"
            for label in ("cold", "warm"):
                out = work / f"hub-{label}.json"
                cmd = [*opencheck_cmd(), "check", "EleutherAI/pythia-160m", "-f", "json", "-o", str(out),
                       "--cache-dir", str(cache)]
                wall = timed(cmd, env=env, ok=lambda c: c in (0, 1))[0]
                figures[label].append((wall, int(json.loads(out.read_text())["target"]["requests"])))
    finally:
        server.terminate()
        server.wait(timeout=10)
    rows: list[Row] = []
    for label, runs in figures.items():
        walls = [w for w, _ in runs]
        requests = statistics.median(r for _, r in runs)
        floor = requests * opts.latency
        stats = (statistics.median(walls), min(walls), max(walls))
        rows.append((f"Hub check, {label} cache, {requests:g} requests", seconds(stats),
                     f"requests x latency {floor:.3f} s", ratio(stats[0], floor) if floor else "-",
                     "HF_ENDPOINT=REPLAY opencheck check EleutherAI/pythia-160m --cache-dir DIR -f json"))
    return rows


# -- batch ----------------------------------------------------------------------------------------------------------

def batch_rows(opts: argparse.Namespace) -> tuple[list[Row], list[str]]:
    """Batch throughput at each --jobs against the ceiling computed in the same run."""
    cal, figures = batch_throughput.measure(opts.models, opts.latency, opts.jobs, opts.repeat)
    rows: list[Row] = []
    for f in figures:
        left = (f"; {f.others:.2f} cores busy with other processes: {f.loaded_ceiling:.0f}/s left, "
                f"{f.rate / f.loaded_ceiling:.0%} of it") if f.loaded_ceiling else ""
        rows.append((f"batch {opts.models} models, --jobs {f.jobs}", f"{f.rate:.1f}/s ({f.spread})",
                     f"ceiling {f.ceiling:.0f}/s ({f.bound} bound){left}", f"{f.rate / f.ceiling:.0%}",
                     f"python benchmarks/batch_throughput.py --models {opts.models} --jobs {f.jobs}"))
    notes = batch_throughput.table(cal, figures, opts.models, opts.latency, opts.repeat)[:2]
    return rows, notes


# -- the report -----------------------------------------------------------------------------------------------------

def print_table(rows: list[Row]) -> None:
    """Rows as aligned columns."""
    header: Row = ("measure", "median (spread)", "floor / ceiling", "ratio", "reproduce")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line (--quick: small sizes, one run each, no peers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (medians; at least 3 for figures)")
    parser.add_argument("--files", type=int, default=100_000, help="small files in the scanned tree")
    parser.add_argument("--models", type=int, default=1000, help="synthetic models per batch run")
    parser.add_argument("--latency", type=float, default=0.05, help="replay server latency per response (s)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--no-peers", action="store_true", help="do not install missing peers from PyPI")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "opencheck-bench" / "peers"
    parser.add_argument("--peers-dir", type=Path, default=cache, help="where each peer gets its own venv")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one run each, no peer installed, three --help (a smoke test)")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.repeat, opts.files, opts.models, opts.no_peers = 1, min(opts.files, 300), min(opts.models, 20), True
    opts.sections = [s.strip() for s in opts.only.split(",") if s.strip()]
    unknown = sorted(set(opts.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"--only: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return opts


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the chosen sections and print one table."""
    opts = options(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {sys.version.split()[0]} ({sys.executable}); {batch_throughput.cores()} cores "
          f"(os.cpu_count() {os.cpu_count()}); load average {load:.2f} at start; medians of {opts.repeat}",
          flush=True)
    rows: list[Row] = []
    notes: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="opencheck-perf-"))
    try:
        if "scan" in opts.sections:
            rows += scan_rows(opts, work)
        if "startup" in opts.sections:
            rows += startup_rows(opts, work)
        if "help" in opts.sections:
            rows += help_rows(opts)
        if "hub" in opts.sections:
            rows += hub_rows(opts, work)
        if "batch" in opts.sections:
            batch, notes = batch_rows(opts)
            rows += batch
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    for line in notes:
        print(line)
    print(f"Reproduce: python benchmarks/run.py --only {','.join(opts.sections)} --repeat {opts.repeat}")


if __name__ == "__main__":
    main()
