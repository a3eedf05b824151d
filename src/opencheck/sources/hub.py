"""Collect evidence for a Hugging Face Hub model: model_info + README pinned to one commit, cached by sha.

A plain check costs at most two HTTP requests: `GET /api/models/{id}[/revision/{rev}]?blobs=true` and
`GET /{id}/resolve/{sha}/README.md`. With a warm cache an unpinned check spends one (`?expand=sha` to learn
the commit) and a check pinned to a 40-hex sha spends none. Extras (branches, dataset cards, GitHub
licences) are fetched only when asked for in `needs`, and each request is counted in `Evidence.requests`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
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
from opencheck.evidence import (
    LOOKUP_NAMES,
    Evidence,
    FileEntry,
    LicenceStatement,
    LookupFailure,
    Problem,
    Provenance,
    Target,
    TargetKind,
    WeightsInfo,
)
from opencheck.sources.hub_cache import HubCache, default_cache_root
from opencheck.sources.hub_http import CountingClient, FetchResult, RetryPolicy, server_wait
from opencheck.sources.hub_target import HubTarget, is_commit_sha

__all__ = ["KNOWN_NEEDS", "RetryPolicy", "collect_hub"]

DEFAULT_ENDPOINT = "https://huggingface.co"
KNOWN_NEEDS = frozenset(LOOKUP_NAMES)
MAX_DATASETS = 10  # dataset cards looked up per model: bounds the request count of a check
MAX_GITHUB_REPOS = 5
_README_MAX_BYTES = 2 * 1024 * 1024
_GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9-]{1,39})/([A-Za-z0-9._-]{1,100})(?:[/#?]|$)",
                          re.IGNORECASE)
_DATASET_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?$")
_REPO_ID_OK = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_TRUE = ("1", "true", "yes", "on")
T = TypeVar("T")


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def _resolve_token(token: str | None) -> str | None:
    """Explicit token, else HF_TOKEN / HUGGING_FACE_HUB_TOKEN, else the token file; no network."""
    if token:
        return token
    if _env_true("HF_HUB_DISABLE_IMPLICIT_TOKEN"):
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


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"invalid {what}: expected an http(s) URL")
    return url


def _shown(target: HubTarget) -> str:
    return str(target)


class _Hub:
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
        return self.client.requests + sum(c.requests for c in (self.github, self.arxiv) if c is not None)

    def close(self) -> None:
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
        repo = repo or _shown(self.target)
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
    def _api_json(self, path: str, what: str, params: dict[str, Any] | None = None) -> Any:
        result = self.client.fetch(f"{self.endpoint}{path}", what=what, params=params, headers=self._headers())
        try:
            self._raise_for(result)
        except (HfHubHTTPError, BadRequestError) as exc:
            raise SourceError(self.describe_hub_error(exc, what)) from None
        try:
            return json.loads(result.body)
        except ValueError:
            raise SourceError(f"{what}: invalid JSON from {self.host} (truncated or corrupt response)") from None

    def model_info(self, revision: str | None, *, expand_sha: bool = False) -> dict[str, Any]:
        """GET /api/models/{id}[/revision/{rev}] with blob metadata (or only the sha)."""
        repo = self.target.repo_id
        path = f"/api/models/{repo}" + (f"/revision/{quote(revision, safe='')}" if revision else "")
        what = f"model info for {_shown(self.target)}"
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
            data = json.loads(result.body)
        except ValueError:
            raise SourceError(f"{what}: invalid JSON from {self.host}") from None
        if not isinstance(data, dict):
            raise SourceError(f"{what}: unexpected response from {self.host}")
        return data

    def github_licence(self, api: str, token: str | None, owner: str, name: str) -> FetchResult:
        """GET {api}/repos/{owner}/{name}/license (a separate client: the HF token never goes to GitHub)."""
        if self.github is None:
            self.github = CountingClient(timeout=self.timeout, retry=self.retry)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.github.fetch(f"{api.rstrip('/')}/repos/{owner}/{name}/license",
                                 what=f"GitHub licence of {owner}/{name}", headers=headers)

    def github_tree(self, api: str, token: str | None, owner: str, name: str) -> FetchResult:
        """GET {api}/repos/{owner}/{name}/git/trees/HEAD?recursive=1: the whole file tree in one request."""
        if self.github is None:
            self.github = CountingClient(timeout=self.timeout, retry=self.retry)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.github.fetch(f"{api.rstrip('/')}/repos/{owner}/{name}/git/trees/HEAD",
                                 what=f"GitHub file tree of {owner}/{name}", params={"recursive": "1"},
                                 headers=headers)


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


def _siblings(info: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in info.get("siblings") or [] if isinstance(s, dict) and isinstance(s.get("rfilename"), str)]


def _card_data(info: dict[str, Any]) -> dict[str, Any]:
    data = info.get("cardData")
    return data if isinstance(data, dict) else {}


def collect_hub(
    target: HubTarget,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    offline: bool = False,
    needs: frozenset[str] = frozenset(),
    github_api: str = "https://api.github.com",
    github_token: str | None = None,
    no_github: bool = False,
    timeout: float = 10.0,
    retry: RetryPolicy | None = None,
    arxiv_api: str | None = None,
    prefetched_info: dict[str, Any] | None = None,
    http_client: httpx2.Client | None = None,
) -> Evidence:
    """Collect evidence for a Hub model; raise SourceError (one line, no token) when that is impossible.

    `prefetched_info` (batch mode) is the model's entry from a `GET /api/models?expand=...` listing: for an
    unpinned target it replaces the model-info request, so the check costs one request (the README).
    `http_client` is a shared connection pool (batch mode); the request count stays per check.
    """
    if unknown := set(needs) - KNOWN_NEEDS:
        raise UsageError(f"unknown Hub lookups requested: {', '.join(sorted(unknown))}")
    offline = offline or _env_true("HF_HUB_OFFLINE") or _env_true("TRANSFORMERS_OFFLINE")
    endpoint = _check_url((endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"), "Hub endpoint")
    github_api = _check_url(github_api.rstrip("/"), "GitHub API endpoint")
    from opencheck.sources.arxiv import ARXIV_API

    arxiv_api = _check_url((arxiv_api or os.environ.get("OPENCHECK_ARXIV_API") or ARXIV_API).rstrip("/"),
                           "arXiv API endpoint")
    cache = HubCache(cache_dir or default_cache_root()) if use_cache else None
    hub = _Hub(target, endpoint=endpoint, token=None if offline else _resolve_token(token), cache=cache,
               timeout=timeout, retry=retry or RetryPolicy(), http=http_client)
    try:
        if offline:
            info, readme_state, readme_text = _from_cache_only(target, cache)
        else:
            info, readme_state, readme_text = _fetch_core(hub, _usable_listing_info(target, prefetched_info))
        evidence = _build_evidence(target, endpoint, info, readme_state, readme_text)
        evidence.hub["from_cache"] = hub.requests == 0
        _extras(hub, evidence, info, needs=needs, offline=offline, github_api=github_api,
                github_token=None if offline else (github_token or os.environ.get("GITHUB_TOKEN") or None),
                no_github=no_github, arxiv_api=arxiv_api)
    finally:
        hub.close()
    evidence.requests = hub.requests
    from opencheck.sources.facts import enrich

    enrich(evidence)
    return evidence


def _from_cache_only(target: HubTarget, cache: HubCache | None) -> tuple[dict[str, Any], str, str | None]:
    shown = _shown(target)
    if cache is None:
        raise SourceError(f"{shown}: offline mode needs the cache, but the cache is disabled")
    sha = target.revision if target.pinned else cache.get_sha(target.repo_id, target.revision or "main")
    info = cache.get_model_info(target.repo_id, sha) if sha else None
    if info is None:
        raise SourceError(f"{shown}: offline and not in the cache; check it once online first")
    entry = cache.get_readme(target.repo_id, info["sha"])
    if entry is None:
        has_readme = any(s["rfilename"] == "README.md" for s in _siblings(info))
        return info, ("absent" if not has_readme else "unavailable"), None
    return info, entry["state"], entry.get("text")


def _usable_listing_info(target: HubTarget, info: dict[str, Any] | None) -> dict[str, Any] | None:
    """A listing entry stands in for model_info only for the same repo at its default branch, with sha + files."""
    if info is None or target.revision is not None:
        return None
    if info.get("id") != target.repo_id or not isinstance(info.get("sha"), str) or not is_commit_sha(info["sha"]):
        return None
    return info if isinstance(info.get("siblings"), list) else None


def _fetch_core(hub: _Hub, listed: dict[str, Any] | None = None) -> tuple[dict[str, Any], str, str | None]:
    target, cache = hub.target, hub.cache
    info: dict[str, Any] | None = None
    if cache is not None and target.pinned:
        info = cache.get_model_info(target.repo_id, target.revision or "")
    if listed is not None:
        # The listing already told the commit: a full cached answer for it beats the listing's (no blob sizes).
        info = (cache.get_model_info(target.repo_id, listed["sha"]) if cache is not None else None) or listed
        if cache is not None:
            cache.put_sha(target.repo_id, "main", listed["sha"])
        return _readme_for(hub, info)
    if info is None and cache is not None and not target.pinned and cache.has_repo(target.repo_id):
        # Seen before: learn the commit cheaply, and reuse everything stored under it if it has not moved.
        sha = hub.model_info(target.revision, expand_sha=True)["sha"]
        info = cache.get_model_info(target.repo_id, sha)
        if info is None:
            info = hub.model_info(sha)
    if info is None:
        info = hub.model_info(target.revision)
    sha = info["sha"]
    if cache is not None:
        cache.put_model_info(target.repo_id, sha, info)
        if not target.pinned:
            cache.put_sha(target.repo_id, target.revision or "main", sha)
    return _readme_for(hub, info)


def _readme_for(hub: _Hub, info: dict[str, Any]) -> tuple[dict[str, Any], str, str | None]:
    target, cache, sha = hub.target, hub.cache, info["sha"]
    sibling = next((s for s in _siblings(info) if s["rfilename"] == "README.md"), None)
    if sibling is None:
        # The sibling list is complete (files_metadata): no README at this commit, no request needed.
        return info, "absent", None
    entry = cache.get_readme(target.repo_id, sha) if cache is not None else None
    if entry is not None:
        return info, entry["state"], entry.get("text")
    # A renamed repository answers under its new id; files live there (only if the id is well formed).
    canonical = info.get("id")
    if not (isinstance(canonical, str) and "/" in canonical and _REPO_ID_OK.match(canonical)):
        canonical = target.repo_id
    state, text = hub.readme(canonical, sha, sibling)
    if cache is not None and state in ("present", "absent"):
        cache.put_readme(target.repo_id, sha, state, text)
    return info, state, text


def _build_evidence(target: HubTarget, endpoint: str, info: dict[str, Any], readme_state: str,
                    readme_text: str | None) -> Evidence:
    from opencheck.sources.card import parse_card
    from opencheck.sources.file_kinds import classify_path

    sha = info["sha"]
    repo_url = f"{endpoint}/{target.repo_id}"
    evidence = Evidence(target=Target(kind=TargetKind.HUB, id=target.repo_id, revision=target.revision,
                                      resolved_sha=sha))
    for sibling in _siblings(info):
        lfs = sibling.get("lfs") if isinstance(sibling.get("lfs"), dict) else {}
        size = sibling.get("size")
        sha256 = lfs.get("sha256") if isinstance(lfs.get("sha256"), str) else None
        evidence.files.append(FileEntry(path=sibling["rfilename"], size=size if isinstance(size, int) else 0,
                                        kind=classify_path(sibling["rfilename"]), sha256=sha256))
    evidence.files.sort(key=lambda f: f.path)
    if readme_state == "present" and readme_text is not None:
        card, problems = parse_card(readme_text, "README.md")
        evidence.card = card
        evidence.problems.extend(problems)
    elif readme_state == "gated":
        evidence.problems.append(Problem(
            "card-gated", "README.md is gated: the model card could not be read (card facts are unknown)",
            Provenance(file="README.md", url=f"{repo_url}/blob/{sha}/README.md"), severity="info"))
    elif readme_state == "unavailable":
        evidence.problems.append(Problem(
            "card-unavailable", "offline and README.md is not in the cache (card facts are unknown)",
            Provenance(file="README.md"), severity="info"))
    card_data = _card_data(info)
    safetensors = info.get("safetensors") if isinstance(info.get("safetensors"), dict) else None
    base_models = info.get("baseModels") or card_data.get("base_model")
    evidence.hub.update({
        "endpoint": endpoint,
        "url": repo_url,
        "sha": sha,
        "gated": info.get("gated", False),
        "private": info.get("private", False),
        "disabled": info.get("disabled", False),
        "tags": [t for t in info.get("tags") or [] if isinstance(t, str)],
        "pipeline_tag": info.get("pipeline_tag"),
        "library_name": info.get("library_name") or card_data.get("library_name"),
        "base_models": base_models,
        "safetensors": safetensors,
        "model_index": info.get("model-index") or card_data.get("model-index"),
        "eval_results": info.get("evalResults"),
        "card_data": card_data,
        "card_status": readme_state,
        "last_modified": info.get("lastModified"),
        "downloads": info.get("downloads"),
        "likes": info.get("likes"),
    })
    if isinstance(info.get("config"), dict):
        evidence.config = dict(info["config"])
    weights = WeightsInfo(gated=bool(info.get("gated")))
    if safetensors and isinstance(safetensors.get("total"), int):
        weights.parameters = safetensors["total"]
        params = safetensors.get("parameters")
        if isinstance(params, dict):
            weights.dtypes = {str(k): v for k, v in params.items() if isinstance(v, int)}
        weights.provenance = Provenance(key="safetensors", url=f"{endpoint}/api/models/{target.repo_id}",
                                        note="Hub safetensors metadata")
    evidence.weights = weights
    return evidence


# -- extras: refs, datasets, GitHub ----------------------------------------------------------------------------

def _failed(evidence: Evidence, lookup: str, subject: str, code: str, message: str, where: Provenance) -> None:
    """Record a failed look-up: a problem in the report, and facts the rules must read as unknown."""
    evidence.lookup_failures.append(LookupFailure(lookup, subject, message))
    evidence.problems.append(Problem(code, message, where))


def _soft(hub: _Hub, evidence: Evidence, lookup: str, subject: str, code: str, what: str,
          call: Callable[[], T]) -> T | None:
    """Run an optional lookup; a failure becomes a problem and an unknown fact instead of failing the check."""
    try:
        return call()
    except SourceError as exc:
        message = str(exc)
    except (HfHubHTTPError, BadRequestError) as exc:
        message = hub.describe_hub_error(exc, what)
    _failed(evidence, lookup, subject, code, message, Provenance(note=what))
    return None


def _extras(hub: _Hub, evidence: Evidence, info: dict[str, Any], *, needs: frozenset[str], offline: bool,
            github_api: str, github_token: str | None, no_github: bool, arxiv_api: str = "") -> None:
    repo, cache = hub.target.repo_id, hub.cache
    evidence.lookups_ran = [n for n in LOOKUP_NAMES if n in needs and not (n == "github" and no_github)]
    if "refs" in needs:
        refs = _cached_extra(hub, "refs", offline)
        if refs is None and not offline:
            refs = _soft(hub, evidence, "refs", repo, "hub-refs-unavailable", f"branches of {repo}", hub.refs)
            if refs is not None and cache is not None:
                cache.put_extra(repo, "refs", refs)
        if isinstance(refs, dict):
            evidence.hub["branches"] = [
                {"name": b.get("name"), "target_commit": b.get("targetCommit")}
                for b in refs.get("branches", []) if isinstance(b, dict) and isinstance(b.get("name"), str)]
            evidence.hub["tags_refs"] = [t.get("name") for t in refs.get("tags", []) if isinstance(t, dict)]
        elif offline:
            _failed(evidence, "refs", repo, "hub-refs-unavailable", "offline and the branch list is not cached",
                    Provenance(note=f"branches of {repo}"))
    if "datasets" in needs:
        _dataset_licences(hub, evidence, info, offline=offline)
    if "github" in needs and not no_github:
        unreachable = _github_licences(hub, evidence, offline=offline, api=github_api, token=github_token)
        from opencheck.sources.github_tree import add_trees

        add_trees(hub, evidence, [f"{o}/{n}" for o, n in _github_repos(evidence)], offline=offline,
                  api=github_api, token=github_token, unreachable=unreachable)
    if "arxiv" in needs:
        from opencheck.sources.arxiv import lookup_papers

        lookup_papers(hub, evidence, info.get("tags"), offline=offline, api=arxiv_api)
    if "documents" in needs:
        _documents(hub, evidence, info, offline=offline)


# Branch lists, dataset cards and code licences are not pinned to the model's commit; a day-old answer is fresh
# enough for an openness verdict and keeps a repeated check of an unchanged repo at one request.
EXTRAS_MAX_AGE = 24 * 3600.0


def _cached_extra(hub: _Hub, key: str, offline: bool) -> Any:
    """A cached optional-lookup answer: any age when offline, else only a fresh one."""
    if hub.cache is None:
        return None
    return hub.cache.get_extra(hub.target.repo_id, key, max_age=None if offline else EXTRAS_MAX_AGE)


def _dataset_ids(info: dict[str, Any]) -> list[str]:
    found: list[str] = []
    value = _card_data(info).get("datasets")
    for item in value if isinstance(value, list) else [value] if value else []:
        if isinstance(item, str):
            found.append(item.strip())
    for tag in info.get("tags") or []:
        if isinstance(tag, str) and tag.startswith("dataset:"):
            found.append(tag.split(":", 1)[1].strip())
    unique: list[str] = []
    for item in found:
        if _DATASET_ID.match(item) and "--" not in item and ".." not in item and item not in unique:
            unique.append(item)
    return unique[:MAX_DATASETS]


def _licence_values(data: dict[str, Any]) -> list[str]:
    value = _card_data(data).get("license")
    values = [str(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str | int) and v]
    if not values:
        values = [t.split(":", 1)[1] for t in data.get("tags") or []
                  if isinstance(t, str) and t.startswith("license:")]
    return values


_ABSENT_KEY = "opencheck_absent"
_ABSENT_MESSAGES = {"gated": ("dataset-gated", "gated, its card could not be read"),
                    "not-found": ("dataset-not-found", "not found on {host} (gone, renamed or never published there)")}


def _dataset_absent(evidence: Evidence, results: dict[str, Any], dataset_id: str, status: str, where: Provenance,
                    host: str) -> None:
    code, text = _ABSENT_MESSAGES[status]
    results[dataset_id] = {"status": status}
    evidence.problems.append(Problem(code, f"dataset {dataset_id}: {text.format(host=host)}", where, severity="info"))


def _dataset_licences(hub: _Hub, evidence: Evidence, info: dict[str, Any], *, offline: bool) -> None:
    repo, cache = hub.target.repo_id, hub.cache
    results: dict[str, Any] = {}
    for dataset_id in _dataset_ids(info):
        key = f"dataset--{dataset_id}"
        url = f"{hub.endpoint}/datasets/{dataset_id}"
        where = Provenance(key="datasets", url=url)
        data = _cached_extra(hub, key, offline)
        if offline and not isinstance(data, dict):
            results[dataset_id] = {"status": "unknown"}
            _failed(evidence, "datasets", dataset_id, "dataset-unavailable",
                    f"dataset {dataset_id}: offline and its card is not cached", where)
            continue
        if isinstance(data, dict) and data.get(_ABSENT_KEY) in _ABSENT_MESSAGES:
            # A gated or missing dataset is remembered like a found one, so a warm re-check does not ask again.
            _dataset_absent(evidence, results, dataset_id, data[_ABSENT_KEY], where, hub.host)
            continue
        if not isinstance(data, dict):
            try:
                data = hub.dataset_info(dataset_id)
            except (GatedRepoError, RepositoryNotFoundError) as exc:
                status = "gated" if isinstance(exc, GatedRepoError) else "not-found"
                _dataset_absent(evidence, results, dataset_id, status, where, hub.host)
                if cache is not None:
                    cache.put_extra(repo, key, {_ABSENT_KEY: status})
                continue
            except (HfHubHTTPError, BadRequestError, SourceError) as exc:
                message = str(exc) if isinstance(exc, SourceError) else hub.describe_hub_error(
                    exc, f"dataset card of {dataset_id}", dataset_id)
                results[dataset_id] = {"status": "error"}
                _failed(evidence, "datasets", dataset_id, "dataset-unavailable", message, where)
                continue
            if cache is not None:
                cache.put_extra(repo, key, data)
        licences = _licence_values(data)
        sha = data.get("sha") if isinstance(data.get("sha"), str) else None
        tags = [t for t in data.get("tags") or [] if isinstance(t, str)]
        sizes = [t.split(":", 1)[1] for t in tags if t.startswith("size_categories:")]
        # Size range and synthetic origin feed the EU training-content summary (opencheck.euaiact).
        results[dataset_id] = {"status": "found", "license": licences, "gated": data.get("gated", False),
                               "sha": sha, "url": url, "size_categories": sizes, "synthetic": "synthetic" in tags}
        note = f"dataset card of {dataset_id}" + (f" @ {sha[:12]}" if sha else "")
        evidence.dataset_licences[dataset_id] = [
            LicenceStatement(raw=lic, scope="data", provenance=Provenance(url=url, key="license", note=note))
            for lic in licences]
    evidence.hub["datasets"] = results


def _documents(hub: _Hub, evidence: Evidence, info: dict[str, Any], *, offline: bool) -> None:
    """Text documents the EU AI Act view reads (a published training-content summary), at the model's commit."""
    from opencheck.euaiact.documents import MAX_DOCUMENT_BYTES, wanted_documents

    sha = info["sha"]
    siblings = {s["rfilename"]: s for s in _siblings(info)}
    texts: dict[str, str] = {}
    card_text = evidence.card.text if evidence.card else ""
    for path in wanted_documents(list(siblings), card_text, hub.target.repo_id):
        key = f"document--{path}@{sha}"
        cached = _cached_extra(hub, key, True)  # pinned to the commit: never stale
        if isinstance(cached, str):
            texts[path] = cached
            continue
        if offline:
            continue
        text = _soft(hub, evidence, "documents", path, "document-unavailable", f"{path} of {hub.target.repo_id}",
                     lambda p=path: hub.text_file(hub.target.repo_id, sha, siblings[p], MAX_DOCUMENT_BYTES))
        if isinstance(text, str):
            texts[path] = text
            if hub.cache is not None:
                hub.cache.put_extra(hub.target.repo_id, key, text)
    evidence.hub["documents"] = texts


