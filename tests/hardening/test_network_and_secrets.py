"""Network faults end to end through the CLI (a real `python -m opencheck` process with HF_ENDPOINT pointing at
the replay Hub), with fake tokens in HF_TOKEN and GITHUB_TOKEN throughout: every run must exit 0 (degraded but
honest) or 3 with one line, and the tokens must appear in no output, report, cache file or log line.

Library-level fault handling (retry counts, backoff, Retry-After, budgets) is in tests/hub/test_hub_failures.py.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from tests.hardening.helpers import CliResult, run_subprocess, subprocess_env
from tests.hub.helpers import fast_retry
from tests.hubreplay.pytest_plugin import hub_server  # noqa: F401 - the fixture
from tests.hubreplay.server import HubReplayServer

from opencheck.cli.app import main
from opencheck.environment import Environment
from opencheck.exit_status import ExitStatus

HF_SECRET = "hf_FAKEtoken0123456789abcdefFAKE"
GH_SECRET = "ghp_FAKEtoken0123456789abcdef"
PYTHIA = "EleutherAI/pythia-160m"
INFO = f"/api/models/{PYTHIA}"
README = f"/{PYTHIA}/resolve/*/README.md"
FORMATS = ["text", "json", "markdown", "html", "sarif", "junit", "badge"]

# scenario -> (target, faults as (pattern, kind, options), expected exit code, text the one error line holds)
SCENARIOS: dict[str, tuple[str, list[tuple[str, str, dict[str, object]]], int, str]] = {
    "ok": (PYTHIA, [], 0, ""),
    "not-found": ("nobody/nothing", [], 3, "not found"),
    "gated": ("meta-llama/Llama-2-7b-hf", [], 0, ""),
    "private": ("opencheck-test/private-model", [], 3, "the token has no access"),
    "429-storm": (PYTHIA, [(INFO, "rate_limit", {"times": None, "headers": {"Retry-After": "0"}})], 3,
                  "rate limited"),
    "5xx-storm": (PYTHIA, [(INFO, "status", {"times": None, "status": 503, "headers": {"Retry-After": "0"}})], 3,
                  "server error (HTTP 503)"),
    "invalid-json": (PYTHIA, [(INFO, "invalid_json", {"times": None})], 3, "invalid JSON"),
    "wrong-length": (PYTHIA, [(INFO, "wrong_length", {"times": None})], 3, "invalid JSON"),
    "foreign-redirect": (PYTHIA, [(INFO, "redirect", {"times": None})], 3, "another host"),
    "readme-to-cdn": (PYTHIA, [(README, "redirect", {})], 0, ""),
    "latency-spike": (PYTHIA, [(INFO, "latency", {"delay": 1.0})], 0, ""),
}


def _scan(texts: dict[str, str]) -> None:
    for where, text in texts.items():
        for secret in (HF_SECRET, GH_SECRET, HF_SECRET[3:], GH_SECRET[4:]):
            assert secret not in text, f"token leaked in {where}"


def _files_text(folder: Path) -> dict[str, str]:
    return {str(p): p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_cli_process_against_faulty_hub(hub_server: HubReplayServer, tmp_path: Path,  # noqa: F811
                                        scenario: str) -> None:
    target, faults, expected, fragment = SCENARIOS[scenario]
    for pattern, kind, options in faults:
        hub_server.add_fault(pattern, kind, **options)
    env = subprocess_env(tmp_path / "home", HF_ENDPOINT=hub_server.url, HF_TOKEN=HF_SECRET,
                         GITHUB_TOKEN=GH_SECRET, OPENCHECK_GITHUB_API=hub_server.url)
    reports = tmp_path / "reports"
    cache = tmp_path / "cache"
    args = ["check", target, "--cache-dir", str(cache), "--output-dir", str(reports), "-v"]
    for fmt in FORMATS:
        args += ["-f", fmt]
    result = run_subprocess(args, env, cwd=tmp_path)
    assert result.code == expected, (result.code, result.err)
    assert "Traceback" not in result.err
    if expected == ExitStatus.RUNTIME_ERROR:
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("opencheck: error: "), result.err
        assert fragment in lines[0], lines[0]
    else:
        assert sorted(p.name for p in reports.iterdir()) == sorted(
            ["report.txt", "report.json", "report.md", "report.html", "report.sarif", "report.junit.xml",
             "report.badge.json"])
    # Credentials go only to the Hub's own origin, never to the foreign twin.
    assert all("authorization" not in r.headers for r in hub_server.requests if r.foreign)
    if scenario == "foreign-redirect":
        assert hub_server.count("*", foreign=True) == 0
    _scan({"stdout": result.out, "stderr": result.err, **_files_text(reports), **_files_text(cache)})


def _in_process(server: HubReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                caplog: pytest.LogCaptureFixture, *, timeout: float) -> CliResult:
    """The CLI in-process with a short timeout and no real sleeping (a subprocess would wait 10 s per try)."""
    import opencheck.collect as hub_module

    monkeypatch.setenv("HF_TOKEN", HF_SECRET)
    monkeypatch.setenv("GITHUB_TOKEN", GH_SECRET)
    real_collect = hub_module.collect_hub

    def collect_fast(*args: Any, **kwargs: Any) -> Any:
        # The CLI passes its 10 s default explicitly, so override rather than default.
        kwargs.update(timeout=timeout, retry=fast_retry(max_retries=2))
        return real_collect(*args, **kwargs)

    monkeypatch.setattr(hub_module, "collect_hub", collect_fast)
    out, err = io.StringIO(), io.StringIO()
    env = {"HF_ENDPOINT": server.url, "HF_TOKEN": HF_SECRET, "GITHUB_TOKEN": GH_SECRET,
           "SOURCE_DATE_EPOCH": "1767225600"}
    with caplog.at_level(logging.DEBUG):
        code = main(["check", PYTHIA, "--cache-dir", str(tmp_path / "cache"), "-f", "json"],
                    Environment(stdout=out, stderr=err, env=env, cwd=tmp_path))
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize(
    ("kind", "options", "fragment"),
    [
        ("drip", {"delay": 0.2}, "timed out after 0.5 s"),
        ("reset", {}, "connection"),
        ("truncate", {}, "truncated response"),
        ("hang", {"delay": 3.0}, "timed out after 0.5 s"),
    ],
)
def test_transport_faults_past_the_timeout_end_in_one_line(
        hub_server: HubReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,  # noqa: F811
        caplog: pytest.LogCaptureFixture, kind: str, options: dict[str, object], fragment: str) -> None:
    hub_server.add_fault(INFO, kind, times=None, **options)
    result = _in_process(hub_server, monkeypatch, tmp_path, caplog, timeout=0.5)
    assert result.code == ExitStatus.RUNTIME_ERROR, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "after 3 attempts" in lines[0], result.err
    _scan({"stderr": result.err, "stdout": result.out, "log": caplog.text,
           **{f"log record {i}": r.getMessage() for i, r in enumerate(caplog.records)}})


def test_batch_keeps_tokens_out_of_its_database(hub_server: HubReplayServer, tmp_path: Path) -> None:  # noqa: F811
    import sqlite3

    faults = {"EleutherAI/gpt-neox-20b": ("rate_limit", {"headers": {"Retry-After": "0"}}),
              "bigscience/bloom": ("status", {"status": 502}),
              "allenai/OLMo-7B": ("invalid_json", {}),
              "LLM360/Amber": ("redirect", {})}
    for repo, (kind, options) in faults.items():
        hub_server.add_fault(f"/api/models/{repo}*", kind, times=None, **options)  # type: ignore[arg-type]
    targets = tmp_path / "targets.txt"
    targets.write_text("\n".join([PYTHIA, "nobody/nothing", "meta-llama/Llama-2-7b-hf",
                                   "opencheck-test/private-model", *faults]) + "\n")
    env = subprocess_env(tmp_path / "home", HF_ENDPOINT=hub_server.url, HF_TOKEN=HF_SECRET,
                         GITHUB_TOKEN=GH_SECRET, OPENCHECK_GITHUB_API=hub_server.url)
    db = tmp_path / "batch.sqlite"
    result = run_subprocess(["batch", str(targets), "--db", str(db), "--max-retries", "1", "--backoff", "0",
                             "--timeout", "2", "-j", "4", "--cache-dir", str(tmp_path / "cache")], env, cwd=tmp_path)
    assert result.code in (0, 1, 3), result.err
    assert "Traceback" not in result.err
    rows: dict[str, str] = {}
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for n, row in enumerate(conn.execute(f'SELECT * FROM "{table}"')):
                rows[f"{table} row {n}"] = " ".join(str(v) for v in row)
    assert any(k.startswith("errors") for k in rows), "the failing targets were recorded"
    _scan({"stdout": result.out, "stderr": result.err, **rows, **_files_text(tmp_path / "cache")})
    assert all("authorization" not in r.headers for r in hub_server.requests if r.foreign)
