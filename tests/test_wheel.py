"""The built wheel carries rules/ and schemas/ and works from a fresh virtual environment, outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mot" / "Test_Data" / \
    "Class1TestFile_C1_100%-C2_100%-C3_100%_15C_2G_15L_15V_0I_15T.yml"


def test_wheel_ships_data_and_runs_from_a_fresh_venv(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("opencheck-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "opencheck/_data/rules/packs/mof.yaml" in names
    assert "opencheck/_data/schemas/report.schema.json" in names
    assert "opencheck/_data/schemas/manifest.schema.json" in names
    assert "opencheck/_data/rules/mof/LICENSE-MOT" in names

    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)
    python = fresh / "bin" / "python"
    # Offline: the wheel comes from disk, and its dependencies from this environment's site-packages, added as a
    # plain path entry (so this environment's editable opencheck is not on it: its finder lives in a .pth file).
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "deps-from-test-runner.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True)

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    env.pop("PYTHONPATH", None)
    where = subprocess.run([str(python), "-c", "import opencheck._resources as r; print(r.data_root())"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    run = subprocess.run([str(fresh / "bin" / "opencheck"), "check", str(FIXTURE), "-p", "mof", "-f", "json"],
                         cwd=workdir, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["packs"][0]["grade"]["value"] == "I"
    listed = subprocess.run([str(fresh / "bin" / "opencheck"), "rules", "list"], cwd=workdir, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0 and "OC-OSAID-" in listed.stdout
