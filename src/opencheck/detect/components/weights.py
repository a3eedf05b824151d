"""The weights family: final model parameters (weight files) and intermediate ones (checkpoints)."""

from __future__ import annotations

from opencheck.detect.components.base import ComponentBuilder, file_provenance
from opencheck.evidence import Evidence, FileKind, Provenance


def detect_weights_components(evidence: Evidence, built: ComponentBuilder) -> None:
    """Model parameters (Final) and Model parameters (Intermediate)."""
    weights = evidence.files_of(FileKind.WEIGHTS)
    if weights:
        where = file_provenance(weights)
        if evidence.weights.parameters:
            where.insert(0, Provenance(file=weights[0].path,
                                       note=f"{evidence.weights.parameters:,} parameters {evidence.weights.dtypes}"))
        built.present("Model parameters (Final)", where)
    else:
        built.missing("Model parameters (Final)", usually_elsewhere=False, note="no weight files")
    if evidence.checkpoints:
        built.present("Model parameters (Intermediate)", [p for _, p in evidence.checkpoints])
    else:
        built.missing("Model parameters (Intermediate)", usually_elsewhere=True,
                      note="no checkpoint folders or checkpoint branches found")
