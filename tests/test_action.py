"""The GitHub Action (action.yml + action/run.py), the example workflow and the pre-commit hook."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import yaml

from opencheck.formats.registry import ReportFormat
from opencheck.rulepacks import builtin_pack_names

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


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def _step_env(step: dict, inputs: dict[str, str]) -> dict[str, str]:
    """A composite step's `env:` with `${{ inputs.x }}` (or its action.yml default) and the action path filled in."""
    declared = _action()["inputs"]
    env = {}
    for name, value in step.get("env", {}).items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        if match:
            key = match.group(1)
            env[name] = inputs.get(key.replace("-", "_"), str(declared[key].get("default", "")))
        else:
            assert value == "${{ github.action_path }}", value
            env[name] = str(REPO)
    return env


def run_action(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run action.yml's `run` step exactly as the runner would (bash, its env:, the repository as working folder)."""
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "run")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OC_", "GITHUB_"))}
    # setup-python puts its interpreter first on PATH as `python`: here, the one running the tests.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "SOURCE_DATE_EPOCH": "1767225600",
                "HF_HUB_OFFLINE": "1", **_step_env(step, inputs)})
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
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


# Names a checked repository could hold at its root to hijack an import: the CLI's own dependencies, stdlib
# modules the Action script and opencheck import late, and opencheck itself.
HIJACKS = ("typer", "yaml", "git", "rich", "click", "json", "secrets", "opencheck", "jsonschema", "huggingface_hub")


def test_nothing_from_the_checked_repository_runs(tmp_path: Path) -> None:
    """The run step starts Python with the repository as working folder: none of its .py files may be imported."""
    _model(tmp_path)
    for name in HIJACKS:
        code = f"open({str(tmp_path / ('pwned-' + name))!r}, 'w').close()\nraise SystemExit(97)\n"
        (tmp_path / f"{name}.py").write_text(code, encoding="utf-8")
    proc, outputs, summary = run_action(tmp_path, target=".", packs="mof", formats="json,markdown")
    assert sorted(p.name for p in tmp_path.glob("pwned-*")) == []
    assert proc.returncode == 0, proc.stderr
    assert outputs["grade-mof"] == "Unclassified" and summary.startswith("# opencheck:")


