"""The one look-up vocabulary of `check` and `batch`: --lookup, --no-lookup, --strict-lookups (and old spellings)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, TextIO

from opencheck.errors import SourceError, UsageError
from opencheck.evidence import LOOKUP_NAMES

if TYPE_CHECKING:
    from opencheck.engine.packs import Pack


class LookupChoice(str, Enum):
    """Optional look-ups: auto (what the enabled rules read), none, or one by name."""

    AUTO = "auto"
    NONE = "none"
    REFS = "refs"
    DATASETS = "datasets"
    GITHUB = "github"
    ARXIV = "arxiv"
    DOCUMENTS = "documents"


class LookupName(str, Enum):
    """One optional look-up."""

    REFS = "refs"
    DATASETS = "datasets"
    GITHUB = "github"
    ARXIV = "arxiv"
    DOCUMENTS = "documents"


LOOKUP_HELP = ("Optional look-ups: auto (default: those the enabled rules read), none, or refs (Hub branches: "
               "checkpoints), datasets (dataset cards: data licences), github (linked code licences and file "
               "trees), arxiv (linked papers' licences), documents (a "
               "published EU training-content summary); "
               "repeatable. Each costs requests; a failed one leaves its facts unknown, never false.")
NO_LOOKUP_HELP = "Skip this look-up (refs, datasets, github, arxiv or documents; repeatable)."
STRICT_HELP = ("Exit 3 (after writing the report) if any look-up failed, for CI that must not publish a verdict "
               "built on partial facts.")


def resolve_lookups(chosen: Iterable[LookupChoice | str], skipped: Iterable[LookupName | str], *,
                    legacy_all: bool | None = None, legacy_no_github: bool = False) -> frozenset[str]:
    """The look-ups allowed: --lookup values minus --no-lookup ones; old spellings folded in.

    `legacy_all` is the old `--lookups/--no-lookups` switch (None when not given); `legacy_no_github` the old
    `--no-github`. The check then runs the allowed look-ups its rules read, so `check` and `batch` given the
    same options spend the same look-ups and reach the same verdicts.
    """
    names = [c.value if isinstance(c, LookupChoice) else str(c) for c in chosen]
    skip = {c.value if isinstance(c, LookupName) else str(c) for c in skipped}
    if "none" in names and len(set(names)) > 1:
        raise UsageError("--lookup none cannot be combined with other --lookup values")
    if bad := skip - set(LOOKUP_NAMES):
        raise UsageError(f"--no-lookup {sorted(bad)[0]}: expected one of {', '.join(LOOKUP_NAMES)}")
    if legacy_all is False:
        names = ["none"]
    if legacy_no_github:
        skip.add("github")
    if not names or "auto" in names:
        allowed = set(LOOKUP_NAMES)
    elif names == ["none"]:
        allowed = set()
    else:
        allowed = set(names)
    return frozenset(allowed - skip)


def lookup_needs(allowed: frozenset[str], packs: Iterable[Pack]) -> frozenset[str]:
    """The allowed look-ups the packs' rules read (the rest would cost requests for nothing)."""
    from opencheck.engine.needs import packs_needs

    return packs_needs(packs) & allowed


def finish_lookups(headline: str | None, strict: bool, stderr: TextIO) -> None:
    """After the report is written: warn once on stderr, or with --strict-lookups fail with exit 3."""
    if headline is None:
        return
    if strict:
        raise SourceError(f"{headline} (--strict-lookups)")
    stderr.write(f"opencheck: warning: {headline}\n")
