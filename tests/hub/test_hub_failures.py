"""Every Hub failure ends in one clear SourceError line (exit 3), or a degraded but honest report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.hub.helpers import FakeSleep, collect, fast_retry
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

from opencheck.errors import SourceError
from opencheck.exit_status import ExitStatus

PYTHIA = "EleutherAI/pythia-160m"
PYTHIA_SHA = json.loads((HUB_ROOT / PYTHIA / "model.json").read_text())["sha"]
INFO = f"/api/models/{PYTHIA}"
README = f"/{PYTHIA}/resolve/*/README.md"
LLAMA = "meta-llama/Llama-2-7b-hf"
SECRET = "hf_SECRETfixturetoken0123456789abcdef"


def _fails(server: HubReplayServer, target: str = PYTHIA, **kwargs: object) -> SourceError:
    with pytest.raises(SourceError) as info:
        collect(server, target, None, **kwargs)  # type: ignore[arg-type]
    error = info.value
    assert error.exit_status == ExitStatus.RUNTIME_ERROR
    assert "\n" not in str(error) and str(error)
    assert error.__cause__ is None or isinstance(error.__cause__, SourceError)
    return error


def test_repo_not_found(hub_server: HubReplayServer) -> None:
    error = _fails(hub_server, "nobody/nothing")
    assert "nobody/nothing" in str(error) and "not found" in str(error)


def test_gated_metadata_readable_card_unknown(hub_server: HubReplayServer) -> None:
    evidence = collect(hub_server, LLAMA, None)
    assert hub_server.total == 2
    assert evidence.hub["gated"] == "manual" and evidence.weights.gated
    assert evidence.card is None and evidence.hub["card_status"] == "gated"
    assert any(p.code == "card-gated" for p in evidence.problems)
    assert any(s.raw == "llama2" for s in evidence.licences)  # from the Hub licence tag
    assert evidence.weights.parameters == 6738415616
    assert evidence.target.resolved_sha


def test_gated_is_not_cached_so_access_granted_later_is_seen(hub_server: HubReplayServer, tmp_path: Path) -> None:
    assert collect(hub_server, LLAMA, tmp_path).card is None
    evidence = collect(hub_server, LLAMA, tmp_path, token="hf_fixture_granted_token")
    assert evidence.card is not None and evidence.card.metadata["license"] == "llama2"


def test_private_without_token(hub_server: HubReplayServer) -> None:
    error = _fails(hub_server, "opencheck-test/private-model")
    assert "private" in str(error) and "no token" in str(error)
    evidence = collect(hub_server, "opencheck-test/private-model", None, token="hf_fixture_private_token")
    assert evidence.card is not None


def test_private_with_wrong_token(hub_server: HubReplayServer) -> None:
    error = _fails(hub_server, "opencheck-test/private-model", token=SECRET)
    assert SECRET not in str(error) and "token has no access" in str(error)


def test_revision_not_found(hub_server: HubReplayServer) -> None:
    error = _fails(hub_server, f"{PYTHIA}@no-such-branch")
    assert "revision 'no-such-branch' not found" in str(error)


def test_429_then_success_honours_retry_after(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "rate_limit", headers={"Retry-After": "7"})
    sleep = FakeSleep()
    evidence = collect(hub_server, PYTHIA, None, retry=fast_retry(sleep))
    assert sleep.calls == [7.0]
    assert evidence.requests == hub_server.total == 3


def test_429_honours_ratelimit_header(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "rate_limit", times=2, headers={
        "RateLimit": '"api";r=0;t=4', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
    sleep = FakeSleep()
    collect(hub_server, PYTHIA, None, retry=fast_retry(sleep))
    assert sleep.calls == [4.0, 4.0]


def test_429_storm_exhausts_bounded_retries(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "rate_limit", times=None, headers={"RateLimit": '"api";r=0;t=2'})
    sleep = FakeSleep()
    error = _fails(hub_server, retry=fast_retry(sleep, max_retries=3))
    assert "rate limited" in str(error) and "429" in str(error)
    assert sleep.calls == [2.0, 2.0, 2.0]
    assert hub_server.count(INFO) == 4


def test_429_asking_too_long_a_wait_fails_at_once(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "rate_limit", times=None, headers={"Retry-After": "3600"})
    sleep = FakeSleep()
    error = _fails(hub_server, retry=fast_retry(sleep, max_total_wait=30))
    assert sleep.calls == [] and "3600" in str(error)


def test_429_without_headers_uses_exponential_backoff(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "rate_limit", times=3)
    sleep = FakeSleep()
    collect(hub_server, PYTHIA, None, retry=fast_retry(sleep, base_delay=0.5, max_delay=1.5))
    assert sleep.calls == [0.5, 1.0, 1.5]


def test_5xx_retried_then_success(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "status", status=503, times=2)
    evidence = collect(hub_server, PYTHIA, None)
    assert evidence.requests == 4 and evidence.target.resolved_sha == PYTHIA_SHA


def test_5xx_storm(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "status", status=502, times=None)
    error = _fails(hub_server, retry=fast_retry(max_retries=2))
    assert "server error (HTTP 502)" in str(error)
    assert hub_server.count(INFO) == 3


def test_timeout(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "hang", times=None, delay=5)
    error = _fails(hub_server, timeout=0.3, retry=fast_retry(max_retries=1))
    assert "timed out after 0.3 s" in str(error)
    assert hub_server.count(INFO) == 2


def test_slow_drip_is_bounded_by_the_timeout(hub_server: HubReplayServer) -> None:
    # Each 16-byte chunk arrives well within the read timeout, but the whole README would take minutes.
    hub_server.add_fault(README, "drip", times=None, delay=0.05)
    error = _fails(hub_server, timeout=0.4, retry=fast_retry(max_retries=0))
    assert "timed out" in str(error) and "README.md" in str(error)


def test_connection_reset_retried(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "reset", times=1)
    assert collect(hub_server, PYTHIA, None).target.resolved_sha == PYTHIA_SHA


def test_connection_reset_storm(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "reset", times=None)
    error = _fails(hub_server, retry=fast_retry(max_retries=2))
    assert "connection" in str(error) and "3 attempts" in str(error)


def test_truncated_json(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "truncate", times=None)
    error = _fails(hub_server, retry=fast_retry(max_retries=1))
    assert "truncated" in str(error)


def test_truncated_once_then_fine(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "truncate", times=1)
    assert collect(hub_server, PYTHIA, None).requests == 3


def test_invalid_json(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "invalid_json")
    error = _fails(hub_server)
    assert "invalid JSON" in str(error)


def test_wrong_content_length_on_json(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "wrong_length")
    assert "invalid JSON" in str(_fails(hub_server))


def test_wrong_content_length_on_readme_is_caught_by_checksum(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(README, "wrong_length")
    assert "checksum" in str(_fails(hub_server))


def test_api_redirect_to_foreign_host_not_followed(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(INFO, "redirect")
    error = _fails(hub_server, token=SECRET)
    assert "another host" in str(error) and SECRET not in str(error)
    assert hub_server.count("*", foreign=True) == 0


def test_file_redirect_to_foreign_host_drops_credentials(hub_server: HubReplayServer) -> None:
    hub_server.add_fault(README, "redirect")
    evidence = collect(hub_server, PYTHIA, None, token=SECRET)
    assert evidence.card is not None
    foreign = [r for r in hub_server.requests if r.foreign]
    assert len(foreign) == 1 and "authorization" not in foreign[0].headers
    local = [r for r in hub_server.requests if not r.foreign]
    assert all(r.headers.get("authorization") == f"Bearer {SECRET}" for r in local)
    assert evidence.requests == 3


def test_same_host_redirect_keeps_credentials(hub_server: HubReplayServer) -> None:
    # The Hub redirects renamed repositories on its own host.
    hub_server.add_fault("/api/models/EleutherAI/old-name", "redirect", location=f"{hub_server.url}{INFO}?blobs=true")
    evidence = collect(hub_server, "EleutherAI/old-name", None, token=SECRET)
    assert evidence.target.resolved_sha == PYTHIA_SHA
    assert all(r.headers.get("authorization") == f"Bearer {SECRET}" for r in hub_server.requests)


@pytest.mark.parametrize("scenario", ["not-found", "private", "revision", "429", "5xx", "reset", "truncate",
                                      "invalid", "redirect", "timeout"])
def test_token_never_in_errors(hub_server: HubReplayServer, monkeypatch: pytest.MonkeyPatch,
                               scenario: str) -> None:
    monkeypatch.setenv("HF_TOKEN", SECRET)
    target = {"not-found": "nobody/nothing", "private": "opencheck-test/private-model",
              "revision": f"{PYTHIA}@nope"}.get(scenario, PYTHIA)
    kind = {"429": "rate_limit", "5xx": "status", "reset": "reset", "truncate": "truncate",
            "invalid": "invalid_json", "redirect": "redirect", "timeout": "hang"}.get(scenario)
    if kind:
        hub_server.add_fault(INFO, kind, times=None, delay=2)
    error = _fails(hub_server, target, timeout=0.3, retry=fast_retry(max_retries=1))
    assert SECRET not in str(error) and SECRET not in repr(error)
    assert all(r.headers.get("authorization") == f"Bearer {SECRET}" for r in hub_server.requests if not r.foreign)


def test_cannot_connect(tmp_path: Path) -> None:
    from opencheck.collect import collect_hub
    from opencheck.sources.hub_target import parse_hub_target

    with HubReplayServer() as server:
        url = server.url
    with pytest.raises(SourceError, match="cannot connect"):
        collect_hub(parse_hub_target(PYTHIA), endpoint=url, use_cache=False, retry=fast_retry(max_retries=1))


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://example.com", "http://"])
def test_bad_endpoint_is_a_usage_error(endpoint: str) -> None:
    from opencheck.collect import collect_hub
    from opencheck.errors import UsageError
    from opencheck.sources.hub_target import parse_hub_target

    with pytest.raises(UsageError, match="invalid Hub endpoint"):
        collect_hub(parse_hub_target(PYTHIA), endpoint=endpoint, use_cache=False)
