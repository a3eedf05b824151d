"""The Hub session of one check: its HTTP clients (Hub and GitHub), the cache, error wording, the request count."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx2
from huggingface_hub.errors import (
    BadRequestError,
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import hf_raise_for_status

from opencheck.errors import SourceError, UsageError
from opencheck.sources.hub_cache import HubCache
from opencheck.sources.hub_http import CountingClient, FetchResult, RetryPolicy, server_wait
from opencheck.sources.hub_target import HubTarget, is_commit_sha
from opencheck.untrusted_json import loads_untrusted

_README_MAX_BYTES = 2 * 1024 * 1024
_TRUE = ("1", "true", "yes", "on")


def env_true(name: str) -> bool:
    """Whether an environment variable is set to a true value (1, true, yes, on)."""
    return os.environ.get(name, "").strip().lower() in _TRUE


def resolve_token(token: str | None) -> str | None:
    """Explicit token, else HF_TOKEN / HUGGING_FACE_HUB_TOKEN, else the token file; no network."""
    if token:
        return token
    if env_true("HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        return None
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        if value := os.environ.get(name, "").strip():
            return value
    # huggingface_hub.get_token() may try OIDC or refresh a token over the network: read the file ourselves.
    from huggingface_hub import constants

    try:
        return Path(constants.HF_TOKEN_PATH).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def check_url(url: str, what: str) -> str:
    """The URL, if it is a plain http(s) URL; else a usage error naming `what`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"invalid {what}: expected an http(s) URL")
    return url


def shown(target: HubTarget) -> str:
    """The target as messages show it."""
    return str(target)


