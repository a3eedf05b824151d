"""Golden JSON reports: every example folder, MOT fixture and Hub fixture must report byte-for-byte as recorded.

They pin behaviour across refactors (issue 14). Regenerate on purpose with OPENCHECK_UPDATE_GOLDENS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.clirunner import EXAMPLES, MOT_FIXTURES, REPO, run_cli
from tests.hubreplay.server import HUB_ROOT, HubReplayServer

GOLDENS = Path(__file__).parent / "goldens"
UPDATE = os.environ.get("OPENCHECK_UPDATE_GOLDENS") == "1"
EPOCH = "1767225600"
# The replay server listens on a fresh port each run; the report may echo it in URLs.
PORT_FREE_URL = "http://hub.replay"

EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "workflows")
MOT_FILES = sorted(MOT_FIXTURES.glob("*.yml"))
HUB_MODELS = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in HUB_ROOT.glob("*/*/model.json")
                    if p.parent.parent.name != "datasets")


def _compare(name: str, text: str) -> None:
    # The report names a target's absolute path; each checkout (or worktree) lives somewhere else.
    text = text.replace(str(REPO), "<checkout>")
    golden = GOLDENS / f"{name}.json"
    if UPDATE:
        GOLDENS.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.is_file(), f"no golden {golden.name}: run with OPENCHECK_UPDATE_GOLDENS=1"
    assert text.encode("utf-8") == golden.read_bytes(), f"{golden.name} differs from the recorded report"


def _check(target: str, *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = run_cli(["check", target, "-p", "all", "-f", "json"], cwd=cwd,
                     env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})})
    assert result.code in (0, 1), result.err
    return result.out


@pytest.mark.parametrize("folder", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_example_report_is_golden(folder: Path) -> None:
    # A relative target keeps the absolute checkout path out of the report.
    _compare(f"example-{folder.name}", _check(f"examples/{folder.name}", cwd=REPO))


@pytest.mark.parametrize("path", MOT_FILES, ids=lambda p: p.stem[:40])
def test_mot_report_is_golden(path: Path) -> None:
    _compare(f"mot-{path.stem}", _check(path.name, cwd=path.parent))


@pytest.mark.parametrize("model", HUB_MODELS)
def test_hub_report_is_golden(model: str, hub_server: HubReplayServer, tmp_path: Path) -> None:
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url, "HF_HOME": str(tmp_path / "hf")}
    result = run_cli(["check", model, "-p", "all", "-f", "json", "--cache-dir", str(tmp_path / "cache")],
                     cwd=tmp_path, env={"SOURCE_DATE_EPOCH": EPOCH, **env})
    # A private or gated fixture is a recorded failure, and its one-line message is the golden.
    text = result.out if result.code in (0, 1) else f"exit {result.code}\n{result.err}"
    _compare("hub-" + model.replace("/", "--"), text.replace(hub_server.url.rstrip("/"), PORT_FREE_URL))


# Last, so that a regeneration run has written every golden before the set is compared.
def test_every_source_of_goldens_is_present() -> None:
    assert len(EXAMPLE_DIRS) >= 2 and len(MOT_FILES) == 27 and len(HUB_MODELS) >= 10
    names = {f"example-{p.name}" for p in EXAMPLE_DIRS} | {f"mot-{p.stem}" for p in MOT_FILES}
    names |= {"hub-" + m.replace("/", "--") for m in HUB_MODELS}
    assert {p.stem for p in GOLDENS.glob("*.json")} == names
