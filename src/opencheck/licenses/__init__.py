"""The licence layer: normalise stated licences, classify them, identify licence texts, find conflicts.

Import is cheap: the `license-expression` index is only built when an expression is first parsed.
"""

from __future__ import annotations

from opencheck.licenses.classes import LicenceClass
from opencheck.licenses.classify import (
    COMPONENT_TYPES,
    Classification,
    PartClass,
    Suitability,
    classify,
    classify_id,
    suitability,
)
from opencheck.licenses.conflicts import LicenceConflict, find_conflicts
from opencheck.licenses.data import licence_name
from opencheck.licenses.fingerprints import TextMatch
from opencheck.licenses.normalise import NormalisedLicence, identify_text, normalise, normalise_many
from opencheck.licenses.versions import licence_data_versions

__all__ = [
    "COMPONENT_TYPES",
    "Classification",
    "LicenceClass",
    "LicenceConflict",
    "NormalisedLicence",
    "PartClass",
    "Suitability",
    "TextMatch",
    "classify",
    "classify_id",
    "find_conflicts",
    "identify_text",
    "licence_data_versions",
    "licence_name",
    "normalise",
    "normalise_many",
    "suitability",
]
