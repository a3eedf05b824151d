"""SHA-256 of opencheck's own data without importing hashlib, whose OpenSSL binding costs a small check 2.5 ms.

CPython ships its own SHA-256 (`_sha2` from 3.12, `_sha256` before: the implementation hashlib falls back to when
OpenSSL lacks one), loaded in a tenth of the time; the digest is the same, by definition. An interpreter without
it gets hashlib's. Used for content hashes that key compiled data and identify packs, not for anything secret.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _constructor() -> Any:
    # Looked up once: a failed import searches the whole module path again each time.
    try:
        from _sha256 import sha256 as builtin  # CPython 3.11 and earlier
    except ImportError:
        try:
            from _sha2 import sha256 as builtin  # CPython 3.12+
        except ImportError:
            from hashlib import sha256 as builtin
    return builtin


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object of `data` (`update`, `digest`, `hexdigest`), as `hashlib.sha256(data)` gives."""
    return _constructor()(data)
