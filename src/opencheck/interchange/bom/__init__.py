"""AI bills of materials (CycloneDX 1.6 ML-BOM, SPDX 3.0.1 AI/Dataset) built from an evidence record."""

from __future__ import annotations

from opencheck.errors import UsageError
from opencheck.evidence import Evidence

FORMATS = ("cyclonedx", "spdx")


def build_bom(evidence: Evidence, fmt: str, timestamp: str) -> str:
    """The BOM of `evidence` in `fmt` (cyclonedx | spdx) as JSON text; `timestamp` is the creation time."""
    from opencheck.interchange.bom.common import model_facts

    facts = model_facts(evidence)
    if fmt == "cyclonedx":
        from opencheck.interchange.bom.cyclonedx import cyclonedx_json

        return cyclonedx_json(facts, timestamp)
    if fmt == "spdx":
        from opencheck.interchange.bom.spdx import spdx_json

        return spdx_json(facts, timestamp)
    raise UsageError(f"unknown BOM format {fmt!r}; expected one of: {', '.join(FORMATS)}")
