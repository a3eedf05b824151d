"""A published training-content summary is read: template sections, and disagreements with the metadata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.clirunner import REPO, run_cli

from opencheck.exit_status import ExitStatus

FIXTURE = REPO / "tests" / "fixtures" / "hub" / "opencheck-test" / "eu-summary-model"


def _pack(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli(["check", *args, "-p", "eu-gpai", "-f", "json"], cwd=cwd, env=env)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    (pack,) = json.loads(result.out)["packs"]
    return pack


def test_summary_listing_one_dataset_fewer_is_flagged_over_the_hub(hub_server: Any, tmp_path: Path) -> None:
    """The card lists three datasets, the summary's 2.1 two: the missing one is named; modalities disagree too."""
    hub_server.reset_counts()
    pack = _pack(["opencheck-test/eu-summary-model", "--no-cache"], tmp_path,
                 {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url})
    check = pack["grade"]["details"]["summary_check"]
    assert check["path"] == "TRAINING_SUMMARY.md"
    assert check["datasets_missing_from_summary"] == ["tiiuae/falcon-refinedweb"]
    assert check["datasets_not_in_metadata"] == []
    assert check["modalities_summary"] == ["text", "image"] and check["modalities_metadata"] == ["text"]
    assert check["sections_found"] == ["1.1", "1.2", "1.3", "2.1", "2.5", "3.2"]
    assert "2.3" in check["sections_missing"]
    rule = next(r for r in pack["results"] if r["rule_id"] == "OC-EU-SUMMARY-CHECK")
    assert rule["status"] == "fail" and "tiiuae/falcon-refinedweb" in rule["message"]
    assert hub_server.count("*/TRAINING_SUMMARY.md") == 1  # fetched once, through the Hub source


def test_complete_summary_passes_and_a_model_without_one_is_not_applicable(hub_server: Any, tmp_path: Path) -> None:
    """SmolLM3's summary has every section and agrees; Mistral has none, so there is nothing to check."""
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url}
    smol = _pack(["HuggingFaceTB/SmolLM3-3B", "--no-cache"], tmp_path, env)
    assert next(r for r in smol["results"] if r["rule_id"] == "OC-EU-SUMMARY-CHECK")["status"] == "pass"
    hub_server.reset_counts()
    mistral = _pack(["mistralai/Mistral-7B-v0.1", "--no-cache"], tmp_path, env)
    rule = next(r for r in mistral["results"] if r["rule_id"] == "OC-EU-SUMMARY-CHECK")
    assert rule["status"] == "not_applicable"
    assert hub_server.total == 2  # no summary file: the EU view spends no extra request


def test_local_folder_reverse_disagreement_and_pdf(tmp_path: Path) -> None:
    """Offline on a folder: a dataset only in the summary is flagged; a PDF summary is found but not parsed."""
    folder = tmp_path / "m"
    shutil.copytree(FIXTURE, folder)
    summary = folder / "TRAINING_SUMMARY.md"
    extra = "- synthetic/corpus\n- tiiuae/falcon-refinedweb\n- example/extra-set"
    summary.write_text(summary.read_text().replace("- synthetic/corpus", extra).replace("text, image", "text"))
    check = _pack([str(folder)], tmp_path)["grade"]["details"]["summary_check"]
    assert check["datasets_missing_from_summary"] == [] and check["datasets_not_in_metadata"] == ["example/extra-set"]
    assert check["modalities_summary"] == ["text"]
    summary.unlink()
    (folder / "training_summary.pdf").write_bytes(b"%PDF-1.7\n")
    readme = folder / "README.md"
    readme.write_text(readme.read_text().replace("TRAINING_SUMMARY.md", "training_summary.pdf"))
    pack = _pack([str(folder)], tmp_path)
    assert pack["grade"]["details"]["summary_check"] is None
    assert "not parsed" in pack["grade"]["details"]["summary_note"]
    rule = next(r for r in pack["results"] if r["rule_id"] == "OC-EU-SUMMARY-CHECK")
    assert rule["status"] == "inconclusive"
    assert next(r for r in pack["results"] if r["rule_id"] == "OC-EU-TRAINING-SUMMARY")["status"] == "pass"


def test_hub_link_to_a_file_of_the_repo_is_read_locally(tmp_path: Path) -> None:
    """A card linking its summary by a huggingface.co URL of the same repository reads the repository file."""
    folder = tmp_path / "eu-summary-model"
    shutil.copytree(FIXTURE, folder)
    (folder / "docs").mkdir()
    (folder / "TRAINING_SUMMARY.md").rename(folder / "docs" / "eu.md")  # a name that says nothing
    readme = folder / "README.md"
    readme.write_text(readme.read_text().replace(
        "(TRAINING_SUMMARY.md)", "(https://huggingface.co/eu-summary-model/blob/main/docs/eu.md)"))
    check = _pack([str(folder)], tmp_path)["grade"]["details"]["summary_check"]
    assert check is not None and check["datasets_missing_from_summary"] == ["tiiuae/falcon-refinedweb"]


def test_hostile_summary_is_read_in_linear_time(tmp_path: Path) -> None:
    """Long runs of blanks, brackets and digits in a summary do not make the reading quadratic."""
    import time

    from opencheck.collect import collect
    from opencheck.euaiact.summary_check import check_summary

    evidence = collect(str(FIXTURE))
    hostile = "# x" + " " * 200_000 + "y\n" + "[x](" * 50_000 + "\n## 2.1 Public datasets\n" + "a" * 200_000 + "\n"
    start = time.perf_counter()
    check_summary(hostile + "1," * 100_000, "s.md", evidence)
    assert time.perf_counter() - start < 2.0


def test_summary_is_cached_with_the_commit_and_read_offline(hub_server: Any, tmp_path: Path) -> None:
    """A second check with --offline reads the summary from the cache, with no request at all."""
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url}
    cache = str(tmp_path / "cache")
    _pack(["opencheck-test/eu-summary-model", "--cache-dir", cache], tmp_path, env)
    hub_server.reset_counts()
    pack = _pack(["opencheck-test/eu-summary-model", "--cache-dir", cache, "--offline"], tmp_path, env)
    assert hub_server.total == 0
    assert pack["grade"]["details"]["summary_check"]["datasets_missing_from_summary"] == ["tiiuae/falcon-refinedweb"]


def test_monetisation_hint_in_the_card_makes_the_condition_not_shown(tmp_path: Path) -> None:
    """"A commercial licence is available" is a hint of monetisation: not shown, and the exemption undetermined."""
    folder = tmp_path / "m"
    shutil.copytree(FIXTURE, folder)
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + "\nA commercial license is available on request.\n")
    pack = _pack([str(folder)], tmp_path)
    cond = next(c for c in pack["grade"]["details"]["exemption_conditions"] if c["key"] == "not_monetised")
    assert cond["state"] == "not shown" and "commercial license is available" in cond["message"]
