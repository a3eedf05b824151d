"""A licence stated for a named dataset in the model card or its linked repository, when the Hub gives none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.collect import collect
from opencheck.detect.dataset_licence_text import STATED_ELSEWHERE, licences_stated_elsewhere
from opencheck.evidence import Evidence


def _folder(tmp_path: Path, datasets: list[str], body: str) -> Evidence:
    folder = tmp_path / "m"
    folder.mkdir(parents=True, exist_ok=True)
    front = "".join(f"- {d}\n" for d in datasets)
    (folder / "README.md").write_text(f"---\nlicense: apache-2.0\ndatasets:\n{front}---\n\n# M\n\n{body}")
    return collect(str(folder))


def _raw(evidence: Evidence) -> dict[str, list[str]]:
    return {k: [s.raw for s in v] for k, v in evidence.dataset_licences.items() if v}


@pytest.mark.parametrize(("body", "expected"), [
    # a table row naming the dataset (by link text) with a licence cell
    ("| Dataset | Size | Licence |\n|---|---|---|\n| [web-corpus](https://huggingface.co/datasets/org/web-corpus) "
     "| 300B | ODC-By 1.0 |\n", "ODC-By 1.0"),
    ("The org/web-corpus data is released under the CC BY 4.0 license.\n", "CC BY 4.0 license"),
    ("We train on [Web Corpus](https://huggingface.co/datasets/org/web-corpus) (Apache 2.0).\n", "Apache 2.0"),
    ("Pretraining data: web corpus, licence: CC0.\n", "CC0"),
    ("We use org/web-corpus released under a CC-BY-4.0 license.\n", "CC-BY-4.0 license"),
    ("Web-Corpus, which contains no personal data, is distributed under the Apache 2.0 license.\n",
     "Apache 2.0 license"),
    ("### Web Corpus\n\n- **License:** ODC-By\n", "ODC-By"),  # a heading, then a licence line under it
    ("org/web-corpus is released under the Qwen research licence agreement.\n", "Qwen research licence agreement"),
])
def test_a_licence_the_card_states_for_the_dataset_is_used_and_marked(tmp_path: Path, body: str,
                                                                      expected: str) -> None:
    evidence = _folder(tmp_path, ["org/web-corpus"], body)
    (statement,) = evidence.dataset_licences["org/web-corpus"]
    assert statement.raw == expected and statement.scope == "data"
    assert statement.provenance.file == "README.md" and statement.provenance.line
    assert STATED_ELSEWHERE in (statement.provenance.note or "")


@pytest.mark.parametrize("body", [
    "org/web-corpus is not released under CC-BY-4.0.\n",  # a denial
    "The licence of org/web-corpus is unknown; the model is Apache 2.0.\n",  # negated, then another subject
    "We mix org/web-corpus and org/code-corpus (MIT).\n",  # two datasets: whose is the licence?
    "We use org/web-corpus. Our code is released under the MIT license.\n",  # another sentence, another subject
    "| org/web-corpus | 300B tokens |\n| org/code-corpus | Apache 2.0 |\n",  # another row
    "org/web-corpus was filtered with a classifier under GPL.\n",  # a licence family is no licence
    "org/web-corpus is licensed under GPL.\n",  # a family names no licence
    "We train on org/web-corpus and our model is released under Apache 2.0.\n",  # the model's licence
    "Trained on org/web-corpus; the model license is MIT.\n",  # another clause, another subject
    "### org/web-corpus\n\n- License: not stated\n",  # a label saying nothing
    "### org/web-corpus\n\nSee org/code-corpus.\n- License: MIT\n",  # the label is under another dataset
    "org/web-corpus was published by MIT researchers in 2023.\n",  # a name that starts like a licence id
    "| org/web-corpus | MIT researchers |\n",
])
def test_negated_or_other_datasets_licences_are_never_taken(tmp_path: Path, body: str) -> None:
    evidence = _folder(tmp_path, ["org/web-corpus", "org/code-corpus"], body)
    assert "org/web-corpus" not in _raw(evidence)


def test_the_hubs_own_licence_is_never_replaced(tmp_path: Path) -> None:
    """When the dataset's Hub card gives a licence, a statement in the model card is not read for it."""
    evidence = _folder(tmp_path, ["org/web-corpus"], "org/web-corpus is released under the MIT license.\n")
    evidence.hub["datasets"] = {"org/web-corpus": {"status": "found", "license": ["odc-by"]}}
    assert licences_stated_elsewhere(evidence, ["org/web-corpus"]) == {}
    evidence.hub["datasets"] = {"org/web-corpus": {"status": "not-found"}}
    (statement,) = licences_stated_elsewhere(evidence, ["org/web-corpus"])["org/web-corpus"]
    assert statement.raw == "MIT license"