def _run_py() -> ModuleType:
    spec = importlib.util.spec_from_file_location("opencheck_action_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_declared_outputs_come_from_the_registries() -> None:
    """action.yml declares exactly what run.py can set: every format's file and every built-in pack's grade."""
    run = _run_py()
    assert set(run.FILE_OUTPUTS) == {f.value for f in ReportFormat} == set(run.FILE_OUTPUT_WHAT)
    declared = run.declared_outputs()
    assert {f"grade-{p}" for p in builtin_pack_names()} | set(run.FILE_OUTPUTS.values()) <= set(declared)
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    assert run.outputs_block() in text, "action.yml outputs are stale: run `python action/run.py --sync-action-yml`"
    assert list(_action()["outputs"]) == list(declared)


def test_every_output_set_is_declared_and_every_declared_output_is_set(tmp_path: Path) -> None:
    _model(tmp_path / "model")
    every_format = ",".join(f.value for f in ReportFormat)
    proc, outputs, _ = run_action(tmp_path, target="model", packs="all", formats=every_format)
    assert proc.returncode == 0, proc.stderr
    declared = set(_action()["outputs"])
    assert set(outputs) == declared, (set(outputs) ^ declared)
    for name in outputs:
        if name.endswith("-file") or name == "report-json":
            assert (tmp_path / outputs[name]).is_file(), name


def test_install_step_is_isolated_and_defaults_to_the_actions_own_checkout() -> None:
    action = _action()
    assert action["inputs"]["version"]["default"] == ""
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install opencheck")
    assert install["env"]["OC_ACTION_PATH"] == "${{ github.action_path }}"
    lines = [line.strip() for line in install["run"].splitlines()]
    commands = [line for line in lines if "pip" in line and not line.startswith("#")]
    assert commands and all(c.startswith("python -I -m pip install ") for c in commands), commands
    # Without a version: the action's own checkout, never the package index.
    script = install["run"]
    else_branch = script[script.index("else"):script.index("fi")]
    assert '"$OC_ACTION_PATH"' in else_branch and "==" not in else_branch
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert run_step["run"].startswith("python -I ")


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


def _hook() -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return next(h for h in hooks if h["id"] == "opencheck")


def test_pre_commit_hooks() -> None:
    hook = _hook()
    assert set(hook) >= REQUIRED_HOOK_KEYS
    assert set(hook) <= REQUIRED_HOOK_KEYS | OPTIONAL_HOOK_KEYS
    assert hook["pass_filenames"] is False
    assert hook["entry"].startswith("opencheck check")


# Every place README.md says opencheck reads (each must appear there), and files whose kind decides a verdict.
DOCUMENTED_INPUTS = ("README.md", "LICENSE", "opencheck.yaml", ".opencheck/manifest.yaml", ".opencheck.yml",
                     ".opencheck.yaml", "pyproject.toml")
OTHER_INPUTS = ("config.json", "DATA_CARD.md", "models/x/README.md", "LICENSE.txt", "COPYING",
                "model.safetensors.index.json", "model.safetensors",
                "datasheet.md", "dataset_card.md", "model_card.md", "train.py", "configs/train.yaml",
                "checkpoints/step1000/config.json", "technical_report.md", "eval_results.json", "requirements.txt")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def test_pre_commit_runs_the_hook_for_every_documented_input(tmp_path: Path) -> None:
    """pre-commit itself decides, from the hook's own definition, whether a change to each input runs the hook.

    The hook is declared `repo: local` with `language: system` and the installed `opencheck`, so pre-commit
    builds no environment (no network); every other key, `files:` included, is the published hook's.
    """
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in DOCUMENTED_INPUTS:
        assert name in readme, name
    repo = _model(tmp_path / "repo")
    hook = {**_hook(), "language": "system"}
    hook["entry"] = hook["entry"].replace("opencheck", str(Path(sys.executable).parent / "opencheck"), 1)
    hook.pop("minimum_pre_commit_version", None)
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "model")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GITHUB_", "PRE_COMMIT"))}
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"})
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    for name in (*DOCUMENTED_INPUTS, *OTHER_INPUTS):
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("[tool.opencheck]\npacks = [\"mof\"]\n" if name == "pyproject.toml" else "x\n",
                            encoding="utf-8")
        proc = subprocess.run([pre_commit, "run", "opencheck", "--color", "never", "--files", name], cwd=repo,
                              env=env, capture_output=True, text=True, timeout=300)
        assert "(no files to check)" not in proc.stdout, (name, proc.stdout)
        assert re.search(r"opencheck \(model openness\)\.+(Passed|Failed)", proc.stdout), (name, proc.stdout)


def test_run_on_bundled_example(tmp_path: Path) -> None:
    proc, outputs, summary = run_action(tmp_path, target=str(REPO / "examples" / "open-model"), packs="mof",
                                        fail_under="mof=II", formats="json,markdown")
    assert proc.returncode == 0, proc.stderr
    assert outputs["mof-class"] == "I"
    assert "Class I" in summary


def test_documented_pins_exist() -> None:
    """`uses: opencheck/opencheck@REF` and the hook's `rev:` name a commit (or a tag this repository has)."""
    tags = set(subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.split())
    pins = []
    for path in (REPO / "README.md", REPO / "docs" / "ci.md", *sorted((REPO / "examples" / "workflows").glob("*"))):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":  # the YAML examples, not prose about future tags
            text = "\n".join(re.findall(r"```yaml\n(.*?)```", text, re.DOTALL))
        pins += [(path.name, ref) for ref in re.findall(r"opencheck/opencheck@([^\s#]+)", text)]
        pins += [(path.name, ref) for ref in re.findall(r"\brev:\s*([^\s#]+)", text)]
    assert len(pins) >= 5
    for where, ref in pins:
        assert ref == "COMMIT" or re.fullmatch(r"[0-9a-f]{40}", ref) or ref in tags, (where, ref)
    for path in (REPO / "README.md", REPO / "docs" / "ci.md"):
        assert "git ls-remote https://github.com/opencheck/opencheck HEAD" in path.read_text(encoding="utf-8")
