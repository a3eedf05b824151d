"""The arXiv look-up: each linked paper's licence from OAI-PMH, through the replay server (OPENCHECK_ARXIV_API)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.detect import enrich
from opencheck.detect.papers import NONEXCLUSIVE, arxiv_id, licence_id
from opencheck.evidence import Evidence, LicenceStatement, Provenance, Target, TargetKind
from opencheck.sources.arxiv import parse_record
from opencheck.sources.card import parse_card

OAI = "/oai2"


def _check(hub: HubReplayServer, tmp_path: Path, *args: str) -> dict:
    result = run_cli(["check", *args, "--cache-dir", str(tmp_path / "cache"), "-f", "json", "--no-references"],
                     cwd=tmp_path, env={"HF_ENDPOINT": hub.url, "OPENCHECK_GITHUB_API": hub.url,
                                        "OPENCHECK_ARXIV_API": f"{hub.url}/oai2"})
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _oai_requests(hub: HubReplayServer) -> list[str]:
    return [r.query for r in hub.requests if r.path == OAI]


def test_paper_licence_feeds_research_paper_and_counts_requests(hub_server: HubReplayServer, tmp_path: Path) -> None:
    report = _check(hub_server, tmp_path, "EleutherAI/pythia-160m", "-p", "mof")
    queries = _oai_requests(hub_server)
    # The card links 2304.01373 (Pythia) and 2101.00027 (the Pile); its Hub tags add 2201.07311.
    assert sorted(q.split("identifier=")[1].split("&")[0] for q in queries) == [
        "oai%3AarXiv.org%3A2101.00027", "oai%3AarXiv.org%3A2201.07311", "oai%3AarXiv.org%3A2304.01373"]
    assert all("verb=GetRecord" in q and "metadataPrefix=arXiv" in q for q in queries)
    assert report["target"]["requests"] == hub_server.total
    paper = next(c for c in report["components"] if c["name"] == "Research paper")
    assert paper["licence"] == "CC-BY-4.0" and paper["open"] is True
    assert paper["licence_source"] == "license <https://arxiv.org/abs/2304.01373>: arXiv licence of 2304.01373"
    result = next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == "OC-MOF-RESEARCH-PAPER")
    assert result["status"] in ("pass", "warn")


def test_no_licence_means_arxivs_own_which_is_not_open(hub_server: HubReplayServer, tmp_path: Path) -> None:
    report = _check(hub_server, tmp_path, "EleutherAI/gpt-neox-20b", "-p", "mof")
    paper = next(c for c in report["components"] if c["name"] == "Research paper")
    assert paper["licence"] == NONEXCLUSIVE and paper["open"] is False
    # 2104.09864 (RoPE) has no record on the replay server: said so, as information.
    assert any(p["code"] == "arxiv-not-found" and "2104.09864" in p["message"] for p in report["problems"])


def test_answers_are_cached_for_a_day_a_missing_record_too(hub_server: HubReplayServer, tmp_path: Path) -> None:
    _check(hub_server, tmp_path, "EleutherAI/gpt-neox-20b", "-p", "mof")
    looked_up = len(_oai_requests(hub_server))
    assert looked_up >= 4
    hub_server.reset_counts()
    warm = _check(hub_server, tmp_path, "EleutherAI/gpt-neox-20b", "-p", "mof")
    assert _oai_requests(hub_server) == []
    assert warm["target"]["requests"] == hub_server.total  # the model info (and the Hub's own uncached misses)
    assert any(p["code"] == "arxiv-not-found" for p in warm["problems"])


def test_no_lookups_and_packs_without_paper_rules_skip_it(hub_server: HubReplayServer, tmp_path: Path) -> None:
    _check(hub_server, tmp_path, "EleutherAI/pythia-160m", "--no-lookups")
    assert _oai_requests(hub_server) == []


def test_server_error_is_a_problem_not_a_failure(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault(OAI, "status", status=404, times=None)  # not retried: a mirror without OAI-PMH
    report = _check(hub_server, tmp_path, "EleutherAI/pythia-160m", "-p", "mof")
    assert any(p["code"] == "arxiv-unavailable" for p in report["problems"])
    paper = next(c for c in report["components"] if c["name"] == "Research paper")
    assert paper["status"] == "present" and paper["licence"] is None


def test_report_link_on_arxiv_takes_the_papers_licence() -> None:
    card, _ = parse_card("---\nlicense: apache-2.0\n---\n# M\n\nSee our [technical report]"
                         "(https://arxiv.org/abs/2312.06550v2).\n")
    ev = Evidence(target=Target(kind=TargetKind.HUB, id="o/m"), card=card)
    ev.licences.append(LicenceStatement(raw="CC-BY-4.0", scope="paper", provenance=Provenance(
        url="https://arxiv.org/abs/2312.06550", key="license", note="arXiv licence of 2312.06550")))
    enrich(ev)
    assert ev.components["Technical report"].licence is not None
    assert ev.components["Technical report"].licence.raw == "CC-BY-4.0"


@pytest.mark.parametrize(("url", "spdx"), [
    ("http://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0"),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0"),
    ("http://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", NONEXCLUSIVE),
    (None, NONEXCLUSIVE),
    ("https://example.org/odd", "https://example.org/odd"),
])
def test_licence_urls(url: str | None, spdx: str) -> None:
    assert licence_id(url) == spdx


def test_ids_and_records() -> None:
    assert arxiv_id("https://arxiv.org/pdf/2304.01373.pdf") == "2304.01373"
    assert arxiv_id("https://arxiv.org/abs/2312.06550v2") == "2312.06550"
    assert arxiv_id("https://arxiv.org/abs/hep-th/9901001") == "hep-th/9901001"
    assert arxiv_id("https://example.org/abs/2304.01373") is None
    ok = (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><metadata>'
          b'<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><license>http://creativecommons.org/licenses/by/4.0/'
          b"</license></arXiv></metadata></record></GetRecord></OAI-PMH>")
    assert parse_record(ok)["license"] == "http://creativecommons.org/licenses/by/4.0/"
    missing = b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="idDoesNotExist"/></OAI-PMH>'
    assert parse_record(missing) == {"status": "not-found"}
    for bad in (b"not xml", b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badVerb"/>'
                b"</OAI-PMH>", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'):
        with pytest.raises(ValueError):
            parse_record(bad)


def test_batch_runs_it_as_check_does_and_skips_it_behind_no_lookup(hub_server: HubReplayServer,
                                                                    tmp_path: Path) -> None:
    from tests.batch.helpers import rows, write_targets

    targets = write_targets(tmp_path / "t.txt", ["EleutherAI/pythia-160m"])
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_ARXIV_API": f"{hub_server.url}/oai2",
           "OPENCHECK_GITHUB_API": hub_server.url}
    plain = run_cli(["batch", str(targets), "--db", str(tmp_path / "a.sqlite"), "-p", "mof", "--no-cache", "-j", "1",
                     "--no-lookup", "arxiv"], cwd=tmp_path, env=env)
    assert plain.code == 0, plain.err
    assert _oai_requests(hub_server) == []
    # The default (auto) runs the look-ups the rules read, in batch as in check.
    looked = run_cli(["batch", str(targets), "--db", str(tmp_path / "b.sqlite"), "-p", "mof", "--no-cache",
                      "-j", "1"], cwd=tmp_path, env=env)
    assert looked.code == 0, looked.err
    assert len(_oai_requests(hub_server)) == 3
    report = json.loads(rows(tmp_path / "b.sqlite", "SELECT report FROM reports")[0][0])
    paper = next(c for c in report["components"] if c["name"] == "Research paper")
    assert paper["licence"] == "CC-BY-4.0"
