"""`opencheck check` shows the curated records that cover a model beside what it found live (replay Hub)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer
from tests.references.helpers import check, check_json

from opencheck._resources import schema_path


def _record(report: dict, source: str, about: str = "this model") -> dict:
    return next(r for r in report["references"]["records"] if r["source"] == source and r["about"] == about)


def test_hub_model_covered_by_mot_shows_curated_and_live_class(hub_server: HubReplayServer, tmp_path: Path) -> None:
    report = check_json(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "-p", "mof")
    jsonschema.validate(report, json.loads(schema_path("report.schema.json").read_text()))
    assert report["schema_version"] == "1.1"
    mot = _record(report, "mot")
    assert (mot["id"], mot["commit"], mot["date"], mot["matched_by"]) == (
        "mot:Amber", "8b5d30e", "2026-05", "Hub id LLM360/Amber")
    # The curated verdict is opencheck's own MOF evaluation of MOT's manifest; the live one is the mof pack's.
    assert mot["verdict"]["class"] == 1 and mot["verdict"]["progress"] == {"III": 100.0, "II": 100.0, "I": 100.0}
    mof = next(p for p in report["packs"] if p["name"] == "mof")
    assert mot["live"]["label"] == mof["grade"]["label"] == "Unclassified"
    rows = {r["component"]: r for r in mot["components"]}
    assert rows["Model parameters (Final)"]["result"] == "agrees"
    assert rows["Evaluation code"] == {"component": "Evaluation code", "result": "only curated",
                                       "curated": {"status": "included", "licence": "Apache-2.0"}, "live": None}
    assert rows["Datasets"]["result"] == "licence differs"
    assert rows["Datasets"]["curated"]["licence"] == "MIT"
    assert rows["Model metadata"]["result"] == "only live"
    assert mot["summary"] == {"agrees": 7, "licence differs": 4, "only curated": 5, "only live": 1}
    # The index assessed AmberChat, built on Amber: shown as that system's record, never as Amber's own.
    osai = _record(report, "osai", "system built on this model")
    assert osai["name"] == "AmberChat" and "components" not in osai
    assert osai["verdict"]["counts"] == {"open": 8, "partial": 4, "closed": 2}
    assert next(d for d in osai["verdict"]["dimensions"] if d["dimension"] == "llmdata")["class"] == "open"


def test_references_cost_no_request(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.reset_counts()
    with_refs = check_json(hub_server, tmp_path, "EleutherAI/pythia-160m", "--no-lookups", "--no-cache")
    assert with_refs["references"]["records"][0]["id"] == "mot:Pythia-160M"
    assert with_refs["target"]["requests"] == hub_server.total == 2
    hub_server.reset_counts()
    without = check_json(hub_server, tmp_path, "EleutherAI/pythia-160m", "--no-lookups", "--no-cache",
                         "--no-references")
    assert "references" not in without
    assert hub_server.total == 2
    assert without["packs"] == with_refs["packs"]  # grading stays live by default


def test_text_markdown_and_html_show_the_line_and_the_table(hub_server: HubReplayServer, tmp_path: Path) -> None:
    line = ("MOT curators (2026-05): Class I · found live: Unclassified · 5 components only in the curated record"
            " · 1 component found only live · 4 components with a different licence")
    text = check(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "-p", "mof")
    assert text.code == 0, text.err
    head = text.out.split("Model Openness Framework")[0]
    assert "reference: MOT curators (2026-05): Class I · found live: Unclassified" in head
    assert "Curated reference: MOT curators (2026-05, commit 8b5d30e): Amber [mot:Amber], this model" in text.out
    assert any(ln.split() == ["Evaluation", "code", "only", "curated", "Apache-2.0", "-"]
               for ln in text.out.splitlines())
    md = check(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "-p", "mof", "-f", "markdown")
    assert f"📚 {line}" in md.out.split("## ")[0]
    assert "| Evaluation code | only curated | Apache-2.0 | - |" in md.out
    html = check(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "-p", "mof", "-f", "html")
    assert f'<p class="notice reference" role="note">{line}</p>' in html.out
    assert "<td>Evaluation code</td><td>only curated</td>" in html.out
    plain = check(hub_server, tmp_path, "LLM360/Amber", "--no-lookups", "-p", "mof", "--no-references")
    assert "MOT curators" not in plain.out and "Curated reference" not in plain.out


def test_fine_tune_shows_its_base_models_record_as_the_base_models(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: EleutherAI/pythia-160m\n---\n# tuned\n")
    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "user-refs")}
    result = run_cli(["check", str(tmp_path), "-f", "json"], env=env)
    report = json.loads(result.out)
    records = report["references"]["records"]
    assert [(r["id"], r["about"], r["model"]) for r in records] == [
        ("mot:Pythia-160M", "base model", "EleutherAI/pythia-160m")]
    assert "components" not in records[0] and "live" not in records[0]  # never compared as if it were this model
    text = run_cli(["check", str(tmp_path)], env=env).out
    assert ("reference: Base model EleutherAI/pythia-160m: MOT curators (2026-05): Class I (the base model's "
            "record, not this model's)") in " ".join(text.split())


def test_plain_folder_does_not_read_the_index(tmp_path: Path) -> None:
    # A folder without a manifest or base model cannot match: even a broken refreshed index is never read.
    broken = tmp_path / "user-refs"
    broken.mkdir()
    (broken / "index.json").write_text("{not json")
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
    result = run_cli(["check", str(model), "-f", "json"], env={"OPENCHECK_REFERENCES_DIR": str(broken)})
    assert result.code == 0, result.err
    assert "references" not in json.loads(result.out)
    (model / "README.md").write_text("---\nlicense: mit\nbase_model: EleutherAI/pythia-160m\n---\n# m\n")
    result = run_cli(["check", str(model)], env={"OPENCHECK_REFERENCES_DIR": str(broken)})
    assert result.code == 2
    assert result.err.startswith("opencheck: error: ") and "reference index" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_live_class_above_the_curated_one_says_whether_the_records_age_explains_it(tmp_path: Path) -> None:
    # A manifest declaring every component, for a model MOT's curators leave Unclassified: live is higher, and a
    # folder has no Hub lastModified to show the record is older, so the report says it is unexplained.
    import yaml
    from tests.clirunner import MOT_FIXTURES

    manifest = yaml.safe_load(next(MOT_FIXTURES.glob("Class1TestFile_*.yml")).read_text())
    manifest["release"]["huggingface"] = "https://huggingface.co/mistralai/Mistral-7B-v0.1"
    model = tmp_path / "model"
    model.mkdir()
    (model / "opencheck.yaml").write_text(yaml.safe_dump(manifest))
    result = run_cli(["check", str(model), "-f", "json"], env={"OPENCHECK_REFERENCES_DIR": str(tmp_path / "r")})
    record = next(r for r in json.loads(result.out)["references"]["records"] if r["source"] == "mot")
    assert (record["verdict"]["class"], record["live"]["class"]) == (0, 1)
    assert record["live_higher"] == {
        "explained": False, "record_date": "2025-05-22", "repository_modified": None,
        "reason": "the curated record (2025-05-22) is not older than the repository's last change (unknown): live "
                  "evidence the curators did not count, to be checked"}
    text = " ".join(run_cli(["check", str(model)], env={"OPENCHECK_REFERENCES_DIR": str(tmp_path / "r")}).out.split())
    assert "found live: Class I (higher: the curated record (2025-05-22) is not older" in text


def test_record_older_than_the_repository_explains_a_higher_live_class() -> None:
    from opencheck.references.section import live_higher

    found = live_higher({"release": {"date": "2024-03-01"}}, "2025-06-30T10:00:00.000Z")
    assert found == {"explained": True, "record_date": "2024-03-01", "repository_modified": "2025-06-30",
                     "reason": "the curated record (2024-03-01) is older than the repository's last change "
                               "(2025-06-30): the curators could not see what the repository shows now"}
    assert live_higher({"release": {"date": "2025-07-01"}}, "2025-06-30T10:00:00.000Z")["explained"] is False
    assert live_higher({"release": {}}, "2025-06-30T10:00:00.000Z")["explained"] is False