def test_a_linked_repository_gives_its_github_licence(tmp_path: Path) -> None:
    """The clause naming the dataset links its GitHub repository, whose licence the GitHub look-up found."""
    evidence = _folder(tmp_path, ["org/web-corpus"],
                       "The web-corpus data lives in [its repository](https://github.com/acme/web-corpus).\n")
    evidence.hub["github"] = {"acme/web-corpus": {"status": "found", "spdx_id": "CC-BY-4.0"}}
    (statement,) = licences_stated_elsewhere(evidence, ["org/web-corpus"])["org/web-corpus"]
    assert statement.raw == "CC-BY-4.0" and statement.provenance.url == "https://github.com/acme/web-corpus"
    evidence.hub["github"] = {"acme/web-corpus": {"status": "no-licence"}}
    assert licences_stated_elsewhere(evidence, ["org/web-corpus"]) == {}


def _report(server: HubReplayServer, tmp_path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli(["check", "opencheck-test/dataset-licences-elsewhere", "-p", "open-training", "-f", "json",
                      "--no-cache", "--no-references", *extra],
                     env={"HF_ENDPOINT": server.url, "OPENCHECK_GITHUB_API": server.url}, cwd=tmp_path)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _finding(report: dict[str, Any]) -> dict[str, Any]:
    return next(r for p in report["packs"] for r in p["results"] if r["rule_id"] == "OC-OPEN-TRAINING-DATA-LICENSED")


def test_over_the_hub_gone_datasets_use_the_cards_licence_and_the_rest_say_why(hub_server: HubReplayServer,
                                                                              tmp_path: Path) -> None:
    """withdrawn-corpus (404) takes the card's ODC-By; a denied one and one sharing a clause stay unknown, said why.

    Before, the one licence found covered every dataset (the Datasets component's first licence was a fallback).
    """
    finding = _finding(_report(hub_server, tmp_path, "--lookup", "datasets", "--lookup", "github"))
    assert finding["status"] == "inconclusive"
    assert finding["message"].startswith(
        "licence unknown for: opencheck-test/denied-corpus (not on the Hub: gone, renamed or never published "
        "there), opencheck-test/shared-corpus (not on the Hub: gone, renamed or never published there)")
    assert finding["message"].endswith(f"(licence {STATED_ELSEWHERE} for: opencheck-test/withdrawn-corpus, "
                                       "opencheck-test/unlicensed-corpus)")
    notes = [e.get("note", "") for e in finding["evidence"]]
    assert any(n.startswith("licence of opencheck-test/withdrawn-corpus as the model card states it") for n in notes)
    assert any(n.startswith("GitHub licence of example-org/unlicensed-corpus") for n in notes)


def test_without_the_github_look_up_the_linked_repository_gives_nothing(hub_server: HubReplayServer,
                                                                         tmp_path: Path) -> None:
    finding = _finding(_report(hub_server, tmp_path, "--lookup", "datasets"))
    assert "opencheck-test/unlicensed-corpus (its Hub card states no licence)" in finding["message"]
    assert hub_server.count("/repos/*") == 0
