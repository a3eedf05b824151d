"""`opencheck check ORG/NAME` as a subprocess against the replay Hub: reports, request budget, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.hubreplay.server import HubReplayServer

REPO = Path(__file__).resolve().parents[2]


def _run(hub: HubReplayServer, tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GITHUB_"))}
    env.update({"HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(tmp_path / "hf"),
                "OPENCHECK_GITHUB_API": hub.url, "SOURCE_DATE_EPOCH": "0", **(extra_env or {})})
    return subprocess.run([sys.executable, "-m", "opencheck", "check", *args, "--cache-dir", str(tmp_path / "c")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_plain_check_reports_the_sha_in_two_requests(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.reset_counts()
    run = _run(hub_server, tmp_path, "EleutherAI/pythia-160m", "--no-lookups", "-f", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["target"]["kind"] == "hf"
    assert len(report["target"]["resolved_sha"]) == 40
    assert report["target"]["requests"] == 2
    assert hub_server.total == 2
    assert {p["name"] for p in report["packs"]} == {"open-training", "mof", "osaid"}
    assert len(report["components"]) == 17


def test_pack_without_lookups_stays_within_two_requests(hub_server: HubReplayServer, tmp_path: Path) -> None:
    from opencheck.engine.needs import pack_needs
    from opencheck.rulepacks import load_pack

    # Every built-in pack reads some look-up; a pack whose rules read only the card and files spends none.
    (tmp_path / "light.yaml").write_text(
        'schema_version: 1\nname: light\nversion: "1.0"\ntitle: Light\ndescription: Card only.\n'
        "grading:\n  scheme: pass-fail\nrules:\n- id: OC-LIGHT-CARD\n  title: Has front matter\n  topic: card\n"
        "  severity: error\n  rationale: r\n  remediation: r\n  condition:\n"
        "    metadata_key_present: {keys: [license]}\n", encoding="utf-8")
    assert not pack_needs(load_pack(str(tmp_path / "light.yaml")))
    hub_server.reset_counts()
    run = _run(hub_server, tmp_path, "EleutherAI/pythia-160m", "-p", "light.yaml", "-f", "json")
    assert run.returncode == 0, run.stderr
    assert hub_server.total == 2


def test_lookups_are_spent_only_when_rules_need_them(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.reset_counts()
    run = _run(hub_server, tmp_path, "EleutherAI/pythia-160m", "-p", "mof", "-f", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["target"]["requests"] == hub_server.total > 2
    comps = {c["name"]: c for c in report["components"]}
    # Checkpoints come from the step* branches; training code's licence from the linked GitHub repository.
    assert comps["Model parameters (Intermediate)"]["status"] == "present"
    assert comps["Training code"]["licence_class"] == "osi"


def test_warm_cache_check_makes_one_request(hub_server: HubReplayServer, tmp_path: Path) -> None:
    assert _run(hub_server, tmp_path, "allenai/OLMo-7B", "--no-lookups").returncode == 0
    hub_server.reset_counts()
    run = _run(hub_server, tmp_path, "allenai/OLMo-7B", "--no-lookups", "-f", "json")
    assert run.returncode == 0, run.stderr
    assert hub_server.total == 1


def test_restricted_licences_never_count_as_open(hub_server: HubReplayServer, tmp_path: Path) -> None:
    for model in ("meta-llama/Llama-2-7b-hf", "bigscience/bloom"):
        run = _run(hub_server, tmp_path, model, "-p", "mof", "-p", "osaid", "-f", "json")
        assert run.returncode == 0, run.stderr
        report = json.loads(run.stdout)
        weights = next(c for c in report["components"] if c["name"] == "Model parameters (Final)")
        assert weights["licence_class"] == "restricted"
        assert weights["open"] is False
        grades = report["summary"]["grades"]
        assert grades["osaid"] == "fail"
        assert grades["mof"] == "Unclassified"


def test_gated_repo_is_reported_not_crashed(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = _run(hub_server, tmp_path, "meta-llama/Llama-2-7b-hf", "-p", "mof", "-f", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["components"][1]["licence"] == "llama2"


def test_not_found_is_one_line_exit_3(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = _run(hub_server, tmp_path, "nobody/nothing-here", extra_env={"HF_TOKEN": "hf_FAKEsecret000000000000"})
    assert run.returncode == 3
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("opencheck: error:")
    assert "hf_FAKEsecret" not in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


def test_malformed_hub_id_is_usage_error(hub_server: HubReplayServer, tmp_path: Path) -> None:
    run = _run(hub_server, tmp_path, "org/na me@")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_server_errors_exit_3(hub_server: HubReplayServer, tmp_path: Path) -> None:
    hub_server.add_fault("/api/models/EleutherAI/gpt-neox-20b*", "status", status=503, times=None)
    run = _run(hub_server, tmp_path, "EleutherAI/gpt-neox-20b", "--no-lookups")
    assert run.returncode == 3
    assert "503" in run.stderr


def test_warm_check_with_lookups_reuses_fresh_answers(hub_server: HubReplayServer, tmp_path: Path) -> None:
    first = _run(hub_server, tmp_path, "EleutherAI/pythia-160m", "-f", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["target"]["requests"] > 2
    hub_server.reset_counts()
    second = _run(hub_server, tmp_path, "EleutherAI/pythia-160m", "-f", "json")
    assert second.returncode == 0, second.stderr
    # Only the revision is resolved again; branches, dataset cards and GitHub licences come from the cache.
    assert hub_server.total == 1
    first_report, second_report = json.loads(first.stdout), json.loads(second.stdout)
    assert first_report["components"] == second_report["components"]
    assert first_report["summary"] == second_report["summary"]
