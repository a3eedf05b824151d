"""Licence ids that appeared on the Hub in 2024-2026: each has a class and a dated source in the licence table."""

from __future__ import annotations

import re

import pytest

from opencheck.licenses import classify
from opencheck.licenses.data import entry_for

# Hub `license:` / `license_name` value -> (canonical id, class); reference eu-ai-act.md section 5.
RECENT: dict[str, tuple[str, str]] = {
    "qwen-research": ("LicenseRef-opencheck-qwen-research", "non-commercial"),
    "mrl": ("LicenseRef-opencheck-mistral-research-licence", "non-commercial"),
    "mnpl": ("LicenseRef-opencheck-mistral-non-production", "non-commercial"),
    "falcon-llm-license": ("LicenseRef-opencheck-falcon-llm-license", "restricted"),
    "deepseek": ("LicenseRef-scancode-deepseek-la-1.0", "restricted"),
    "deepseek-license": ("LicenseRef-scancode-deepseek-la-1.0", "restricted"),
    "nvidia-open-model-license": ("LicenseRef-opencheck-nvidia-open-model-license", "restricted"),
    "modified-mit": ("LicenseRef-opencheck-modified-mit", "unknown"),
    "llama3.3": ("LicenseRef-scancode-llama-3.3-license-2024", "restricted"),
    "llama4": ("LicenseRef-scancode-llama-4-license-2025", "restricted"),
    "openmdw-1.1": ("LicenseRef-opencheck-openmdw-1.1", "open-data"),
}


@pytest.mark.parametrize("raw", sorted(RECENT))
def test_recent_licence_has_class_and_dated_source(raw: str) -> None:
    """The id normalises to its table row, has the expected class, and the reason cites a dated source."""
    expected_id, expected_class = RECENT[raw]
    result = classify(raw)
    assert result.expression == expected_id
    assert result.licence_class.value == expected_class
    entry = entry_for(expected_id)
    assert entry is not None and entry.source
    assert re.search(r"\b20(2[4-6])(-\d\d)?", entry.source), entry.source
    assert f"source: {entry.source}" in result.reason


def test_unverified_classes_say_so() -> None:
    """A class taken from derivatives' cards is reported as unverified, not stated as fact."""
    for raw in ("nvidia-open-model-license", "modified-mit", "mnpl"):
        assert "unverified" in classify(raw).reason


def test_openmdw_1_1_under_mof_is_named_a_permissive_licence_mot_does_not_list(tmp_path) -> None:
    """MOT matches ids exactly, so OpenMDW-1.1 is not open under mof; the finding says why in one line."""
    from tests.packs.builders import result, run

    from opencheck.collect import collect

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: openmdw-1.1\n---\n# M\n")
    (folder / "model.safetensors").write_bytes(b"{}")
    finding = result(run("mof", collect(str(folder))), "OC-MOF-WEIGHTS-FINAL")
    assert finding.status.value == "fail"
    assert "a permissive licence MOT does not list yet" in finding.message
    (folder / "README.md").write_text("---\nlicense: bigscience-bloom-rail-1.0\n---\n# M\n")
    finding = result(run("mof", collect(str(folder))), "OC-MOF-WEIGHTS-FINAL")
    assert "MOT does not list yet" not in finding.message
