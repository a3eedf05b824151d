"""Whole-word patterns for the names a packaged table lists (benchmarks, training corpora)."""

from __future__ import annotations

import re
from typing import Any


def names_pattern(names: Any) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `names` as whole words, longest first, with spaces,
    underscores and hyphens between a name's words interchangeable."""
    from opencheck.compiled_forms import program_regex

    ordered = sorted((str(n) for n in names or []), key=len, reverse=True)
    words = "|".join(r"[\s_-]+".join(re.escape(t) for t in re.split(r"[\s_-]+", n.strip()) if t) for n in ordered)
    return program_regex(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
