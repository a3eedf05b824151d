"""`opencheck history` against the replay Hub: opencheck-test/history-model has five commits (config-only update,
licence swap, dataset removed, card rewritten); Pythia's step branches are the checkpoints."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

from opencheck._resources import schema_path

MODEL = "opencheck-test/history-model"
COMMITS = json.loads((HUB_ROOT / MODEL / "commits.json").read_text())  # newest first
SHAS = [c["id"] for c in reversed(COMMITS)]  # oldest first


def _env(server: HubReplayServer) -> dict[str, str]:
    return {"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url, "HF_HUB_DISABLE_TELEMETRY": "1"}


def _history(server: HubReplayServer, tmp_path: Path, *args: str) -> dict[str, Any]:
    result = run_cli(["history", MODEL, "-f", "json", "--cache-dir", str(tmp_path / "cache"), *args],
                     env=_env(server))
    assert result.code == 0, result.err
    data = json.loads(result.out)
    jsonschema.validate(data, json.loads(schema_path("history.schema.json").read_text()))
    return data


def _change(rev: dict[str, Any], kind: str, subject: str) -> dict[str, Any]:
    return next(c for c in rev["changes"] if c["kind"] == kind and c["subject"] == subject)


def test_each_commit_graded_with_licence_dataset_and_card_changes(hub_server: HubReplayServer,
                                                                 tmp_path: Path) -> None:
    data = _history(hub_server, tmp_path)
    revs = data["revisions"]
    assert [r["sha"] for r in revs] == SHAS
    assert revs[0]["title"] == "Initial upload"
    # Releases are named: the tags and branch heads that point at a listed commit.
    assert [r["names"] for r in revs] == [["v0.1"], [], ["v1.0"], [], ["main"]]
    # The licence swap: the weights licence fact, the grade and the rule, each with evidence at both revisions.
    # (`license: other` + `license_name: research-only` is the licence table's research-only licence.)
    assert revs[1]["facts"]["weights_licence"] == "LicenseRef-opencheck-research-only"
    assert revs[2]["facts"]["weights_licence"] == "Apache-2.0"
    licence = _change(revs[2], "licence-more-open", "Model parameters (Final)")
    assert any("research-only" in line for line in licence["evidence"]["old"])
    assert any("README.md:2" in line for line in licence["evidence"]["new"])
    grade = _change(revs[2], "grade-rose", "osaid")
    assert grade["old"] == "fail" and "OC-OSAID-PARAMETERS-TERMS: fail" in grade["evidence"]["old"]
    assert "OC-OSAID-PARAMETERS-TERMS: pass" in grade["evidence"]["new"]
    rule = _change(revs[2], "rule-changed", "osaid/OC-OSAID-PARAMETERS-TERMS")
    assert (rule["old"], rule["new"]) == ("fail", "pass")
    # The dataset removed: named with where the old card named it.
    assert revs[3]["facts"]["datasets"] == ["EleutherAI/pile"]
    removed = _change(revs[3], "dataset-removed", "tiiuae/falcon-refinedweb")
    assert removed["evidence"]["old"] == ["README.md:3 [datasets]"] and removed["evidence"]["new"] == []
    # The card rewritten: the hyperparameters rule now fails, quoting the old card's line.
    hyper = _change(revs[4], "rule-changed", "open-training/OC-OPEN-TRAINING-HYPERPARAMETERS-CORE")
    assert hyper["new"] == "fail" and any("learning rate 3e-4" in line for line in hyper["evidence"]["old"])
    assert data["summary"]["first"]["osaid"] == "fail" and data["summary"]["last"]["osaid"] == "pass"


def test_unchanged_card_and_files_reuse_the_evaluation(hub_server: HubReplayServer, tmp_path: Path) -> None:
    data = _history(hub_server, tmp_path)
    second = data["revisions"][1]
    assert second["reused_from"] == SHAS[0] and second["changes"] == []
    assert second["grades"] == data["revisions"][0]["grades"]
    # Its model info was read (to see that nothing changed) but its README was not downloaded.
    assert hub_server.count(f"/api/models/{MODEL}/revision/{SHAS[1]}") == 1
    assert hub_server.count(f"/{MODEL}/resolve/{SHAS[1]}/README.md") == 0
    assert data["summary"]["reused"] == 1 and data["summary"]["evaluated"] == 4
    # The count in the report is every request the server saw.
    assert data["requests"]["total"] == hub_server.total
    assert data["requests"]["listing"] == 2  # the commit listing and the refs (which name the releases)


def test_cached_second_run_costs_only_the_listing(hub_server: HubReplayServer, tmp_path: Path) -> None:
    first = _history(hub_server, tmp_path)
    hub_server.reset_counts()
    again = _history(hub_server, tmp_path)
    assert again["requests"]["total"] == hub_server.total == 2  # the listing and refs; every sha is cached
    assert again["revisions"] == [{**r, "requests": 0} for r in first["revisions"]]


def test_commits_are_paged_and_limit_stops_listing_early(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.state.commits_page_size = 2
    data = _history(hub_server, tmp_path / "a")
    assert [r["sha"] for r in data["revisions"]] == SHAS
    assert hub_server.count(f"/api/models/{MODEL}/commits/main") == 3
    hub_server.reset_counts()
    limited = _history(hub_server, tmp_path / "b", "--limit", "1")
    assert [r["sha"] for r in limited["revisions"]] == SHAS[-1:]
    assert limited["selection"] == {"since": None, "limit": 1, "truncated": True}
    assert hub_server.count(f"/api/models/{MODEL}/commits/main") == 1  # the second page was never needed


def test_a_next_link_back_to_a_listed_page_stops_with_one_line(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault(f"/api/models/{MODEL}/commits/*", "link_self", times=None)
    result = run_cli(["history", MODEL, "--no-cache"], env=_env(hub_server))
    assert result.code == 3
    assert result.err.count("\n") == 1 and "points back to a page already listed" in result.err
    assert hub_server.count(f"/api/models/{MODEL}/commits/*") == 1


def test_since_and_explicit_revisions(hub_server: HubReplayServer, tmp_path: Path) -> None:
    since = _history(hub_server, tmp_path, "--since", "2024-03-01")
    assert [r["sha"] for r in since["revisions"]] == SHAS[2:]
    assert since["selection"]["since"] == "2024-03-01"
    chosen = _history(hub_server, tmp_path, "--revisions", f"{SHAS[0]},main")
    assert [r["sha"] for r in chosen["revisions"]] == [SHAS[0], SHAS[-1]]
    assert chosen["target"]["mode"] == "revisions" and chosen["revisions"][1]["names"] == ["main"]
    kinds = {c["kind"] for c in chosen["revisions"][1]["changes"]}
    assert {"licence-more-open", "dataset-removed", "rule-changed"} <= kinds


def test_checkpoint_branches_in_step_order(hub_server: HubReplayServer, tmp_path: Path) -> None:
    result = run_cli(["history", "EleutherAI/pythia-160m", "--checkpoints", "--limit", "3", "-f", "json",
                      "--no-cache", "--lookup", "none"], env=_env(hub_server))
    assert result.code == 0, result.err
    data = json.loads(result.out)
    # Natural order: step141000 < step142000 < step143000 (not the string order of all 154 branches).
    assert [r["names"] for r in data["revisions"]] == [["step141000"], ["step142000"], ["step143000"]]
    assert data["target"]["mode"] == "checkpoints" and data["selection"]["truncated"] is True
    # Every branch serves the same card and files here: one evaluation, the others reuse it.
    assert data["summary"]["evaluated"] == 1 and data["summary"]["reused"] == 2


def test_same_input_same_bytes_in_every_format(hub_server: HubReplayServer, tmp_path: Path) -> None:
    for fmt in ("text", "json", "markdown", "html"):
        outs = [run_cli(["history", MODEL, "-f", fmt, "--no-cache"], env=_env(hub_server)) for _ in range(2)]
        assert outs[0].code == 0 and outs[0].out == outs[1].out, fmt


def test_html_timeline_is_inert_and_marks_the_licence_change(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    shutil.copytree(HUB_ROOT, root)
    commits = json.loads((root / MODEL / "commits.json").read_text())
    commits[2]["title"] = '<script>alert(1)</script> "><img src=x onerror=alert(2)> \x1b[31mred'
    (root / MODEL / "commits.json").write_text(json.dumps(commits))
    with HubReplayServer(root) as server:
        result = run_cli(["history", MODEL, "-f", "html", "-o", str(tmp_path / "h.html"), "--no-cache"],
                         env=_env(server))
    assert result.code == 0, result.err
    assert result.err == "opencheck: wrote h.html\n" or result.err.endswith("h.html\n")
    page = (tmp_path / "h.html").read_text()
    assert "<script" not in page.lower() and "<img" not in page.lower() and "\x1b" not in page
    assert "&lt;script&gt;" in page
    assert page.count("<svg") == 1 and 'class="licence-change"' in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)  # no external resource


@pytest.mark.parametrize(("args", "needle"), [
    (["--since", "2024-13-01"], "--since: expected a date"),
    (["--revisions", "main", "--checkpoints"], "cannot be combined"),
    (["--revisions", "main,,x"], "empty revision name"),
])
def test_usage_errors_exit_2(hub_server: HubReplayServer, args: list[str], needle: str) -> None:
    result = run_cli(["history", MODEL, *args], env=_env(hub_server))
    assert result.code == 2 and needle in result.err and result.err.count("\n") == 1
    assert hub_server.total == 0


def test_unknown_repo_and_revision_exit_3(hub_server: HubReplayServer) -> None:
    missing = run_cli(["history", "nobody/nothing", "--no-cache"], env=_env(hub_server))
    assert missing.code == 3 and "not found" in missing.err and missing.err.count("\n") == 1
    bad = run_cli(["history", MODEL, "--revisions", "no-such-branch", "--no-cache"], env=_env(hub_server))
    assert bad.code == 3 and "revision 'no-such-branch' not found" in bad.err and bad.err.count("\n") == 1


def test_an_empty_selection_says_so(hub_server: HubReplayServer) -> None:
    result = run_cli(["history", MODEL, "--since", "2030-01-01", "--no-cache", "-f", "json"], env=_env(hub_server))
    assert result.code == 0
    assert result.err == f"opencheck: warning: {MODEL}: no revision matches the selection\n"
    assert json.loads(result.out)["summary"]["revisions"] == 0


def test_pages_are_bounded_and_stay_on_the_hub(hub_server: HubReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_server.state.commits_page_size = 1
    monkeypatch.setattr("opencheck.sources.hub_commits.MAX_COMMIT_PAGES", 2)
    bounded = run_cli(["history", MODEL, "--no-cache"], env=_env(hub_server))
    assert bounded.code == 3 and "more than 2 pages" in bounded.err
    assert hub_server.count(f"/api/models/{MODEL}/commits/*") == 2
    monkeypatch.undo()
    hub_server.reset_counts()
    hub_server.add_fault(f"/api/models/{MODEL}/commits/*", "extra_headers",
                         headers={"Link": f'<{hub_server.foreign_url}/api/models/{MODEL}/commits/main?p=1>; '
                                          'rel="next"'})
    foreign = run_cli(["history", MODEL, "--no-cache", "--token", "hf_secret_token_value"], env=_env(hub_server))
    assert foreign.code == 3 and "next page is on another host" in foreign.err
    assert hub_server.count("*", foreign=True) == 0  # neither the request nor the token went there


def test_olmo_step_and_token_branches(hub_server: HubReplayServer) -> None:
    result = run_cli(["history", "allenai/OLMo-7B", "--checkpoints", "-f", "json", "--no-cache", "--lookup", "none"],
                     env=_env(hub_server))
    assert result.code == 0, result.err
    names = [r["names"] for r in json.loads(result.out)["revisions"]]
    assert names == [["step1000-tokens4B"], ["step2000-tokens9B"], ["step556000-tokens2460B"]]


def test_offline_is_refused_before_any_request(hub_server: HubReplayServer) -> None:
    result = run_cli(["history", MODEL], env={**_env(hub_server), "HF_HUB_OFFLINE": "1"})
    assert result.code == 2 and "cannot run offline" in result.err and hub_server.total == 0
