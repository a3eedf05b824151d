"""The packaged base model table (rules/licenses/base_models.yaml), loaded once for every reader of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_OWNER_PREFIX = re.compile(r"^[\w.-]+/")


@dataclass(frozen=True)
class BaseFamily:
    """One family whose terms bind the models made from it."""

    key: str
    match: re.Pattern[str]  # over a Hub id, from its start
    republished: re.Pattern[str] | None  # `match` without its owner, for a copy republished under another owner
    names: re.Pattern[str] | None  # the words its models are called by in prose, when the table lists them
    licence: str
    source: str


@lru_cache(maxsize=1)
def base_families() -> tuple[BaseFamily, ...]:
    """Each family of the packaged table, in table order."""
    from opencheck._resources import load_packaged_mapping, rules_dir
    from opencheck.compiled_forms import program_regex  # kept between runs like the program's own patterns

    table = load_packaged_mapping(rules_dir() / "licenses" / "base_models.yaml", "families", "the base model table")
    families = []
    for key, entry in table["families"].items():
        if not isinstance(entry, dict):
            continue
        match = str(entry["match"])
        owner = _OWNER_PREFIX.match(match)
        families.append(BaseFamily(
            str(key), program_regex(match, re.IGNORECASE),
            program_regex(match[owner.end():], re.IGNORECASE) if owner else None,
            program_regex(str(entry["names"]), re.IGNORECASE) if entry.get("names") else None,
            str(entry["licence"]), str(entry["source"])))
    return tuple(families)
