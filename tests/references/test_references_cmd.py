"""`opencheck references list|show|update` through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.clirunner import run_cli

from opencheck.references.store import packaged_root


def _env(tmp_path: Path) -> dict[str, str]:
    return {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "user-refs")}


def test_list_names_every_record_and_its_source(tmp_path: Path) -> None:
    result = run_cli(["references", "list"], env=_env(tmp_path))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("# MOT curators: 273 records, commit 8b5d30e (2026-05), MIT")
    assert lines[1].startswith("# Opening up ChatGPT index: 47 records, commit 801f687 (2025-03), Apache-2.0")
    assert len(lines) == 2 + 273 + 47
    assert "mot:Amber\tAmber\tLLM360\tllm360/amber" in lines
    only = run_cli(["references", "list", "--source", "osai"], env=_env(tmp_path)).out.splitlines()
    assert len(only) == 1 + 47 and all(not ln.startswith("mot:") for ln in only)


def test_show_by_id_hub_id_or_name(tmp_path: Path) -> None:
    for query in ("mot:Pythia-160M", "EleutherAI/pythia-160m", "https://huggingface.co/EleutherAI/pythia-160m",
                  "pythia 160m"):
        result = run_cli(["references", "show", query], env=_env(tmp_path))
        assert result.code == 0, (query, result.err)
        assert result.out.startswith("mot:Pythia-160M: Pythia-160M by EleutherAI\n")
        assert "verdict: Class I (Class I - Open Science Model)" in result.out
        assert any(ln.split() == ["Training", "code", "included", "MIT", "(component)"]
                   for ln in result.out.splitlines())
    osai = run_cli(["references", "show", "osai:olmo-7b-instruct"], env=_env(tmp_path)).out
    assert "  verdict: 12 open · 1 partial · 1 closed\n" in osai
    assert "    Paper               closed\n" in osai
    assert "  Hub: allenai/olmo-7b-instruct\n" in osai


def test_show_unknown_model_is_one_error_line(tmp_path: Path) -> None:
    result = run_cli(["references", "show", "nobody/nothing"], env=_env(tmp_path))
    assert result.code == 2
    assert result.err == ("opencheck: error: nobody/nothing: no curated record; `opencheck references list` "
                          "shows them all\n")


def _checkout(tmp_path: Path) -> Path:
    """A git checkout shaped like lfai/model_openness_tool, with two manifests and its licence."""
    repo = tmp_path / "model_openness_tool"
    (repo / "models").mkdir(parents=True)
    for name in ("Amber.yml", "Pythia-160M.yml"):
        shutil.copyfile(packaged_root() / "mot" / "models" / name, repo / "models" / name)
    shutil.copyfile(packaged_root() / "mot" / "LICENSE", repo / "LICENSE")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "m", "--date", "2026-11-03T10:00:00Z"], check=True,
                   env={"GIT_COMMITTER_DATE": "2026-11-03T10:00:00Z", "PATH": "/usr/bin:/bin"})
    return repo


def test_update_refreshes_from_a_checkout_and_reset_restores(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    text = (repo / "models" / "Amber.yml").read_text()
    # The curators downgrade Amber's datasets to an unlicensed state: Amber is then Class II by MOT's rules.
    (repo / "models" / "Amber.yml").write_text(text.replace("      license: MIT\n", "      license: unlicensed\n"))
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short=7", "HEAD"], capture_output=True,
                            text=True, check=True).stdout.strip()
    env = _env(tmp_path)
    result = run_cli(["references", "update", "--mot", str(repo)], env=env)
    assert result.code == 0, result.err
    assert f"opencheck: mot: 2 records, commit {commit} (2026-11-03)" in result.err
    assert "opencheck: osai: 47 records, commit 801f687 (2025-03)" in result.err  # carried over
    listed = run_cli(["references", "list", "--source", "mot"], env=env).out.splitlines()
    assert listed[0].startswith(f"# MOT curators: 2 records, commit {commit} (2026-11-03)")
    assert (tmp_path / "user-refs" / "mot" / "LICENSE").is_file()
    manifest = tmp_path / "m.yml"
    manifest.write_text("framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
                        "release:\n  name: Amber\n  version: 7B\n  producer: LLM360\n  license:\n"
                        "    distribution: {name: Apache-2.0}\n  components:\n    - name: Model card\n")
    report = json.loads(run_cli(["check", str(manifest), "-f", "json", "-p", "mof"], env=env).out)
    record = report["references"]["records"][0]
    assert (record["commit"], record["date"], record["verdict"]["class"]) == (commit, "2026-11-03", 2)
    reset = run_cli(["references", "update", "--reset"], env=env)
    assert reset.code == 0 and "using the shipped references" in reset.err
    report = json.loads(run_cli(["check", str(manifest), "-f", "json", "-p", "mof"], env=env).out)
    assert report["references"]["records"][0]["commit"] == "8b5d30e"


def test_update_with_a_bad_file_is_one_error_line_and_changes_nothing(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    env = _env(tmp_path)
    assert run_cli(["references", "update", "--mot", str(repo)], env=env).code == 0
    before = (tmp_path / "user-refs" / "index.json").read_text()
    (repo / "models" / "Broken.yml").write_text("release:\n  name: [unclosed\n")
    result = run_cli(["references", "update", "--mot", str(repo)], env=env)
    assert result.code == 2
    assert result.err.startswith(f"opencheck: error: {repo / 'models' / 'Broken.yml'}:")
    assert "not valid YAML" in result.err and result.err.count("\n") == 1
    (repo / "models" / "Broken.yml").write_text("release:\n  name: X\n  components:\n    - name: Teleporter\n")
    result = run_cli(["references", "update", "--mot", str(repo)], env=env)
    assert result.code == 2 and result.err.count("\n") == 1 and "Broken.yml" in result.err
    (repo / "models" / "Broken.yml").unlink()
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "x.yaml").write_text("project: {name: X}\nopencode: {class: wide-open}\n")
    result = run_cli(["references", "update", "--osai", str(tmp_path)], env=env)
    assert result.code == 2 and "opencode.class must be open, partial or closed" in result.err
    assert (tmp_path / "user-refs" / "index.json").read_text() == before
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(["references", "update", "--mot", str(empty)], env=env)
    assert result.code == 2 and "no MOT manifests" in result.err
    assert run_cli(["references", "update"], env=env).code == 2


def test_update_into_an_unwritable_place_is_one_line_exit_3(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli(["references", "update", "--mot", str(repo)],
                     env={"OPENCHECK_REFERENCES_DIR": str(blocker / "refs")})
    assert result.code == 3
    assert result.err.startswith(f"opencheck: error: {blocker / 'refs'}: cannot write the refreshed references")
    assert result.err.count("\n") == 1


def test_hostile_refreshed_record_is_inert_in_every_format(tmp_path: Path) -> None:
    repo = tmp_path / "mot"
    (repo / "models").mkdir(parents=True)
    hostile = "Evil\\u001b[31m<script>alert(1)</script>[x](https://evil.example) @everyone"
    (repo / "models" / "Evil.yml").write_text(
        "framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
        f'release:\n  name: "{hostile}"\n  producer: "Bad\\nActor"\n  huggingface: "https://huggingface.co/evil/model"\n'
        "  license: {distribution: {name: MIT}}\n  components:\n    - name: Model card\n")
    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "refs")}
    assert run_cli(["references", "update", "--mot", str(repo)], env=env).code == 0
    manifest = tmp_path / "m" / "opencheck.yaml"
    manifest.parent.mkdir()
    manifest.write_text("framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"
                        "release:\n  name: mine\n  producer: me\n  huggingface: https://huggingface.co/evil/model\n"
                        "  license: {distribution: {name: MIT}}\n  components:\n    - name: Model card\n")
    text = run_cli(["check", str(manifest.parent)], env=env).out
    assert "\x1b" not in text and "Curated reference" in text
    html = run_cli(["check", str(manifest.parent), "-f", "html"], env=env).out
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    md = run_cli(["check", str(manifest.parent), "-f", "markdown"], env=env).out
    assert "<script>" not in md
    # Only inside the raw-HTML summary line, escaped in a code element, where GitHub renders no link or mention.
    assert all(ln.startswith("<details><summary>Curated reference: <code>") and ln.endswith("</code></summary>")
               for ln in md.splitlines() if "evil.example" in ln or "@everyone" in ln)
    shown = run_cli(["references", "show", "mot:Evil"], env=env).out
    assert "\x1b" not in shown and shown.startswith("mot:Evil: Evil")
