"""Start-up cost: a check of the bundled example against the framework's import floor, and every `--help` against
the help of three peer tools.

    python benchmarks/startup.py [--runs 7] [--peers /tmp/peers] [--only check|help] [--clock wall|cpu] [--json]

Floor: the same interpreter running `python -c "import typer, yaml"`. The check is
`opencheck check examples/open-model -f json -o TMP`; the target is at most 2x the floor. Every subcommand's
`--help` (enumerated from the typer app) is compared with `reuse --help`, `pip-audit --help` and
`check-jsonschema --help`, each from its own virtualenv `PEERS/NAME/bin/NAME` (make them with
`python3 -m venv /tmp/peers/reuse && /tmp/peers/reuse/bin/pip install reuse`, and so on); a missing peer is left
out. Each command runs once to warm the bytecode cache, then the commands run round-robin (side by side, so a busy
machine slows all of them alike) and each figure is the median of `--runs` wall-clock times (`--clock cpu`: CPU
seconds, user plus system, which a busy machine disturbs much less).

Text output: one line per figure, `NAME  MEDIAN  FLOOR-NAME  FLOOR-MEDIAN  RATIO`; `--json` prints
`{"floor": {...}, "peers": {...}, "check": {...}, "help": {...}}` with seconds, so benchmarks/run.py can read it.
The exit status is 0 whatever the figures are (a measurement, not a gate).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "open-model"
PEERS = ("reuse", "pip-audit", "check-jsonschema")
ENTRY = "import sys; from opencheck.cli.app import main; sys.exit(main())"  # what the `opencheck` script runs


def subcommands() -> list[list[str]]:
    """Every command path of the CLI (`[]` for the root, `["rules", "show"]`, ...), from the typer app."""
    import typer

    from opencheck.cli.app import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, child in sorted(getattr(command, "commands", {}).items()):
            if not getattr(child, "hidden", False):
                walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def _environment() -> dict[str, str]:
    """The caller's environment, allowed to write bytecode (an installed package has it) and kept off the network."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU time barely moves when other work shares the machine)."""
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, _cpu() - cpu


def medians(commands: dict[str, list[str]], runs: int, clock: str = "wall") -> dict[str, float]:
    """Median seconds (`clock`: wall or cpu) of each command: one warm-up each, then `runs` rounds, round-robin."""
    env = _environment()
    for argv in commands.values():
        _once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu = _once(argv, env)
            times[name].append(cpu if clock == "cpu" else wall)
    return {name: statistics.median(values) for name, values in times.items()}


def _peer_commands(peers: Path) -> dict[str, list[str]]:
    found = {}
    for name in PEERS:
        exe = peers / name / "bin" / name
        if exe.is_file():
            found[f"{name} --help"] = [str(exe), "--help"]
    return found


def measure(runs: int, peers: Path, only: str | None, clock: str = "wall") -> dict[str, dict[str, float]]:
    """The figures: the floor, the peers' help, the example check and every subcommand's help."""
    python = sys.executable
    floor = {"import typer, yaml": [python, "-c", "import typer, yaml"]}
    check: dict[str, list[str]] = {}
    helps: dict[str, list[str]] = {}
    peer = _peer_commands(peers) if only != "check" else {}
    with tempfile.TemporaryDirectory() as tmp:
        if only != "help":
            check["check examples/open-model -f json"] = [python, "-c", ENTRY, "check", str(EXAMPLE), "-f", "json",
                                                          "-o", str(Path(tmp) / "report.json")]
        if only != "check":
            for path in subcommands():
                helps[" ".join(["opencheck", *path, "--help"])] = [python, "-c", ENTRY, *path, "--help"]
        got = medians({**floor, **peer, **check, **helps}, runs, clock)
    pick = lambda names: {name: got[name] for name in names}  # noqa: E731
    return {"floor": pick(floor), "peers": pick(peer), "check": pick(check), "help": pick(helps)}


def render(figures: dict[str, dict[str, float]]) -> str:
    """One line per figure beside its floor (the import floor for the check, the fastest peer for help)."""
    lines = []
    for name, seconds in figures["floor"].items():
        lines.append(f"{name:<44} {seconds:7.3f}s  (floor)")
    for name, seconds in figures["peers"].items():
        lines.append(f"{name:<44} {seconds:7.3f}s  (peer)")
    floor_name, floor = next(iter(figures["floor"].items()))
    for name, seconds in figures["check"].items():
        lines.append(f"{name:<44} {seconds:7.3f}s  vs {floor_name} {floor:.3f}s  x{seconds / floor:.2f}")
    if figures["peers"]:
        peer_name, peer = min(figures["peers"].items(), key=lambda item: item[1])
        for name, seconds in figures["help"].items():
            lines.append(f"{name:<44} {seconds:7.3f}s  vs {peer_name} {peer:.3f}s  x{seconds / peer:.2f}")
    else:
        lines += [f"{name:<44} {seconds:7.3f}s  (no peers installed)" for name, seconds in figures["help"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (median; default 7)")
    parser.add_argument("--peers", type=Path, default=Path("/tmp/peers"), help="folder of the peers' virtualenvs")
    parser.add_argument("--only", choices=("check", "help"), help="measure only the check or only the help pages")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall-clock seconds (default) or CPU seconds (user+system, steadier on a busy machine)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(max(1, args.runs), args.peers, args.only, args.clock)
    print(json.dumps(figures, indent=2, sort_keys=True) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
