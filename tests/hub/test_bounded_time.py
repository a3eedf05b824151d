"""Every network exchange ends in bounded time and memory (issue 20, class 6): a whole-request deadline even
when headers drip, a listing whose next page points back is stopped, hostile rate-limit headers parse in
linear time, and an announced oversized body is refused before it is read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.hub.helpers import FakeSleep, collect, fast_retry
from tests.hubreplay.server import HubReplayServer

from opencheck.batch.limiter import SharedLimiter
from opencheck.errors import SourceError
from opencheck.exit_status import ExitStatus
from opencheck.sources.http_limits import link_next, parse_ratelimit, server_wait, timeout_from_env

PYTHIA = "EleutherAI/pythia-160m"
INFO = f"/api/models/{PYTHIA}"


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("opencheck: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_header_drip_is_bounded_by_the_request_deadline(hub_server: HubReplayServer) -> None:
    # Fixed: httpx's read timeout restarts with every byte, so a byte every 0.2 s of headers never timed out.
    hub_server.add_fault(INFO, "header_drip", times=None, delay=0.2)
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        collect(hub_server, PYTHIA, None, timeout=0.6, retry=fast_retry(max_retries=1))
    assert time.monotonic() - started < 5
    assert "timed out after 0.6 s" in str(info.value) and "(after 2 attempts)" in str(info.value)
    assert hub_server.count(INFO) == 2


def test_header_drip_through_the_cli_ends_with_one_line_and_exit_3(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "header_drip", times=None, delay=0.5)
    started = time.monotonic()
    result = run_cli(["check", PYTHIA, "-p", "mof", "--no-cache"],
                     env={"HF_ENDPOINT": hub_server.url, "OPENCHECK_TIMEOUT": "0.5"})
    assert time.monotonic() - started < 15  # 4 attempts of 0.5 s and the 1+2+4 s backoffs
    assert result.code == ExitStatus.RUNTIME_ERROR
    assert "timed out after 0.5 s" in _one_error_line(result.err)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e9", "nan"])
def test_bad_timeout_variable_is_a_usage_error(value: str) -> None:
    result = run_cli(["check", PYTHIA, "-p", "mof"], env={"OPENCHECK_TIMEOUT": value})
    assert result.code == ExitStatus.USAGE_ERROR
    assert "OPENCHECK_TIMEOUT" in _one_error_line(result.err)
    assert timeout_from_env({}) == 10.0 and timeout_from_env({"OPENCHECK_TIMEOUT": "2.5"}) == 2.5


def test_huge_ratelimit_digits_are_a_rate_limit_not_a_crash(hub_server: HubReplayServer) -> None:
    # Fixed: int() of a 60 KB run of digits raised ValueError (Python's 4300-digit limit): a traceback.
    hub_server.add_fault(INFO, "rate_limit", times=None, headers={"RateLimit": '"api";r=' + "9" * 60_000 + ";t=1"})
    sleep = FakeSleep()
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        collect(hub_server, PYTHIA, None, retry=fast_retry(sleep, max_retries=2))
    assert time.monotonic() - started < 5
    assert "rate limited" in str(info.value)


def test_60kb_ratelimit_header_parses_in_linear_time() -> None:
    # Fixed: the limiter's `"?[\w-]+"?...` regex backtracked quadratically: minutes for 60 KB of word characters.
    limiter = SharedLimiter(sleep=FakeSleep())
    started = time.monotonic()
    for hostile in ("a" * 60_000, "-" * 60_000 + ";r=1", '"' + "a" * 60_000, ";r=" * 20_000, "<" * 60_000):
        limiter.observe(200, {"RateLimit": hostile, "Retry-After": hostile, "Link": hostile})
        limiter.observe(429, {"RateLimit": hostile, "Retry-After": hostile})
        assert parse_ratelimit(hostile) is None and link_next(hostile) is None
    assert time.monotonic() - started < 1.0
    assert limiter.rate_limited == 5


def test_rate_limit_header_forms() -> None:
    assert parse_ratelimit('"api";r=0;t=4') == (0, 4) and parse_ratelimit("api;r=7;t=9, x") == (7, 9)
    assert parse_ratelimit('"api";r=1') is None and parse_ratelimit(None) is None
    assert server_wait({"ratelimit": '"api";r=0;t=4'}) == 4.0 and server_wait({"retry-after": "1.5"}) == 1.5
    assert server_wait({"retry-after": "9" * 60_000}) is None  # past the cap: not believed, not parsed
    assert link_next('<https://h/api/models?cursor=x&expand=a,b>; rel="next"') == \
        "https://h/api/models?cursor=x&expand=a,b"
    assert link_next('<https://h/p1>; rel="prev", <https://h/p3>; rel=next') == "https://h/p3"


def test_announced_oversized_body_is_refused_before_reading(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "extra_headers", times=None, headers={"Content-Length": "10000000000"})
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        collect(hub_server, PYTHIA, None)
    assert time.monotonic() - started < 5
    assert "larger than" in str(info.value)


def _batch(server: HubReplayServer, tmp: Path, *args: str) -> tuple[int, str]:
    """Run a batch; return its exit code and its one error line (batch also prints its summary line)."""
    result = run_cli(["batch", *args, "--no-cache", "--pack", "mof"], cwd=tmp, env={"HF_ENDPOINT": server.url})
    errors = [line for line in result.err.splitlines() if line.startswith("opencheck: error: ")]
    assert len(errors) == 1 and "Traceback" not in result.err, result.err
    return result.code, errors[0]


def test_listing_whose_next_page_points_back_stops(tmp_path: Path) -> None:
    # Fixed: a Link rel="next" back to the page just read was followed forever.
    with HubReplayServer(synthetic_count=120) as server:
        server.add_fault("/api/models", "link_self", times=None)
        code, err = _batch(server, tmp_path, "--db", str(tmp_path / "a.sqlite"), "--author", "synthetic")
        assert code == ExitStatus.RUNTIME_ERROR
        assert "points back to a page already listed" in err
        assert server.count("/api/models") == 1


def test_listing_cycle_over_two_pages_stops(tmp_path: Path) -> None:
    with HubReplayServer(synthetic_count=120) as server:
        first = f"{server.url}/api/models?author=synthetic"
        # Page 1 is real (it links to page 2); page 2 links back to page 1.
        server.add_fault("/api/models", "latency", times=1)
        server.add_fault("/api/models", "extra_headers", times=None, headers={"Link": f'<{first}>; rel="next"'})
        code, err = _batch(server, tmp_path, "--db", str(tmp_path / "a.sqlite"), "--author", "synthetic")
        assert code == ExitStatus.RUNTIME_ERROR, err
        assert "points back to a page already listed" in err
        assert server.count("/api/models") <= 3


def test_listing_pages_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import opencheck.batch.targets as targets

    monkeypatch.setattr(targets, "MAX_LISTING_PAGES", 2)
    with HubReplayServer(synthetic_count=120) as server:
        code, err = _batch(server, tmp_path, "--db", str(tmp_path / "a.sqlite"), "--author", "synthetic")
        assert code == ExitStatus.RUNTIME_ERROR
        assert "more than 2 pages" in err
        assert server.count("/api/models") == 2


def test_proxy_transports_from_the_environment_get_the_deadline_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fixed: a NO_PROXY entry (a None transport) made building the client fail.
    from opencheck.sources.hub_http import make_http_client

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "localhost")
    client = make_http_client(1.0)
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
    assert len(transports) == 3
    assert {type(t._pool._network_backend).__name__ for t in transports} == {"_DeadlineBackend"}
    client.close()