class HubSession:
    """The requests of one collection: Hub client, GitHub client, cache and the request count."""

    def __init__(self, target: HubTarget, *, endpoint: str, token: str | None, cache: HubCache | None,
                 timeout: float, retry: RetryPolicy, http: httpx2.Client | None = None) -> None:
        self.target = target
        self.endpoint = endpoint
        self.host = urlsplit(endpoint).hostname or endpoint
        self.token = token
        self.cache = cache
        self.timeout = timeout
        self.client = CountingClient(timeout=timeout, retry=retry, http=http)
        self.github: CountingClient | None = None
        self.arxiv: CountingClient | None = None  # opencheck.sources.arxiv: its own client, no Hub token
        self.retry = retry

    @property
    def requests(self) -> int:
        """Requests spent so far, Hub, GitHub and arXiv together."""
        return self.client.requests + sum(c.requests for c in (self.github, self.arxiv) if c is not None)

    def close(self) -> None:
        """Close every client."""
        self.client.close()
        for client in (self.github, self.arxiv):
            if client is not None:
                client.close()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    # -- error mapping -------------------------------------------------------------------------------------
    def _raise_for(self, result: FetchResult) -> None:
        """Turn an error response into SourceError (or a huggingface_hub error the caller handles)."""
        if result.status < 400:
            return
        response = httpx2.Response(result.status, headers=result.headers, content=result.body,
                                   request=result.request)
        hf_raise_for_status(response)

    def describe_hub_error(self, exc: Exception, what: str, repo: str | None = None) -> str:
        """One line for a huggingface_hub error; never includes the token."""
        repo = repo or shown(self.target)
        if isinstance(exc, GatedRepoError):
            return f"{repo}: gated repository: access has not been granted{self._token_hint()}"
        if isinstance(exc, RepositoryNotFoundError):
            why = "the token has no access to it" if self.token else "no token was given"
            return f"{repo}: repository not found on {self.host} (or it is private and {why})"
        if isinstance(exc, RevisionNotFoundError):
            return f"{repo}: revision '{self.target.revision or 'main'}' not found"
        if isinstance(exc, DisabledRepoError):
            return f"{repo}: repository is disabled on {self.host}"
        if isinstance(exc, BadRequestError):
            return f"{what}: the Hub rejected the request (HTTP 400{self._server_message(exc)})"
        if isinstance(exc, HfHubHTTPError):
            status = exc.response.status_code if exc.response is not None else 0
            if status == 429:
                wait = server_wait(exc.response.headers) if exc.response is not None else None
                hint = f"; the Hub asks to wait {wait:g} s" if wait is not None else ""
                return f"{what}: rate limited by {self.host} (HTTP 429{hint}); try again later"
            if status >= 500:
                return f"{what}: {self.host} server error (HTTP {status}); try again later"
            if status in (401, 403):
                return f"{what}: access denied (HTTP {status}){self._token_hint()}"
            return f"{what}: HTTP {status} from {self.host}{self._server_message(exc)}"
        return f"{what}: {exc.__class__.__name__}"

    def _token_hint(self) -> str:
        return "; the token given has no access" if self.token else "; set HF_TOKEN to a token with access"

    @staticmethod
    def _server_message(exc: HfHubHTTPError) -> str:
        message = (exc.server_message or "").strip().splitlines()
        return f": {message[0][:200]}" if message else ""

    # -- Hub calls -----------------------------------------------------------------------------------------
    def fetch_json(self, url: str, what: str, params: dict[str, Any] | None = None) -> tuple[Any, FetchResult]:
        """GET a Hub API URL and parse its JSON (and return the response, for its headers); an error is one
        SourceError line that never carries the token."""
        result = self.client.fetch(url, what=what, params=params, headers=self._headers())
        try:
            self._raise_for(result)
        except (HfHubHTTPError, BadRequestError) as exc:
            raise SourceError(self.describe_hub_error(exc, what)) from None
        try:
            return loads_untrusted(result.body), result
        except ValueError:
            raise SourceError(f"{what}: invalid JSON from {self.host} (truncated or corrupt response)") from None

    def _api_json(self, path: str, what: str, params: dict[str, Any] | None = None) -> Any:
        return self.fetch_json(f"{self.endpoint}{path}", what, params)[0]

    def model_info(self, revision: str | None, *, expand_sha: bool = False) -> dict[str, Any]:
        """GET /api/models/{id}[/revision/{rev}] with blob metadata (or only the sha)."""
        repo = self.target.repo_id
        path = f"/api/models/{repo}" + (f"/revision/{quote(revision, safe='')}" if revision else "")
        what = f"model info for {shown(self.target)}"
        params: dict[str, Any] = {"expand": ["sha"]} if expand_sha else {"blobs": "true"}
        data = self._api_json(path, what, params)
        if not isinstance(data, dict) or not isinstance(data.get("sha"), str) or not is_commit_sha(data["sha"]):
            raise SourceError(f"{what}: unexpected response from {self.host} (no commit sha)")
        if not expand_sha and not isinstance(data.get("siblings", []), list):
            raise SourceError(f"{what}: unexpected response from {self.host} (siblings is not a list)")
        return data

    def readme(self, repo_id: str, sha: str, sibling: dict[str, Any]) -> tuple[str, str | None]:
        """Download README.md at a commit: ("present", text) | ("absent", None) | ("gated", None)."""
        what = f"README.md of {repo_id}@{sha[:12]}"
        url = f"{self.endpoint}/{repo_id}/resolve/{sha}/README.md"
        result = self.client.fetch(url, what=what, headers=self._headers(), foreign_redirects=True)
        try:
            self._raise_for(result)
        except GatedRepoError:
            return "gated", None
        except RemoteEntryNotFoundError:
            return "absent", None
        except (HfHubHTTPError, BadRequestError) as exc:
            if isinstance(exc, HfHubHTTPError) and exc.response is not None and exc.response.status_code == 403:
                return "gated", None  # a bare 403 on a file: the same outcome as an explicit GatedRepo
            raise SourceError(self.describe_hub_error(exc, what)) from None
        data = result.body
        if len(data) > _README_MAX_BYTES:
            data = data[:_README_MAX_BYTES]
        elif not _matches_sibling(data, sibling):
            raise SourceError(f"{what}: downloaded content does not match the Hub's checksum (corrupt response)")
        return "present", data.decode("utf-8", errors="replace")

    def text_file(self, repo_id: str, sha: str, sibling: dict[str, Any], max_bytes: int) -> str | None:
        """Download one small text file at a commit; None when it is gated, absent or fails its checksum."""
        name = sibling["rfilename"]
        what = f"{name} of {repo_id}@{sha[:12]}"
        result = self.client.fetch(f"{self.endpoint}/{repo_id}/resolve/{sha}/{quote(name)}", what=what,
                                   headers=self._headers(), foreign_redirects=True)
        try:
            self._raise_for(result)
        except (HfHubHTTPError, BadRequestError) as exc:
            raise SourceError(self.describe_hub_error(exc, what)) from None
        data = result.body[:max_bytes]
        if len(result.body) <= max_bytes and not _matches_sibling(data, sibling):
            raise SourceError(f"{what}: downloaded content does not match the Hub's checksum (corrupt response)")
        return data.decode("utf-8", errors="replace")

    def refs(self) -> dict[str, Any]:
        """GET /api/models/{id}/refs."""
        what = f"branches of {self.target.repo_id}"
        data = self._api_json(f"/api/models/{self.target.repo_id}/refs", what)
        if not isinstance(data, dict) or not isinstance(data.get("branches"), list):
            raise SourceError(f"{what}: unexpected response from {self.host}")
        return data

    def dataset_info(self, dataset_id: str) -> dict[str, Any]:
        """GET /api/datasets/{id}."""
        what = f"dataset card of {dataset_id}"
        result = self.client.fetch(f"{self.endpoint}/api/datasets/{dataset_id}", what=what, headers=self._headers())
        self._raise_for(result)  # huggingface_hub errors propagate: the caller turns them into problems
        try:
            data = loads_untrusted(result.body)
        except ValueError:
            raise SourceError(f"{what}: invalid JSON from {self.host}") from None
        if not isinstance(data, dict):
            raise SourceError(f"{what}: unexpected response from {self.host}")
        return typed_info(data)

    def github_licence(self, api: str, token: str | None, owner: str, name: str) -> FetchResult:
        """GET {api}/repos/{owner}/{name}/license (a separate client: the HF token never goes to GitHub)."""
        return self._github(api, token, f"repos/{owner}/{name}/license", f"GitHub licence of {owner}/{name}")

    def github_tree(self, api: str, token: str | None, owner: str, name: str) -> FetchResult:
        """GET {api}/repos/{owner}/{name}/git/trees/HEAD?recursive=1: the whole file tree in one request."""
        return self._github(api, token, f"repos/{owner}/{name}/git/trees/HEAD", f"GitHub file tree of {owner}/{name}",
                            params={"recursive": "1"})

    def _github(self, api: str, token: str | None, path: str, what: str,
                params: dict[str, Any] | None = None) -> FetchResult:
        """One GitHub API request on the GitHub client, with GitHub's token only."""
        if self.github is None:
            self.github = CountingClient(timeout=self.timeout, retry=self.retry)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.github.fetch(f"{api.rstrip('/')}/{path}", what=what, params=params, headers=headers)


