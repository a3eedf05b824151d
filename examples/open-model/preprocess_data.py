"""Normalise, deduplicate and tokenize the raw corpus into training shards (reference stub)."""

import hashlib
import unicodedata


def clean(lines):
    """Yield NFC-normalised, exact-deduplicated lines."""
    seen = set()
    for line in lines:
        text = unicodedata.normalize("NFC", line.strip())
        digest = hashlib.sha256(text.encode()).hexdigest()
        if text and digest not in seen:
            seen.add(digest)
            yield text
