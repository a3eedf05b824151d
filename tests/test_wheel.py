"""The built wheel carries rules/ and schemas/ and works outside the source checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mot" / "Test_Data" / \
    "Class1TestFile_C1_100%-C2_100%-C3_100%_15C_2G_15L_15V_0I_15T.yml"


def test_wheel_ships_data_and_runs_from_it(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("opencheck-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "opencheck/_data/rules/packs/mof.yaml" in names
    assert "opencheck/_data/schemas/report.schema.json" in names
    assert "opencheck/_data/schemas/manifest.schema.json" in names
    assert "opencheck/_data/rules/mof/LICENSE-MOT" in names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    # The installed copy comes first on the path, so the checkout's own data cannot be picked up by accident.
    env = {**os.environ, "PYTHONPATH": str(site), "SOURCE_DATE_EPOCH": "0"}
    where = subprocess.run([sys.executable, "-c", "import opencheck._resources as r; print(r.data_root())"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    run = subprocess.run([sys.executable, "-m", "opencheck", "check", str(FIXTURE), "-p", "mof", "-f", "json"],
                         cwd=workdir, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["packs"][0]["grade"]["value"] == "I"
