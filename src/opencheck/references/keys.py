"""The keys a curated record is found by: a Hub repo id, or a model name with its producer."""

from __future__ import annotations

import re
from typing import Any

# First path segments of huggingface.co URLs that are not a model repository's owner.
_NOT_MODEL_OWNERS = frozenset({"datasets", "spaces", "collections", "docs", "blog", "papers", "models", "organizations",
                               "settings", "join", "login", "api", "tasks", "learn", "chat"})
_HUB_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([^/?#\s]+)/([^/?#\s]+)", re.IGNORECASE)
_BARE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def hub_id(value: Any) -> str | None:
    """The lower-cased Hub model id a URL or bare `org/name` names, or None (datasets, spaces, collections, prose)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _HUB_URL.match(text)
    if match:
        owner, name = match.group(1), match.group(2)
        if owner.lower() in _NOT_MODEL_OWNERS:
            return None
        return f"{owner}/{name}".lower()
    if _BARE_ID.match(text) and "://" not in text:
        return text.lower()
    return None


def name_key(name: Any, producer: Any) -> str | None:
    """`name|producer`, each lower-cased with only letters and digits kept, or None without both."""
    if not isinstance(name, str) or not isinstance(producer, str):
        return None
    a, b = _squash(name), _squash(producer)
    return f"{a}|{b}" if a and b else None


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
