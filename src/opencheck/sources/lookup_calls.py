"""What every optional look-up shares: a failed one recorded as unknown facts, and day-old answers from the cache.

The Hub's own look-ups (hub_lookups.py), the arXiv look-up (arxiv.py) and GitHub's file trees (github_tree.py) all
run through these, so a failure reads the same in every report whichever look-up it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from huggingface_hub.errors import BadRequestError, HfHubHTTPError

from opencheck.errors import SourceError
from opencheck.evidence import Evidence, LookupFailure, Problem, Provenance
from opencheck.sources.hub_client import HubSession

T = TypeVar("T")


def lookup_failed(evidence: Evidence, lookup: str, subject: str, code: str, message: str, where: Provenance) -> None:
    """Record a failed look-up: a problem in the report, and facts the rules must read as unknown."""
    evidence.lookup_failures.append(LookupFailure(lookup, subject, message))
    evidence.problems.append(Problem(code, message, where))


def soft_lookup(hub: HubSession, evidence: Evidence, lookup: str, subject: str, code: str, what: str,
          call: Callable[[], T]) -> T | None:
    """Run an optional lookup; a failure becomes a problem and an unknown fact instead of failing the check."""
    try:
        return call()
    except SourceError as exc:
        message = str(exc)
    except (HfHubHTTPError, BadRequestError) as exc:
        message = hub.describe_hub_error(exc, what)
    lookup_failed(evidence, lookup, subject, code, message, Provenance(note=what))
    return None


# Branch lists, dataset cards and code licences are not pinned to the model's commit; a day-old answer is fresh
# enough for an openness verdict and keeps a repeated check of an unchanged repo at one request.
EXTRAS_MAX_AGE = 24 * 3600.0


# Answers about things many models share (a dataset, a paper, a code repository) are cached once for all of them.
SHARED_KEY_PREFIXES = ("dataset--", "dataset-card--", "github--", "github-tree--", "arxiv--")


def _scope(hub: HubSession, key: str) -> str | None:
    return None if key.startswith(SHARED_KEY_PREFIXES) else hub.target.repo_id


def cached_extra(hub: HubSession, key: str, offline: bool) -> Any:
    """A cached optional-lookup answer: any age when offline, else only a fresh one."""
    if hub.cache is None:
        return None
    return hub.cache.get_extra(_scope(hub, key), key, max_age=None if offline else EXTRAS_MAX_AGE)


def store_extra(hub: HubSession, key: str, payload: Any) -> None:
    """Cache an optional-lookup answer where cached_extra finds it (shared for datasets, papers and repositories)."""
    if hub.cache is not None:
        hub.cache.put_extra(_scope(hub, key), key, payload)


