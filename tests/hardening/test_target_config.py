"""Configuration is part of the target: a checked folder cannot make opencheck read (and quote) files outside it,
nor block it on a FIFO. One rule for every file it supplies: inside the folder, a regular file, capped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.hardening.helpers import check_json, one_line_error

from opencheck.errors import ConfigError
from opencheck.exit_status import ExitStatus

CARD = "---\nlicense: apache-2.0\n---\n# Tiny model\n"
SECRET = "s3cr3t-value-from-outside"


def model(root: Path) -> Path:
    """A model folder inside `root`."""
    folder = root / "model"
    folder.mkdir()
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    return folder


def outside_file(root: Path, text: str) -> Path:
    """A file outside the checked folder (e.g. the user's own configuration or a secret)."""
    (root / "elsewhere").mkdir(exist_ok=True)
    path = root / "elsewhere" / "file.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", [".opencheck.yml", ".opencheck.yaml"])
def test_config_symlink_out_of_the_checked_folder_is_not_followed(name: str, tmp_path: Path) -> None:
    folder = model(tmp_path)
    (folder / name).symlink_to(outside_file(tmp_path, f"packs: [fmti]\n# {SECRET}\n"))
    result = run_cli(["check", str(folder), "-f", "json"], cwd=tmp_path)
    line = one_line_error(result, ExitStatus.USAGE_ERROR)
    assert "symbolic link out of" in line and "--config" in line
    assert SECRET not in result.err + result.out


def test_config_symlink_out_of_the_working_folder_is_not_followed_by_batch(tmp_path: Path) -> None:
    folder = model(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "targets.txt").write_text(f"{folder}\n")
    (work / ".opencheck.yml").symlink_to(outside_file(tmp_path, "packs: ['/etc/hostname.yaml']\n"))
    result = run_cli(["batch", "targets.txt", "--db", "s.sqlite"], cwd=work)
    assert "symbolic link out of" in one_line_error(result, ExitStatus.USAGE_ERROR)


def test_config_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    folder = model(tmp_path)
    (folder / "conf").mkdir()
    (folder / "conf" / "opencheck.yml").write_text("packs: [fmti]\n")
    (folder / ".opencheck.yml").symlink_to("conf/opencheck.yml")
    assert [p["name"] for p in check_json_packs(folder, tmp_path)] == ["fmti"]


def check_json_packs(folder: Path, cwd: Path, *extra: str) -> list[dict[str, object]]:
    """The packs of `opencheck check FOLDER -f json` (no -p: the configuration decides)."""
    import json

    result = run_cli(["check", str(folder), "-f", "json", *extra], cwd=cwd)
    assert result.code == 0, result.err
    packs: list[dict[str, object]] = json.loads(result.out)["packs"]
    return packs


def test_explicit_config_may_be_a_symlink_anywhere(tmp_path: Path) -> None:
    # --config is the user's own choice, not the target's.
    folder = model(tmp_path)
    link = tmp_path / "my-config.yml"
    link.symlink_to(outside_file(tmp_path, "packs: [fmti]\n"))
    assert [p["name"] for p in check_json_packs(folder, tmp_path, "--config", str(link))] == ["fmti"]


def test_pyproject_symlink_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    folder = model(tmp_path)
    (folder / "pyproject.toml").symlink_to(outside_file(tmp_path, "[tool.opencheck]\npacks = ['fmti']\n"))
    assert [p["name"] for p in check_json_packs(folder, tmp_path)] == ["open-training", "mof", "osaid"]


@pytest.mark.parametrize("spec", ["../elsewhere/file.yml", "{abs}", "packs/link.yaml"])
def test_config_may_name_packs_only_inside_its_folder(spec: str, tmp_path: Path) -> None:
    folder = model(tmp_path)
    outside = outside_file(tmp_path, f"{SECRET}: [unclosed\n")
    (folder / "packs").mkdir()
    (folder / "packs" / "link.yaml").symlink_to(outside)  # inside by name, outside in fact
    spec = spec.replace("{abs}", str(outside))
    (folder / ".opencheck.yml").write_text(f"packs: ['{spec}']\n")
    result = run_cli(["check", str(folder), "-f", "json"], cwd=tmp_path)
    line = one_line_error(result, ExitStatus.USAGE_ERROR)
    assert "$.packs[0]" in line and "outside" in line
    assert SECRET not in result.err + result.out


def test_config_fifo_never_blocks(tmp_path: Path) -> None:
    folder = model(tmp_path)
    os.mkfifo(folder / ".opencheck.yml")
    assert [p["name"] for p in check_json_packs(folder, tmp_path)] == ["open-training", "mof", "osaid"]
    result = run_cli(["check", str(folder), "--config", str(folder / ".opencheck.yml")], cwd=tmp_path)
    assert "not a file" in one_line_error(result, ExitStatus.USAGE_ERROR)


def test_manifest_symlink_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    folder = model(tmp_path)
    (folder / "opencheck.yaml").symlink_to(outside_file(tmp_path, f"{SECRET}: [unclosed\n"))
    report = check_json(folder, cwd=tmp_path)
    assert SECRET not in str(report)
    assert "symlink-outside" in {p["code"] for p in report["problems"]}


def test_confined_read_refuses_a_swap_to_a_link_out(tmp_path: Path) -> None:
    # The read itself enforces the rule, so a file swapped for a link after discovery is still refused.
    from opencheck.target_files import read_confined

    folder = model(tmp_path)
    (folder / "opencheck.yaml").symlink_to(outside_file(tmp_path, SECRET))
    with pytest.raises(ConfigError) as info:
        read_confined(folder / "opencheck.yaml", "opencheck.yaml", max_bytes=1000, what="manifest", folder=folder)
    assert SECRET not in str(info.value)
    assert read_confined(folder / "README.md", "README.md", max_bytes=1000, what="card", folder=folder) == \
        CARD.encode()


@pytest.mark.parametrize("parent", ["../../elsewhere/file.yml", "outside-link.yaml"])
def test_pack_extends_chain_stays_inside_the_folder(parent: str, tmp_path: Path) -> None:
    folder = model(tmp_path)
    outside = outside_file(tmp_path, f"{SECRET}: [unclosed\n")
    (folder / "packs").mkdir()
    (folder / "packs" / "outside-link.yaml").symlink_to(outside)
    (folder / "packs" / "mine.yaml").write_text(
        "schema_version: 1\nname: mine\nversion: '0.1.0'\ntitle: Mine\ndescription: d\n"
        f"extends: {parent}\ngrading: {{scheme: count}}\nrules: []\n")
    (folder / ".opencheck.yml").write_text("packs: [./packs/mine.yaml]\n")
    result = run_cli(["check", str(folder), "-f", "json"], cwd=tmp_path)
    assert "outside" in one_line_error(result, ExitStatus.USAGE_ERROR)
    assert SECRET not in result.err + result.out
