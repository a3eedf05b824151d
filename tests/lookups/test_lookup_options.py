"""One look-up vocabulary for check and batch, the same defaults, the same verdicts (issue 13 item 5, 23 item 2),
and a warm re-check of a card naming a missing dataset costs one request (issue 13 item 4)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from tests.hubreplay.server import HubReplayServer
from tests.lookups.helpers import PYTHIA, closed_port_url, opencheck


def _store_rows(db: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT pack, grade, lookups_ran, lookups_failed FROM results ORDER BY pack").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("github_up", [True, False])
def test_check_and_batch_give_the_same_verdicts_by_default(hub_server: HubReplayServer, tmp_path: Path,
                                                           github_up: bool) -> None:
    github = None if github_up else closed_port_url()
    check = opencheck(["check", PYTHIA, "-f", "json"], hub_server, tmp_path, github=github)
    assert check.code == 0, check.err
    (tmp_path / "t.txt").write_text(PYTHIA + "\n", encoding="utf-8")
    batch = opencheck(["batch", "t.txt", "--db", "a.sqlite"], hub_server, tmp_path, github=github)
    assert batch.code == 0, batch.err
    report = check.json()
    stored = _store_rows(tmp_path / "a.sqlite")
    assert [(p, g) for p, g, _, _ in stored] == sorted((p["name"], p["grade"]["value"]) for p in report["packs"])
    assert {(ran, failed) for _, _, ran, failed in stored} == {
        (",".join(report["lookups"]["ran"]), ",".join(report["lookups"]["failed"]))}
    assert stored[0][2] == "refs,datasets,github,arxiv"  # the default: every look-up the packs read
    assert stored[0][3] == ("" if github_up else "github")
    if not github_up:
        assert dict((p, g) for p, g, _, _ in stored)["osaid"] == "undetermined"
        assert "had failed look-ups" in batch.err


@pytest.mark.parametrize("args,ran", [
    (["--lookup", "none"], []),
    (["--lookup", "refs", "--lookup", "github"], ["refs", "github"]),
    (["--no-lookup", "github"], ["refs", "datasets", "arxiv"]),
    (["--no-github"], ["refs", "datasets", "arxiv"]),  # old check spelling (hidden)
    (["--no-lookups"], []),  # old check spelling (hidden)
    (["--lookups"], ["refs", "datasets", "github", "arxiv"]),  # old check spelling (hidden)
    ([], ["refs", "datasets", "github", "arxiv"]),  # the default, auto: every look-up the mof pack reads
])
def test_one_vocabulary_in_check_and_batch(hub_server: HubReplayServer, tmp_path: Path, args: list[str],
                                           ran: list[str]) -> None:
    check = opencheck(["check", PYTHIA, "-p", "mof", "-f", "json", *args], hub_server, tmp_path)
    assert check.code == 0, check.err
    assert check.json()["lookups"]["ran"] == ran
    (tmp_path / "t.txt").write_text(PYTHIA + "\n", encoding="utf-8")
    batch = opencheck(["batch", "t.txt", "--db", "a.sqlite", "-p", "mof", *args], hub_server, tmp_path)
    assert batch.code == 0, batch.err
    assert _store_rows(tmp_path / "a.sqlite")[0][2] == ",".join(ran)


def test_lookup_options_in_help_and_usage_errors(hub_server: HubReplayServer, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "batch"):
        capsys.readouterr()
        opencheck([command, "--help"], hub_server, tmp_path)
        text = capsys.readouterr().out  # click prints help to the process's stdout
        assert "--lookup" in text and "--no-lookup" in text and "--strict-lookups" in text
        assert "--no-github" not in text  # old spellings work but are not advertised
    bad = opencheck(["check", PYTHIA, "--lookup", "none", "--lookup", "refs"], hub_server, tmp_path)
    assert bad.code == 2 and bad.err.count("\n") == 1 and "cannot be combined" in bad.err


def test_batch_strict_lookups_exits_3_after_storing(hub_server: HubReplayServer, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(PYTHIA + "\n", encoding="utf-8")
    run = opencheck(["batch", "t.txt", "--db", "a.sqlite", "-p", "osaid", "--strict-lookups"], hub_server, tmp_path,
                    github=closed_port_url())
    assert run.code == 3
    assert _store_rows(tmp_path / "a.sqlite") == [("osaid", "undetermined", "refs,datasets,github", "github")]


def test_export_rows_say_which_lookups_ran_and_failed(hub_server: HubReplayServer, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(PYTHIA + "\n", encoding="utf-8")
    assert opencheck(["batch", "t.txt", "--db", "a.sqlite", "-p", "osaid"], hub_server, tmp_path,
                     github=closed_port_url()).code == 0
    csv_out = opencheck(["export", "--db", "a.sqlite", "-f", "csv"], hub_server, tmp_path).out
    row = next(csv.DictReader(io.StringIO(csv_out)))
    assert row["lookups_ran"] == "refs,datasets,github" and row["lookups_failed"] == "github"
    jsonl = opencheck(["export", "--db", "a.sqlite", "-f", "jsonl"], hub_server, tmp_path).out
    record = json.loads(jsonl.splitlines()[0])
    assert record["lookups_ran"] == "refs,datasets,github" and record["lookups_failed"] == "github"
    page = opencheck(["export", "--db", "a.sqlite", "-f", "html"], hub_server, tmp_path).out
    assert "look-ups failed" in page and "<td>github</td>" in page


def test_old_store_gains_the_lookup_columns(hub_server: HubReplayServer, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(PYTHIA + "\n", encoding="utf-8")
    assert opencheck(["batch", "t.txt", "--db", "a.sqlite", "-p", "osaid", "--lookup", "none"], hub_server,
                     tmp_path).code == 0
    conn = sqlite3.connect(tmp_path / "a.sqlite")
    conn.execute("ALTER TABLE results DROP COLUMN lookups_ran")  # a store written before the columns existed
    conn.execute("ALTER TABLE results DROP COLUMN lookups_failed")
    conn.commit()
    conn.close()
    old = opencheck(["export", "--db", "a.sqlite", "-f", "jsonl"], hub_server, tmp_path)
    assert old.code == 0, old.err
    assert json.loads(old.out.splitlines()[0])["lookups_ran"] is None  # not recorded: says nothing
    again = opencheck(["batch", "t.txt", "--db", "a.sqlite", "-p", "osaid", "--refresh"], hub_server, tmp_path)
    assert again.code == 0, again.err
    assert _store_rows(tmp_path / "a.sqlite")[0][2] == "refs,datasets,github"


def test_warm_recheck_of_a_card_naming_a_missing_dataset_is_one_request(hub_server: HubReplayServer,
                                                                        tmp_path: Path) -> None:
    # GPT-NeoX-20B's card names the_pile, which the Hub does not have (withdrawn).
    args = ["check", "EleutherAI/gpt-neox-20b", "-p", "open-training", "--lookup", "datasets", "-f", "json"]
    cold = opencheck(args, hub_server, tmp_path, cache=True)
    assert cold.code == 0, cold.err
    assert hub_server.count("/api/datasets/the_pile") == 1
    assert json.loads(cold.out)["lookups"]["failed"] == []  # not found is an answer, not a failure
    hub_server.reset_counts()
    warm = opencheck(args, hub_server, tmp_path, cache=True)
    assert warm.code == 0, warm.err
    assert hub_server.total == 1  # only the sha probe: the 404 is remembered like a found card
    assert json.loads(warm.out)["packs"] == json.loads(cold.out)["packs"]
    assert any(p["code"] == "dataset-not-found" for p in json.loads(warm.out)["problems"])


def test_code_whose_repository_licence_was_not_looked_up_says_so(hub_server: HubReplayServer, tmp_path: Path) -> None:
    # Look-ups off read facts from the card and files alone, so the finding still fails; but "no licence is stated"
    # must not send the maintainer to state a licence their linked repository already has.
    off = opencheck(["check", PYTHIA, "-p", "mof", "-f", "json", "--no-lookup", "github"], hub_server, tmp_path)
    assert off.code == 0, off.err
    finding = next(f for p in off.json()["packs"] for f in p["results"] if f["rule_id"] == "OC-MOF-TRAINING-CODE")
    assert finding["status"] == "fail", finding
    assert "present but no licence is stated: the licence of eleutherai/gpt-neox, eleutherai/pythia was not " \
        "looked up" in finding["message"] and "GitHub look-up off" in finding["message"]
    on = opencheck(["check", PYTHIA, "-p", "mof", "-f", "json"], hub_server, tmp_path)
    assert not any("not looked up" in f["message"] for p in on.json()["packs"] for f in p["results"])
