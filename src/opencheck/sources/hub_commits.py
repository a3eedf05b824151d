"""The Hub's revision listings for `opencheck history`: commits (paged), branch heads and model info at a sha.

Every request goes through the Hub source's counting client (`sources.hub`), so the history report can state
what it cost. The commits listing (`GET /api/models/{id}/commits/{rev}`) is paged with `Link: rel="next"`:
pages are bounded, must stay on the Hub's origin, and a link back to a page already read stops the listing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from opencheck.errors import SourceError
from opencheck.sources.http_limits import link_next
from opencheck.sources.hub_http import RetryPolicy
from opencheck.sources.hub_target import HubTarget, is_commit_sha
from opencheck.url_parts import same_origin

MAX_COMMIT_PAGES = 200  # pages of one commits listing (the Hub serves 50 a page: 10,000 commits)


@dataclass(frozen=True)
class HubCommit:
    """One commit of a Hub repository as the commits listing gives it."""

    sha: str
    title: str
    date: str | None  # ISO 8601, as the Hub wrote it
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class HubBranch:
    """One branch of a Hub repository and the commit it points at."""

    name: str
    sha: str


def _digest(url: str) -> bytes:
    return hashlib.blake2b(url.encode("utf-8", "replace"), digest_size=16).digest()


def _commit(item: Any) -> HubCommit | None:
    if not isinstance(item, dict) or not is_commit_sha(item.get("id")):
        return None
    authors = item.get("authors") if isinstance(item.get("authors"), list) else []
    names = tuple(str(a.get("user")) for a in authors if isinstance(a, dict) and isinstance(a.get("user"), str))
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    date = item.get("date") if isinstance(item.get("date"), str) else None
    return HubCommit(sha=item["id"], title=title.splitlines()[0][:200] if title else "", date=date, authors=names)


class HubRevisions:
    """The history requests for one Hub repository, on the Hub source's counting client and cache rules."""

    def __init__(self, target: HubTarget, *, endpoint: str, token: str | None, timeout: float,
                 retry: RetryPolicy | None = None, http: Any = None) -> None:
        from opencheck.sources.hub_client import HubSession as _Hub

        self.target = target
        self.endpoint = endpoint.rstrip("/")
        self._hub = _Hub(target, endpoint=self.endpoint, token=token, cache=None, timeout=timeout,
                         retry=retry or RetryPolicy(), http=http)

    @property
    def requests(self) -> int:
        """Requests sent so far (retries and redirect hops included)."""
        return self._hub.requests

    def close(self) -> None:
        """Release connections."""
        self._hub.close()

    def commits(self, *, stop_after: int | None = None, since: str | None = None) -> list[HubCommit]:
        """Commits of the target's revision (default branch if none), newest first.

        Listing stops once `stop_after` commits are read or a commit is older than `since` (ISO date), so a
        bounded history costs only the pages it needs.
        """
        hub = self._hub
        revision = self.target.revision or "main"
        what = f"commit history of {self.target}"
        url: str | None = f"{self.endpoint}/api/models/{self.target.repo_id}/commits/{quote(revision, safe='')}"
        seen: set[bytes] = set()
        found: list[HubCommit] = []
        for page in range(1, MAX_COMMIT_PAGES + 2):
            if url is None:
                break
            if page > MAX_COMMIT_PAGES:
                raise SourceError(f"{what}: more than {MAX_COMMIT_PAGES} pages; stopping")
            seen.add(_digest(url))
            items, result = hub.fetch_json(url, what)
            if not isinstance(items, list):
                raise SourceError(f"{what}: unexpected response from {hub.host} (not a list)")
            for item in items:
                commit = _commit(item)
                if commit is None:
                    continue
                if since is not None and commit.date is not None and commit.date[:10] < since:
                    return found  # newest first: every later commit is older still
                found.append(commit)
                if stop_after is not None and len(found) >= stop_after:
                    return found
            url = link_next(result.headers.get("link"))
            # The next-page URL comes from the server: the token never goes to another origin.
            if url and not same_origin(url, self.endpoint):
                raise SourceError(f"{what}: next page is on another host; not following")
            if url and _digest(url) in seen:
                raise SourceError(f"{what}: the next-page link points back to a page already listed; stopping")
        return found

    def branches(self) -> list[HubBranch]:
        """Every branch and its head commit (`GET /api/models/{id}/refs`)."""
        return self.refs()[0]

    def refs(self) -> tuple[list[HubBranch], list[HubBranch]]:
        """Branches and tags, each with the commit it points at (one `GET /api/models/{id}/refs`)."""
        data = self._hub.refs()

        def group(name: str) -> list[HubBranch]:
            items = data.get(name) if isinstance(data.get(name), list) else []
            out = [HubBranch(b["name"], b["targetCommit"]) for b in items if isinstance(b, dict)
                   and isinstance(b.get("name"), str) and is_commit_sha(b.get("targetCommit"))]
            return sorted(out, key=lambda b: b.name)

        return group("branches"), group("tags")

    def model_info(self, revision: str) -> dict[str, Any]:
        """The model info (with blob metadata) at a revision; raises SourceError on failure."""
        hub = self._hub
        # Errors name the revision asked for ("revision 'v2' not found"), not the listing's.
        hub.target = HubTarget(self.target.repo_id, revision)
        try:
            return hub.model_info(revision)
        finally:
            hub.target = self.target
