"""Which model a model was fine-tuned from, and the names a card uses for the model itself."""

from __future__ import annotations

import re
from typing import Any

from opencheck.evidence import Evidence

# A Hub id (owner/name), not a local path ("/home/me/llama", "D:/models/x", "./base") a trainer wrote into the file.
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$")


def adapter_base_model(evidence: Evidence) -> str | None:
    """The Hub id a PEFT adapter's adapter_config.json names as its base (`base_model_name_or_path`), if any."""
    value = evidence.adapter_config.get("base_model_name_or_path")
    return value if isinstance(value, str) and _HUB_ID.match(value) and ".." not in value else None


def base_model_source(evidence: Evidence) -> Any:
    """The raw base-model statement: the Hub API's `base_models` when it has one, else the card's `base_model`,
    else the base model a PEFT adapter's adapter_config.json names."""
    hub = evidence.hub.get("base_models")
    if hub is not None:
        return hub
    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    stated = meta.get("base_model") if isinstance(meta, dict) else None
    return stated if stated is not None else adapter_base_model(evidence)


def base_model_ids(raw: Any) -> list[str]:
    """Base model ids from a card's `base_model` (a string or list) or the Hub API's {relation, models: [{id}]}."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        return [m["id"] for m in raw.get("models") or [] if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if isinstance(raw, list):
        return [b for b in raw if isinstance(b, str)]
    return []  # anything else (a number, a bare mapping) names no model


def model_names(evidence: Evidence) -> list[str]:
    """What the card may call this model in a per-model table: the target id and the card's own names."""
    names = [evidence.target.id]
    meta = evidence.card.metadata if evidence.card else {}
    if isinstance(meta.get("model_name"), str):
        names.append(meta["model_name"])
    index = meta.get("model-index")
    if isinstance(index, list):
        names += [entry["name"] for entry in index if isinstance(entry, dict) and isinstance(entry.get("name"), str)]
    return names
