"""What is known about the weights without reading them: their files, parameter count, and any access gate."""

from __future__ import annotations

from dataclasses import replace

from opencheck.evidence import Evidence, FileKind, ModelCard, Provenance

# Front-matter keys that set up the Hub's access form (hub-docs models-gated.md); any of them means a gate.
GATE_KEYS = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading", "extra_gated_description",
             "extra_gated_button_content", "extra_gated_eu_disallowed")


def declared_gate(card: ModelCard | None) -> Provenance | None:
    """Where a card declares a Hub access gate (`gated: true|auto|manual` or an `extra_gated_*` key), if it does."""
    if card is None:
        return None
    meta = card.metadata
    gated = meta.get("gated")
    if gated is True or (isinstance(gated, str) and gated.strip().lower() in {"true", "auto", "manual", "yes"}):
        return replace(card.key_provenance("gated"), note=f"the card declares a Hub gate (gated: {gated})")
    for key in GATE_KEYS:
        value = meta.get(key)
        if value not in (None, "", {}, [], False):
            return replace(card.key_provenance(key), note="the card declares a Hub access form")
    return None


def detect_weights(evidence: Evidence) -> None:
    """Fill `evidence.weights`: weight files, the Hub's parameter count and dtypes, and the access gate."""
    weights = evidence.weights
    if not weights.files:
        weights.files = [f.path for f in evidence.files_of(FileKind.WEIGHTS)]
    hub_safetensors = evidence.hub.get("safetensors")
    if weights.parameters is None and isinstance(hub_safetensors, dict):
        total = hub_safetensors.get("total")
        if isinstance(total, int) and not isinstance(total, bool):
            weights.parameters = total
            params = hub_safetensors.get("parameters")
            if isinstance(params, dict):
                weights.dtypes = {str(k): int(v) for k, v in params.items() if isinstance(v, int)}
            weights.provenance = Provenance(key="safetensors", note="Hub safetensors metadata")
    if evidence.hub.get("gated"):
        weights.gated = True
        weights.gate = Provenance(key="gated", url=evidence.hub.get("url"),
                                  note=f"gated on the Hub ({evidence.hub['gated']})")
    elif "gated" not in evidence.hub and (declared := declared_gate(evidence.card)) is not None:
        # No Hub answer to go by (a local folder or a manifest): a card that sets up the Hub's access form is gated.
        weights.gated = True
        weights.gate = declared
