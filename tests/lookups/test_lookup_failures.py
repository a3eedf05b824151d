"""A look-up that fails never changes a verdict silently (issue 13 item 1, issue 23 item 1).

Every optional look-up (refs, datasets, GitHub licence) failing in every way, through the CLI: the report is
still written, the facts it would give are unknown (rules inconclusive, grades bounded), every format's
headline says look-ups failed, stderr warns once, and --strict-lookups exits 3 after writing the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.hubreplay.server import HubReplayServer
from tests.lookups.helpers import (
    FED_RULE,
    LOOKUP_PATHS,
    PYTHIA,
    PYTHIA_SHA,
    closed_port_url,
    grade,
    opencheck,
    result,
)

from opencheck._resources import schema_path

SCHEMA = json.loads(schema_path("report.schema.json").read_text())
MODES = ("refused", "timeout", "rate-limit-403", "http-500", "invalid-json")


def _break(hub: HubReplayServer, tmp: Path, lookup: str, mode: str) -> tuple[list[str], str | None, str]:
    """Make one look-up fail in one way; returns (target args, GitHub URL, Hub URL to use)."""
    path = LOOKUP_PATHS[lookup]
    if mode == "refused":
        if lookup == "github":
            return [PYTHIA], closed_port_url(), hub.url
        # The Hub itself refuses: warm the cache for a pinned commit with the other look-ups, so the core check
        # and they need no request and only this look-up goes to the dead host.
        others = [a for name in LOOKUP_PATHS if name != lookup for a in ("--lookup", name)]
        warm = opencheck(["check", f"{PYTHIA}@{PYTHIA_SHA}", *others, "-f", "json"], hub, tmp, cache=True)
        assert warm.code == 0, warm.err
        return [f"{PYTHIA}@{PYTHIA_SHA}"], hub.url, closed_port_url()
    if mode == "timeout":
        hub.add_fault(path, "hang", delay=3.0, times=None)
    elif mode == "rate-limit-403":
        hub.add_fault(path, "status", status=403, times=None,
                      headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1767229200"})
    elif mode == "http-500":
        hub.add_fault(path, "status", status=500, times=None)
    else:
        hub.add_fault(path, "invalid_json", times=None)
    return [PYTHIA], None, hub.url


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lookup", ["refs", "datasets", "github"])
def test_failed_lookup_leaves_facts_unknown_and_still_writes_the_report(
        hub_server: HubReplayServer, tmp_path: Path, lookup: str, mode: str) -> None:
    target, github, hub = _break(hub_server, tmp_path, lookup, mode)
    # mof: its provenance mix (notes, keys, URLs) once crashed the problem sort; open-training reads each look-up.
    run = opencheck(["check", *target, "-p", "mof", "-p", "open-training", "-f", "json", "--timeout", "0.5"],
                    hub, tmp_path, github=github, arxiv=f"{hub_server.url}/oai2",  # the Hub may be dead, not arXiv
                    cache=mode == "refused" and lookup != "github")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    report = run.json()
    jsonschema.validate(report, SCHEMA)
    assert report["lookups"]["failed"] == [lookup]
    assert lookup in report["lookups"]["ran"]
    assert report["lookups"]["failures"] and all(f["lookup"] == lookup for f in report["lookups"]["failures"])
    assert any(p["code"].endswith("-unavailable") for p in report["problems"])
    fed = result(report, FED_RULE[lookup])
    assert fed["status"] == "inconclusive", fed["message"]
    assert fed["unknown_facts"]
    # One warning line on stderr, saying look-ups failed.
    warnings = [line for line in run.err.splitlines() if "look-up" in line]
    assert len(warnings) == 1 and warnings[0].startswith("opencheck: warning:")


@pytest.mark.parametrize("lookup", ["refs", "datasets", "github"])
def test_with_the_lookup_working_the_same_rule_decides(hub_server: HubReplayServer, tmp_path: Path,
                                                       lookup: str) -> None:
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "json"], hub_server, tmp_path)
    assert run.code == 0, run.err
    report = run.json()
    assert report["lookups"] == {"ran": ["refs", "datasets", "github"], "failed": [], "failures": []}
    assert result(report, FED_RULE[lookup])["status"] in ("pass", "fail")
    assert "look-up" not in run.err


def test_refused_github_fails_fast_without_retries(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "json"], hub_server, tmp_path,
                    github=closed_port_url())
    assert run.code == 0, run.err
    assert run.sleeps == []  # no back-off: a refused connection is not retried
    failures = run.json()["lookups"]["failures"]
    # Every linked repository is reported, its licence and its file tree, the later ones without a request.
    assert len(failures) == 6
    assert all("cannot connect" in f["message"] for f in failures)
    repos = {f["subject"] for f in failures}
    assert len(repos) == 3
    for what in ("GitHub licence of", "GitHub file tree of"):
        assert {f["subject"] for f in failures if f["message"].startswith(what)} == repos


def test_rate_limited_github_is_asked_once(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault("/repos/*", "status", status=403, times=None, headers={"x-ratelimit-remaining": "0"})
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "json"], hub_server, tmp_path)
    assert run.code == 0, run.err
    # The limit is spent: the other repositories are not asked, nor any file tree.
    assert hub_server.count("/repos/*") == 1
    failures = run.json()["lookups"]["failures"]
    assert len(failures) == 6 and all("rate limited" in f["message"] for f in failures)


def test_unreachable_github_grades_undetermined_not_fail(hub_server: HubReplayServer, tmp_path: Path) -> None:
    up = opencheck(["check", PYTHIA, "-f", "json"], hub_server, tmp_path).json()
    down = opencheck(["check", PYTHIA, "-f", "json"], hub_server, tmp_path, github=closed_port_url()).json()
    assert grade(up, "osaid")["value"] == "pass" and grade(up, "open-training")["value"] == "B"
    osaid = grade(down, "osaid")
    # Unknown facts could make OSAID pass or fail: the grade says so instead of reading them as "no licence".
    assert osaid["value"] == "undetermined"
    assert osaid["if_unknown"] == {"unfavourable": "fail", "favourable": "pass"}
    # The 3 code components the linked repositories' licences and file trees show (data preprocessing code is
    # found only in a tree: with GitHub down it is unknown, not missing).
    assert osaid["unknown_facts"] == ["Data preprocessing code", "Evaluation code", "Training code"]
    assert osaid["label"].startswith("undetermined (3 facts unknown: pass if favourable, fail if not")
    assert grade(down, "open-training")["if_unknown"] == {"unfavourable": "D", "favourable": "B"}
    # MOF is Class III either way (Class III needs none of the unknown code facts): the grade stands, with its
    # unknown facts counted.
    mof = grade(down, "mof")
    assert mof["value"] == "III" and mof["label"] == "Class III - Open Model (3 facts unknown)"
    assert mof["unknown_facts"] == ["Data preprocessing code", "Evaluation code", "Training code"]
    assert down["summary"]["grades"]["osaid"] == "undetermined"


def test_undetermined_grade_does_not_pass_a_gate(hub_server: HubReplayServer, tmp_path: Path) -> None:
    down = closed_port_url()
    run = opencheck(["check", PYTHIA, "-p", "osaid", "--fail-under", "osaid=pass", "-f", "json"], hub_server,
                    tmp_path, github=down)
    assert run.code == 1, run.err
    assert run.json()["gates"][0]["passed"] is False
    index = opencheck(["check", PYTHIA, "-p", "osai-index", "--fail-under", "osai-index=0.8", "-f", "json"],
                      hub_server, tmp_path, github=down)
    assert index.code == 1, index.err  # numeric grade: gated on its unfavourable bound (0.727), not a crash


def test_strict_lookups_exits_3_after_writing_the_report(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "json", "-o", "r.json", "--strict-lookups"],
                    hub_server, tmp_path, github=closed_port_url())
    assert run.code == 3
    assert json.loads((tmp_path / "r.json").read_text())["lookups"]["failed"] == ["github"]
    lines = [line for line in run.err.splitlines() if "look-up" in line]  # (the other line: report written)
    # 3 linked repositories, each with its licence and its file tree
    assert len(lines) == 1 and lines[0].startswith("opencheck: error: 6 look-ups failed (github)")
    assert lines[0].endswith("(--strict-lookups)")
    ok = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "json", "--strict-lookups"], hub_server, tmp_path)
    assert ok.code == 0, ok.err


@pytest.mark.parametrize("fmt,needle", [  # 6: the licence and the file tree of each of 3 linked repositories
    ("text", "warning: 6 look-ups failed (github)"),
    ("markdown", "**6 look-ups failed (github)"),
    ("html", "6 look-ups failed (github)"),
    ("sarif", "6 look-ups failed (github)"),
    ("junit", 'name="lookups-failed" value="6 look-ups failed (github)'),
    ("json", '"failed": [\n      "github"\n    ]'),
])
def test_every_format_headline_says_lookups_failed(hub_server: HubReplayServer, tmp_path: Path, fmt: str,
                                                   needle: str) -> None:
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", fmt], hub_server, tmp_path,
                    github=closed_port_url())
    assert run.code == 0, run.err
    assert needle in run.out
    clean = opencheck(["check", PYTHIA, "-p", "open-training", "-f", fmt], hub_server, tmp_path)
    assert "look-ups failed" not in clean.out and "lookups-failed" not in clean.out


def test_sarif_reports_the_failure_as_a_tool_notification(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = opencheck(["check", PYTHIA, "-p", "open-training", "-f", "sarif"], hub_server, tmp_path,
                    github=closed_port_url())
    sarif = json.loads(run.out)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["level"] == "warning" and "look-ups failed" in notes[0]["message"]["text"]
    assert sarif["runs"][0]["properties"]["lookups"]["failed"] == ["github"]


def test_failed_lookup_is_not_a_collection_problem(hub_server: HubReplayServer, tmp_path: Path) -> None:
    # release reads dataset licences; its "every file read cleanly" rule is about the repository, not the network.
    hub_server.add_fault("/api/datasets/*", "status", status=500, times=None)
    run = opencheck(["check", PYTHIA, "-p", "release", "-f", "json"], hub_server, tmp_path)
    assert run.code == 0, run.err
    report = run.json()
    assert report["lookups"]["failed"] == ["datasets"]
    # Not a failure; not known clean either (the look-up might have found a dataset missing).
    clean = result(report, "OC-RELEASE-CLEAN-COLLECTION")
    assert clean["status"] == "inconclusive" and clean["unknown_facts"] == ["datasets look-up findings"]


def test_offline_without_cached_lookups_says_so(hub_server: HubReplayServer, tmp_path: Path) -> None:
    warm = opencheck(["check", PYTHIA, "-p", "open-training", "--lookup", "none", "-f", "json"], hub_server,
                     tmp_path, cache=True)
    assert warm.code == 0, warm.err
    run = opencheck(["check", PYTHIA, "-p", "open-training", "--offline", "-f", "json"], hub_server, tmp_path,
                    cache=True)
    assert run.code == 0, run.err
    report = run.json()
    assert report["lookups"]["failed"] == ["refs", "datasets", "github"]
    assert all("offline" in f["message"] for f in report["lookups"]["failures"])
    assert result(report, "OC-OPEN-TRAINING-CODE-TRAINING")["status"] == "inconclusive"


def test_badge_of_an_undetermined_grade_is_grey(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = opencheck(["check", PYTHIA, "-p", "osaid", "-f", "badge"], hub_server, tmp_path, github=closed_port_url())
    assert run.code == 0, run.err
    badge = json.loads(run.out)
    assert badge["message"] == "OSAID undetermined" and badge["color"] == "lightgrey"


def _position(grade: dict[str, object], value: str) -> float:
    order = grade["order"]
    return float(order.index(value)) if order else float(str(value).split("/")[0])  # type: ignore[union-attr]


@pytest.mark.parametrize("model", [PYTHIA, "allenai/OLMo-7B", "LLM360/Amber", "EleutherAI/gpt-neox-20b"])
def test_no_failed_lookup_changes_a_verdict_silently(hub_server: HubReplayServer, tmp_path: Path,
                                                     model: str) -> None:
    """For every look-up failing: no rule newly fails, and each grade is the same or bounds the true one."""
    up = opencheck(["check", model, "-p", "all", "-f", "json"], hub_server, tmp_path).json()
    before = {(p["name"], r["rule_id"]): r["status"] for p in up["packs"] for r in p["results"]}
    for lookup, path in LOOKUP_PATHS.items():
        hub_server.clear_faults()
        hub_server.add_fault(path.replace(PYTHIA, "*"), "status", status=500, times=None)
        down = opencheck(["check", model, "-p", "all", "-f", "json"], hub_server, tmp_path).json()
        for pack in down["packs"]:
            for r in pack["results"]:
                was = before[(pack["name"], r["rule_id"])]
                if r["status"] in ("fail", "error"):
                    assert was in ("fail", "error"), (lookup, r["rule_id"], was, r["message"])
                if r["status"] != was:
                    assert r["status"] == "inconclusive" and r["unknown_facts"], (lookup, r["rule_id"], was)
            true = grade(up, pack["name"])
            seen = pack["grade"]
            if seen["value"] != true["value"]:
                assert seen["value"] == "undetermined", (lookup, pack["name"], true["value"], seen["value"])
                low, high = seen["if_unknown"]["unfavourable"], seen["if_unknown"]["favourable"]
                assert _position(true, low) <= _position(true, true["value"]) <= _position(true, high)
