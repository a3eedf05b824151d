"""Every one of the 83 Hugging Face Hub licence ids maps to something."""

from __future__ import annotations

import pytest

from opencheck.licenses import LicenceClass, classify, normalise

# hub-docs docs/hub/repositories-licenses.md @242f4a1 -> (expected normal form, expected class)
HUB_IDS: dict[str, tuple[str | None, str]] = {
    "apache-2.0": ("Apache-2.0", "osi"),
    "mit": ("MIT", "osi"),
    "openrail": ("LicenseRef-opencheck-openrail", "restricted"),
    "bigscience-openrail-m": ("LicenseRef-scancode-bigscience-open-rail-m", "restricted"),
    "creativeml-openrail-m": ("LicenseRef-opencheck-creativeml-openrail-m", "restricted"),
    "bigscience-bloom-rail-1.0": ("LicenseRef-scancode-bigscience-rail-1.0", "restricted"),
    "bigcode-openrail-m": ("LicenseRef-scancode-bigcode-open-rail-m-v1", "restricted"),
    "afl-3.0": ("AFL-3.0", "osi"),
    "artistic-2.0": ("Artistic-2.0", "osi"),
    "bsl-1.0": ("BSL-1.0", "osi"),
    "bsd": ("LicenseRef-opencheck-bsd-family", "ambiguous"),
    "bsd-2-clause": ("BSD-2-Clause", "osi"),
    "bsd-3-clause": ("BSD-3-Clause", "osi"),
    "bsd-3-clause-clear": ("BSD-3-Clause-Clear", "free"),
    "c-uda": ("C-UDA-1.0", "restricted"),
    "cc": ("LicenseRef-opencheck-cc-family", "ambiguous"),
    "cc0-1.0": ("CC0-1.0", "open-data"),
    "cc-by-2.0": ("CC-BY-2.0", "open-data"),
    "cc-by-2.5": ("CC-BY-2.5", "open-data"),
    "cc-by-3.0": ("CC-BY-3.0", "open-data"),
    "cc-by-4.0": ("CC-BY-4.0", "open-data"),
    "cc-by-sa-3.0": ("CC-BY-SA-3.0", "open-data"),
    "cc-by-sa-4.0": ("CC-BY-SA-4.0", "open-data"),
    "cc-by-nc-2.0": ("CC-BY-NC-2.0", "non-commercial"),
    "cc-by-nc-3.0": ("CC-BY-NC-3.0", "non-commercial"),
    "cc-by-nc-4.0": ("CC-BY-NC-4.0", "non-commercial"),
    "cc-by-nd-4.0": ("CC-BY-ND-4.0", "no-derivatives"),
    "cc-by-nc-nd-3.0": ("CC-BY-NC-ND-3.0", "non-commercial"),
    "cc-by-nc-nd-4.0": ("CC-BY-NC-ND-4.0", "non-commercial"),
    "cc-by-nc-sa-2.0": ("CC-BY-NC-SA-2.0", "non-commercial"),
    "cc-by-nc-sa-3.0": ("CC-BY-NC-SA-3.0", "non-commercial"),
    "cc-by-nc-sa-4.0": ("CC-BY-NC-SA-4.0", "non-commercial"),
    "cdla-sharing-1.0": ("CDLA-Sharing-1.0", "open-data"),
    "cdla-permissive-1.0": ("CDLA-Permissive-1.0", "open-data"),
    "cdla-permissive-2.0": ("CDLA-Permissive-2.0", "open-data"),
    "wtfpl": ("WTFPL", "free"),
    "ecl-2.0": ("ECL-2.0", "osi"),
    "epl-1.0": ("EPL-1.0", "osi"),
    "epl-2.0": ("EPL-2.0", "osi"),
    "etalab-2.0": ("etalab-2.0", "open-data"),
    "eupl-1.1": ("EUPL-1.1", "osi"),
    "eupl-1.2": ("EUPL-1.2", "osi"),
    "agpl-3.0": ("AGPL-3.0-only", "osi"),
    "gfdl": ("LicenseRef-opencheck-gfdl-family", "ambiguous"),
    "gpl": ("LicenseRef-opencheck-gpl-family", "ambiguous"),
    "gpl-2.0": ("GPL-2.0-only", "osi"),
    "gpl-3.0": ("GPL-3.0-only", "osi"),
    "lgpl": ("LicenseRef-opencheck-lgpl-family", "ambiguous"),
    "lgpl-2.1": ("LGPL-2.1-only", "osi"),
    "lgpl-3.0": ("LGPL-3.0-only", "osi"),
    "isc": ("ISC", "osi"),
    "h-research": ("LicenseRef-opencheck-h-research", "non-commercial"),
    "intel-research": ("LicenseRef-opencheck-intel-research", "non-commercial"),
    "lppl-1.3c": ("LPPL-1.3c", "osi"),
    "ms-pl": ("MS-PL", "osi"),
    "apple-ascl": ("LicenseRef-opencheck-apple-ascl", "unknown"),
    "apple-amlr": ("LicenseRef-opencheck-apple-amlr", "non-commercial"),
    "mpl-2.0": ("MPL-2.0", "osi"),
    "odc-by": ("ODC-By-1.0", "open-data"),
    "odbl": ("ODbL-1.0", "open-data"),
    "openmdw-1.0": ("OpenMDW-1.0", "open-data"),
    "openmdw-1.1": ("LicenseRef-opencheck-openmdw-1.1", "open-data"),
    "openrail++": ("LicenseRef-opencheck-openrail-plus-plus", "restricted"),
    "osl-3.0": ("OSL-3.0", "osi"),
    "postgresql": ("PostgreSQL", "osi"),
    "ofl-1.1": ("OFL-1.1", "osi"),
    "ncsa": ("NCSA", "osi"),
    "unlicense": ("Unlicense", "osi"),
    "zlib": ("Zlib", "osi"),
    "pddl": ("PDDL-1.0", "open-data"),
    "lgpl-lr": ("LGPLLR", "open-data"),
    "deepfloyd-if-license": ("LicenseRef-opencheck-deepfloyd-if-license", "non-commercial"),
    "fair-noncommercial-research-license": (
        "LicenseRef-opencheck-fair-noncommercial-research",
        "non-commercial",
    ),
    "llama2": ("LicenseRef-scancode-llama-2-license-2023", "restricted"),
    "llama3": ("LicenseRef-opencheck-llama-3-license", "restricted"),
    "llama3.1": ("LicenseRef-scancode-llama-3.1-license-2024", "restricted"),
    "llama3.2": ("LicenseRef-scancode-llama-3.2-license-2024", "restricted"),
    "llama3.3": ("LicenseRef-scancode-llama-3.3-license-2024", "restricted"),
    "llama4": ("LicenseRef-scancode-llama-4-license-2025", "restricted"),
    "grok2-community": ("LicenseRef-opencheck-grok-2-community", "restricted"),
    "gemma": ("LicenseRef-scancode-gemma-tou-2024-04-01", "restricted"),
    "unknown": (None, "unknown"),
    "other": (None, "unknown"),
}


def test_all_83_hub_ids_listed() -> None:
    assert len(HUB_IDS) == 83


@pytest.mark.parametrize("hub_id", sorted(HUB_IDS))
def test_hub_id(hub_id: str) -> None:
    expected_expr, expected_class = HUB_IDS[hub_id]
    norm = normalise(hub_id)
    assert norm.expression == expected_expr, norm.how
    assert classify(norm).licence_class is LicenceClass(expected_class)
    if expected_expr is not None and expected_expr != hub_id:
        assert norm.how.startswith("Hub id"), norm.how
        assert norm.suggestion == expected_expr
