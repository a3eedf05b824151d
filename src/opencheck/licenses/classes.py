"""Licence classes: opencheck's own openness policy (licenses.md section 1)."""

from __future__ import annotations

from enum import Enum


class LicenceClass(str, Enum):
    """How open a licence is, from opencheck's point of view."""

    OSI = "osi"
    FREE = "free"
    OPEN_DATA = "open-data"
    RESTRICTED = "restricted"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    PROPRIETARY = "proprietary"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"

    @property
    def is_open(self) -> bool:
        """True for the classes that grant the open freedoms: osi, free, open-data."""
        return self in _OPEN

    @property
    def rank(self) -> int:
        """Openness order, lower is more open; AND takes the highest rank, OR the lowest."""
        return _RANK[self]


_OPEN = frozenset({LicenceClass.OSI, LicenceClass.FREE, LicenceClass.OPEN_DATA})

# osi > free > open-data > ambiguous > unknown > the closed classes (licenses.md section 3).
# The order among the closed classes only has to be stable, so AND results are deterministic.
_RANK: dict[LicenceClass, int] = {
    LicenceClass.OSI: 0,
    LicenceClass.FREE: 1,
    LicenceClass.OPEN_DATA: 2,
    LicenceClass.AMBIGUOUS: 3,
    LicenceClass.UNKNOWN: 4,
    LicenceClass.RESTRICTED: 5,
    LicenceClass.NO_DERIVATIVES: 6,
    LicenceClass.NON_COMMERCIAL: 7,
    LicenceClass.PROPRIETARY: 8,
}