def _github_repos(evidence: Evidence) -> list[tuple[str, str]]:
    from opencheck.sources.card import extract_links

    if evidence.card is None:
        return []
    repos: list[tuple[str, str]] = []
    for link in extract_links(evidence.card):
        if link.kind != "code-repository":
            continue
        match = _GITHUB_REPO.match(link.url)
        if match:
            owner, name = match.group(1), match.group(2)
            name = name[:-4] if name.lower().endswith(".git") else name
            if (owner.lower(), name.lower()) not in {(o.lower(), n.lower()) for o, n in repos}:
                repos.append((owner, name))
    return repos[:MAX_GITHUB_REPOS]


def _github_licences(hub: _Hub, evidence: Evidence, *, offline: bool, api: str, token: str | None) -> str | None:
    """Each linked repository's licence; returns why GitHub cannot be reached (refused, timed out, rate limited)."""
    repo, cache = hub.target.repo_id, hub.cache
    results: dict[str, Any] = {}
    unreachable: str | None = None  # why GitHub cannot be reached: the remaining repositories are not asked
    for owner, name in _github_repos(evidence):
        slug = f"{owner}/{name}"
        key = f"github--{slug}"
        where = Provenance(url=f"https://github.com/{slug}", note=f"GitHub licence of {slug}")
        payload = _cached_extra(hub, key, offline)
        if payload is None and (offline or unreachable):
            results[slug] = {"status": "unknown" if offline else "error"}
            _failed(evidence, "github", slug, "github-unavailable",
                    f"GitHub licence of {slug}: " + (unreachable or "offline and not cached"), where)
            continue
        if payload is None:
            try:
                result = hub.github_licence(api, token, owner, name)
            except SourceError as exc:
                # Refused at once, or no answer after every retry: the other repositories would fare the same.
                unreachable = str(exc).split(": ", 1)[-1]
                results[slug] = {"status": "error"}
                _failed(evidence, "github", slug, "github-unavailable", str(exc), where)
                continue
            if result.status == 404:
                payload = {"status": "no-licence"}
            elif result.status != 200:
                remaining = result.headers.get("x-ratelimit-remaining")
                limited = result.status in (403, 429) and remaining == "0"
                why = ("rate limited" + ("" if token else " (set GITHUB_TOKEN for a higher limit)")
                       if limited else f"HTTP {result.status}")
                if limited:
                    unreachable = why  # every further request would be refused the same way until the reset
                results[slug] = {"status": "error"}
                _failed(evidence, "github", slug, "github-unavailable", f"GitHub licence of {slug}: {why}", where)
                continue
            else:
                try:
                    body = json.loads(result.body)
                except ValueError:
                    body = None
                lic = body.get("license") if isinstance(body, dict) else None
                if not isinstance(lic, dict):
                    results[slug] = {"status": "error"}
                    _failed(evidence, "github", slug, "github-unavailable",
                            f"GitHub licence of {slug}: invalid or unexpected response", where)
                    continue
                payload = {"status": "found", "spdx_id": lic.get("spdx_id"), "key": lic.get("key"),
                           "name": lic.get("name"), "path": body.get("path"), "html_url": body.get("html_url")}
            if cache is not None:
                cache.put_extra(repo, key, payload)
        results[slug] = payload
        if payload.get("status") == "found":
            spdx = payload.get("spdx_id")
            raw = spdx if isinstance(spdx, str) and spdx and spdx != "NOASSERTION" else str(
                payload.get("name") or payload.get("key") or "other")
            # The repository URL (not the LICENSE blob URL) so rules can match it with the card's code link.
            evidence.licences.append(LicenceStatement(raw=raw, scope="code-repository", provenance=Provenance(
                file=payload.get("path"), url=f"https://github.com/{slug}", note=f"GitHub licence of {slug}")))
        elif payload.get("status") == "no-licence":
            evidence.problems.append(Problem("github-no-licence", f"GitHub repository {slug}: no licence detected",
                                             Provenance(url=f"https://github.com/{slug}"), severity="info"))
    evidence.hub["github"] = results
    return unreachable
