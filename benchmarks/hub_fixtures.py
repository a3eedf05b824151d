"""Benchmark: check every Hub fixture model through the replay Hub, cold and with a warm cache.

    python benchmarks/hub_fixtures.py [--latency 0.05] [--no-lookups]

Starts the replay server (`python -m tests.hubreplay.server`) with the given latency per response, then runs
`opencheck check ORG/NAME -f json` in-process for each fixture model twice with one cache folder, and prints the
HTTP requests each check made (from the report's `target.requests`) and its wall time.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = ("EleutherAI/pythia-160m", "EleutherAI/gpt-neox-20b", "allenai/OLMo-7B", "LLM360/Amber", "bigscience/bloom",
          "meta-llama/Llama-2-7b-hf", "mistralai/Mistral-7B-v0.1", "tiiuae/falcon-7b", "microsoft/phi-2")


def start_server(latency: float, synthetic: int = 0) -> tuple[subprocess.Popen[str], str]:
    """The replay server on a free port (with `synthetic` generated models), and its URL."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.hubreplay.server", "--port", "0", "--latency",
                             str(latency), "--synthetic", str(synthetic)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    match = re.search(r"(http://[\d.]+:\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"replay server did not start: {line!r}")
    return proc, match.group(1)


def check(model: str, url: str, cache: Path, extra: list[str]) -> tuple[int, float, int]:
    """(exit code, seconds, requests) of one in-process check."""
    from opencheck.cli.app import main
    from opencheck.environment import Environment

    out = io.StringIO()
    env = {"HF_ENDPOINT": url, "OPENCHECK_GITHUB_API": url, "OPENCHECK_ARXIV_API": f"{url}/oai2",
           "HF_HUB_DISABLE_TELEMETRY": "1"}
    t0 = time.perf_counter()
    code = main(["check", model, "-f", "json", "--cache-dir", str(cache), *extra],
                Environment(stdout=out, stderr=io.StringIO(), env=env))
    seconds = time.perf_counter() - t0
    requests = json.loads(out.getvalue())["target"]["requests"] if code == 0 else -1
    return code, seconds, requests


def main() -> None:
    """Run both passes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--no-lookups", action="store_true", help="pass --no-lookups (two requests per check)")
    opts = parser.parse_args()
    extra = ["--no-lookups"] if opts.no_lookups else []
    proc, url = start_server(opts.latency)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp)
            check(MODELS[0], url, cache / "warmup", extra)  # imports and data loading, not counted
            for model in MODELS:
                cold = check(model, url, cache, extra)
                warm = check(model, url, cache, extra)
                rows.append((model, cold, warm))
    finally:
        proc.terminate()
    print(f"{'model':<28}{'cold req':>9}{'cold s':>8}{'warm req':>9}{'warm s':>8}")
    for model, cold, warm in rows:
        print(f"{model:<28}{cold[2]:>9}{cold[1]:>8.2f}{warm[2]:>9}{warm[1]:>8.2f}")
    n = len(rows)
    print(f"{'mean':<28}{sum(r[1][2] for r in rows) / n:>9.1f}{sum(r[1][1] for r in rows) / n:>8.2f}"
          f"{sum(r[2][2] for r in rows) / n:>9.1f}{sum(r[2][1] for r in rows) / n:>8.2f}")
    print(f"latency {opts.latency} s per response; lookups {'off' if opts.no_lookups else 'on (default packs)'}; "
          f"reproduce: python benchmarks/hub_fixtures.py --latency {opts.latency}"
          + (" --no-lookups" if opts.no_lookups else ""))


if __name__ == "__main__":
    main()