def _matches_sibling(data: bytes, sibling: dict[str, Any]) -> bool:
    """Check a download against the sibling's LFS sha256 or git blob id, when the Hub gave one."""
    lfs = sibling.get("lfs")
    if isinstance(lfs, dict) and isinstance(lfs.get("sha256"), str):
        return hashlib.sha256(data).hexdigest() == lfs["sha256"]
    blob_id = sibling.get("blobId")
    if isinstance(blob_id, str) and len(blob_id) == 40:
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob_id
    size = sibling.get("size")
    return not isinstance(size, int) or size == len(data)


def siblings(info: dict[str, Any]) -> list[dict[str, Any]]:
    """The well-formed file entries of a model info answer."""
    return [s for s in info.get("siblings") or [] if isinstance(s, dict) and isinstance(s.get("rfilename"), str)]


def card_data(info: dict[str, Any]) -> dict[str, Any]:
    """The card front matter a model info answer carries (`cardData`), or {}."""
    data = info.get("cardData")
    return data if isinstance(data, dict) else {}


_LIST_FIELDS = ("tags", "siblings", "spaces", "widgetData", "evalResults", "model-index")
_OBJECT_FIELDS = ("cardData", "safetensors", "config", "gguf", "transformersInfo", "baseModels")


def typed_info(info: dict[str, Any]) -> dict[str, Any]:
    """A model or dataset info answer whose list and object fields have the type the Hub documents (a list field of
    another type reads as empty, an object field as absent) and whose `tags` are strings: a server may send any
    JSON type anywhere, and every reader after this one iterates them as it expects."""
    out = dict(info)
    for key in _LIST_FIELDS:
        if key in out and not isinstance(out[key], list):
            out[key] = []
    out["tags"] = [t for t in out.get("tags") or [] if isinstance(t, str)]
    for key in _OBJECT_FIELDS:
        if key in out and not isinstance(out[key], dict):
            del out[key]
    return out
