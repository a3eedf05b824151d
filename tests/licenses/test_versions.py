"""The versions stamped into a report are what importlib.metadata says, read without importing it."""

from __future__ import annotations

import importlib.metadata

from opencheck.licenses.versions import _package_version


def test_package_versions_read_without_importlib_metadata_agree_with_it() -> None:
    names = sorted({dist.metadata["Name"] for dist in importlib.metadata.distributions()})
    assert len(names) > 20
    for name in names:
        assert _package_version(name) == importlib.metadata.version(name), name
    assert _package_version("no-such-package-anywhere") == "unknown"
