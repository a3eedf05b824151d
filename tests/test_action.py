"""The GitHub Action (action.yml + action/run.py), the example workflow and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
RUN_PY = REPO / "action" / "run.py"
README = "---\nlicense: apache-2.0\n---\n# Tiny model\n\nA tiny model.\n"


def _model(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "config.json").write_text('{"model_type": "gpt2"}\n', encoding="utf-8")
    return folder


def _outputs(path: Path) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT, including `name<<DELIM` blocks."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        out[name] = value
        i += 1
    return out


def run_action(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run action/run.py as the composite step would, with the given OC_* inputs."""
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OC_", "GITHUB_"))}
    env.update({"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "SOURCE_DATE_EPOCH": "1767225600",
                "HF_HUB_OFFLINE": "1"})
    env.update({f"OC_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run([sys.executable, str(RUN_PY)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    return proc, _outputs(output), summary.read_text(encoding="utf-8")


def test_run_passes_and_publishes(tmp_path: Path) -> None:
    _model(tmp_path / "model")
    proc, outputs, summary = run_action(tmp_path, target="model", packs="mof, osaid",
                                        formats="json,sarif,markdown,html,junit,badge", sarif="opencheck.sarif")
    assert proc.returncode == 0, proc.stderr
    assert outputs["exit-code"] == "0"
    assert outputs["grade-mof"] == outputs["mof-class"] == "Unclassified"
    assert outputs["grade-osaid"] in ("pass", "fail", "inconclusive")
    assert json.loads(outputs["grades"]).keys() == {"mof", "osaid"}
    assert outputs["sarif-file"] == "opencheck.sarif"
    assert json.loads((tmp_path / "opencheck.sarif").read_text())["version"] == "2.1.0"
    for key in ("report-json", "markdown-file", "html-file", "junit-file", "badge-file"):
        assert (tmp_path / outputs[key]).is_file(), key
    assert summary.startswith("# opencheck:") and "<details>" in summary


def test_run_mirrors_gate_failure(tmp_path: Path) -> None:
    _model(tmp_path / "model")
    proc, outputs, summary = run_action(tmp_path, target="model", packs="mof", fail_under="mof=III",
                                        formats="json")
    assert proc.returncode == 1
    assert outputs["exit-code"] == "1" and outputs["status"] == "fail"
    assert "policy failed" in summary


def test_run_usage_error_and_hostile_input(tmp_path: Path) -> None:
    _model(tmp_path / "model")
    marker = tmp_path / "pwned"
    proc, outputs, _ = run_action(tmp_path, target=f"model; touch {marker}", packs="mof", formats="json")
    assert proc.returncode in (2, 3)  # not a folder or Hub id: rejected, never run by a shell
    assert not marker.exists()
    assert outputs["exit-code"] == str(proc.returncode)
    proc, outputs, _ = run_action(tmp_path, target="model", formats="json,pdf")
    assert proc.returncode == 2 and outputs["exit-code"] == "2"


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def test_action_yml_structure() -> None:
    action = _action()
    for key in ("name", "description", "inputs", "outputs", "runs"):
        assert key in action
    for name in ("target", "packs", "fail-under", "fail-on", "formats", "sarif", "python-version", "version"):
        assert name in action["inputs"], name
        assert "description" in action["inputs"][name]
    for name, spec in action["outputs"].items():
        assert "description" in spec and spec["value"].startswith("${{ steps.run.outputs."), name
    assert {"exit-code", "grade-mof", "report-json", "sarif-file"} <= set(action["outputs"])
    runs = action["runs"]
    assert runs["using"] == "composite"
    run_steps = [s for s in runs["steps"] if "run" in s]
    assert run_steps
    for step in run_steps:
        assert step.get("shell") == "bash"
        assert "${{" not in step["run"], "inputs must reach scripts through env:, never ${{ }} in run:"
    main = next(s for s in runs["steps"] if s.get("id") == "run")
    assert "action/run.py" in main["run"]
    env_inputs = {v for v in main["env"].values()}
    for name in ("target", "packs", "fail-under", "fail-on", "formats", "sarif"):
        assert f"${{{{ inputs.{name} }}}}" in env_inputs, name
    assert any("github.action_path" in str(v) for v in main["env"].values())


def test_no_inputs_expression_in_any_run_block() -> None:
    for path in (REPO / "action.yml", REPO / "examples" / "workflows" / "openness.yml"):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        steps = data["runs"]["steps"] if "runs" in data else [s for j in data["jobs"].values() for s in j["steps"]]
        for step in steps:
            assert not re.search(r"\$\{\{\s*inputs", str(step.get("run", ""))), (path, step)


def test_example_workflow() -> None:
    wf = yaml.safe_load((REPO / "examples" / "workflows" / "openness.yml").read_text(encoding="utf-8"))
    job = next(iter(wf["jobs"].values()))
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    uses = [s.get("uses", "") for s in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("opencheck/opencheck@") for u in uses)


REQUIRED_HOOK_KEYS = {"id", "name", "entry", "language"}
OPTIONAL_HOOK_KEYS = {"files", "exclude", "types", "types_or", "exclude_types", "args", "additional_dependencies",
                      "always_run", "pass_filenames", "require_serial", "fail_fast", "stages", "verbose",
                      "description", "language_version", "log_file", "alias", "minimum_pre_commit_version"}


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    hook = next(h for h in hooks if h["id"] == "opencheck")
    assert set(hook) >= REQUIRED_HOOK_KEYS
    assert set(hook) <= REQUIRED_HOOK_KEYS | OPTIONAL_HOOK_KEYS
    assert hook["pass_filenames"] is False
    assert hook["entry"].startswith("opencheck check")
    files = re.compile(hook["files"])
    for path in ("README.md", "LICENSE", "LICENSE.txt", "models/x/README.md", "config.json",
                 "model.safetensors.index.json", "opencheck.yaml", ".opencheck.yml"):
        assert files.search(path), path
    for path in ("src/main.py", "docs/guide.md", "model.safetensors"):
        assert not files.search(path), path


@pytest.mark.skipif(not (REPO / "examples" / "open-model").is_dir(), reason="example model not present")
def test_run_on_bundled_example(tmp_path: Path) -> None:
    proc, outputs, summary = run_action(tmp_path, target=str(REPO / "examples" / "open-model"), packs="mof",
                                        fail_under="mof=II", formats="json,markdown")
    assert proc.returncode == 0, proc.stderr
    assert outputs["mof-class"] == "I"
    assert "Class I" in summary
