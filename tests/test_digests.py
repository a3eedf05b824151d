"""opencheck.digests gives hashlib's SHA-256 (packs' `sha256` in reports and compiled-data keys depend on it)."""

from __future__ import annotations

import hashlib

import pytest

from opencheck.digests import sha256


@pytest.mark.parametrize("data", [b"", b"abc", b"\x00" * 1000, bytes(range(256)) * 513, "licence é".encode()])
def test_the_digest_is_hashlibs(data: bytes) -> None:
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert sha256(data).digest() == hashlib.sha256(data).digest()
    chained = sha256()
    for start in range(0, len(data), 97):
        chained.update(data[start:start + 97])
    assert chained.hexdigest() == hashlib.sha256(data).hexdigest()
