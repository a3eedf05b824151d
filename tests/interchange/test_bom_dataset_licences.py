"""Both BOMs carry the licences a manifest declares for the training and evaluation data (issue 23.11)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.interchange.helpers import EXAMPLES, cyclonedx_errors, spdx_errors

MANIFEST = """framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
release:
  name: data-model
  version: '1'
  date: '2026-01-01'
  type: language
  architecture: transformer
  origin: ''
  producer: Example Org
  contact: ''
  license: {}
  components:
%s
"""


def _boms(target: Path) -> tuple[dict, dict]:
    cdx = run_cli(["bom", str(target), "--format", "cyclonedx"])
    spdx = run_cli(["bom", str(target), "--format", "spdx"])
    assert cdx.code == 0 and spdx.code == 0, cdx.err + spdx.err
    assert cyclonedx_errors(cdx.out) is None
    doc = json.loads(spdx.out)
    assert spdx_errors(doc) == []
    return json.loads(cdx.out), doc


def _cdx_licences(doc: dict) -> dict[tuple[str, str], list]:
    return {(c["name"], next(p["value"] for p in c["properties"] if p["name"] == "opencheck:dataset:role")):
            c.get("licenses", []) for c in doc.get("components", []) if c["type"] == "data"}


def _spdx_licences(doc: dict) -> dict[str, tuple[str, str]]:
    graph = doc["@graph"]
    expressions = {e["spdxId"]: e["simplelicensing_licenseExpression"] for e in graph
                   if e["type"] == "simplelicensing_LicenseExpression"}
    out = {}
    for data in (e for e in graph if e["type"] == "dataset_DatasetPackage"):
        rels = {r["relationshipType"]: r["to"][0] for r in graph
                if r["type"] == "Relationship" and r["from"] == data["spdxId"]}
        out[data["name"]] = (expressions.get(rels["hasDeclaredLicense"], rels["hasDeclaredLicense"]),
                             rels["hasConcludedLicense"])
    return out


def test_example_folder_datasets_carry_the_manifest_licence(tmp_path: Path) -> None:
    folder = tmp_path / "open-model"
    shutil.copytree(EXAMPLES / "open-model", folder)
    cdx, spdx = _boms(folder)
    assert _cdx_licences(cdx) == {
        ("example-org/tiny-web-corpus", "training"): [{"license": {"id": "ODC-By-1.0"}}],
        ("example-org/tiny-web-corpus-heldout", "evaluation"): [{"license": {"id": "ODC-By-1.0"}}],
    }
    # Declared as the manifest states; the concluded licence stays a non-assertion (opencheck draws no
    # legal conclusion), as for the model itself.
    assert _spdx_licences(spdx) == {
        "example-org/tiny-web-corpus": ("ODC-By-1.0", "expandedlicensing_NoAssertionLicense"),
        "example-org/tiny-web-corpus-heldout": ("ODC-By-1.0", "expandedlicensing_NoAssertionLicense"),
    }


def test_manifest_alone(tmp_path: Path) -> None:
    path = tmp_path / "opencheck.yaml"
    path.write_text(MANIFEST % "\n".join([
        "    - {name: Datasets, description: org/web-text, license: CC-BY-4.0,",
        "       component_path: 'https://example.org/web-text'}",
        "    - {name: Evaluation data, description: held-out questions, license: MIT}",
    ]))
    cdx, spdx = _boms(path)
    assert _cdx_licences(cdx) == {("org/web-text", "training"): [{"license": {"id": "CC-BY-4.0"}}],
                                  ("held-out questions", "evaluation"): [{"license": {"id": "MIT"}}]}
    assert _spdx_licences(spdx)["org/web-text"][0] == "CC-BY-4.0"
    assert _spdx_licences(spdx)["held-out questions"][0] == "MIT"
    data = next(c for c in cdx["components"] if c["name"] == "org/web-text")
    assert data["externalReferences"] == [{"type": "distribution", "url": "https://example.org/web-text"}]


def test_unnamed_declared_datasets_still_carry_their_licence(tmp_path: Path) -> None:
    path = tmp_path / "opencheck.yaml"
    path.write_text(MANIFEST % "    - {name: Datasets, license: ODC-By-1.0}")
    cdx, spdx = _boms(path)
    assert _cdx_licences(cdx) == {("declared training data", "training"): [{"license": {"id": "ODC-By-1.0"}}]}
    assert _spdx_licences(spdx)["declared training data"][0] == "ODC-By-1.0"


@pytest.mark.parametrize("licence", ["unlicensed", "''"])
def test_no_licence_declared_stays_no_assertion(tmp_path: Path, licence: str) -> None:
    path = tmp_path / "opencheck.yaml"
    path.write_text(MANIFEST % f"    - {{name: Datasets, description: org/web-text, license: {licence}}}")
    cdx, spdx = _boms(path)
    assert _cdx_licences(cdx) == {("org/web-text", "training"): []}
    assert _spdx_licences(spdx)["org/web-text"][0] == "expandedlicensing_NoAssertionLicense"


def test_card_dataset_gets_the_declared_licence_of_the_folder_manifest(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\ndatasets: [org/a, org/b]\n---\n# M\n")
    (tmp_path / "opencheck.yaml").write_text(MANIFEST % "    - {name: Datasets, license: CDLA-Permissive-2.0}")
    cdx, spdx = _boms(tmp_path)
    licence = [{"license": {"id": "CDLA-Permissive-2.0"}}]
    assert _cdx_licences(cdx) == {("org/a", "training"): licence, ("org/b", "training"): licence}
    assert {name: lic for name, (lic, _) in _spdx_licences(spdx).items()} == {
        "org/a": "CDLA-Permissive-2.0", "org/b": "CDLA-Permissive-2.0"}
