"""Packaged tables of named datasets (benchmarks, training corpora): each entry's Hub dataset, the licence its card
states, and one whole-word pattern for the names a card calls it by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NamedDataset:
    """One known dataset: its key in the table, its Hub dataset and the licence that dataset's card states."""

    key: str
    dataset: str
    licence: str | None
    pattern: re.Pattern[str]


def names_pattern(names: Any) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `names` as whole words, longest first, with spaces,
    underscores and hyphens between a name's words interchangeable."""
    from opencheck.compiled_forms import program_regex

    ordered = sorted((str(n) for n in names or []), key=len, reverse=True)
    words = "|".join(r"[\s_-]+".join(re.escape(t) for t in re.split(r"[\s_-]+", n.strip()) if t) for n in ordered)
    return program_regex(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)


def load_named_datasets(file_name: str, key: str, what: str) -> tuple[NamedDataset, ...]:
    """The entries of the packaged table rules/licenses/FILE_NAME under `key`, in table order (an earlier entry
    wins a name it shares with a later one)."""
    from opencheck._resources import load_packaged_mapping, rules_dir

    table = load_packaged_mapping(rules_dir() / "licenses" / file_name, key, what)[key]
    return tuple(NamedDataset(str(k), str(entry["dataset"]), entry.get("licence"), names_pattern(entry.get("names")))
                 for k, entry in table.items())
