"""Fingerprint shingles (consecutive word tuples) are the same whichever way they are built."""

from __future__ import annotations

import itertools

from opencheck.licenses.fingerprints import _shingles, load_fingerprints, match_fingerprints


def _sliced(words: list[str], size: int) -> frozenset[tuple[str, ...]]:
    """The definition: the tuple of `size` words starting at each position."""
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def test_shingles_are_the_sliced_tuples_for_every_short_text_and_size() -> None:
    for length in range(7):
        for words in itertools.product("ab", repeat=length):
            for size in range(5):
                assert _shingles(list(words), size) == _sliced(list(words), size), (words, size)


def test_every_packaged_phrase_keeps_its_shingles_and_a_licence_text_is_still_identified() -> None:
    for variant in load_fingerprints().variants:
        for phrase in variant.phrases:
            assert all(len(s) == phrase.size for s in phrase.shingles)
    mit = ("Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
           "associated documentation files (the \"Software\"), to deal in the Software without restriction, "
           "including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, "
           "and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, "
           "subject to the following conditions: The above copyright notice and this permission notice shall be "
           "included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", "
           "WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF "
           "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.")
    assert match_fingerprints(mit).licence_id == "MIT"
