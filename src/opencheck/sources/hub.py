"""Read raw evidence for a Hugging Face Hub model: model_info + README pinned to one commit, cached by sha.

A plain check costs at most two HTTP requests: `GET /api/models/{id}[/revision/{rev}]?blobs=true` and
`GET /{id}/resolve/{sha}/README.md`. With a warm cache an unpinned check spends one (`?expand=sha` to learn
the commit) and a check pinned to a 40-hex sha spends none. Extras (branches, dataset cards, GitHub
licences: sources/hub_lookups.py) are fetched only when asked for in `needs`, and each request is counted in
`Evidence.requests`. What the answers mean is for detect/ (`opencheck.collect.collect_hub` runs both).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx2

from opencheck.errors import SourceError, UsageError
from opencheck.evidence import (
    LOOKUP_NAMES,
    Evidence,
    FileEntry,
    Problem,
    Provenance,
    Target,
    TargetKind,
    WeightsInfo,
)
from opencheck.sources.hub_cache import HubCache, default_cache_root
from opencheck.sources.hub_client import (
    HubSession,
    card_data,
    check_url,
    env_true,
    resolve_token,
    shown,
    siblings,
    typed_info,
)
from opencheck.sources.hub_http import RetryPolicy
from opencheck.sources.hub_lookups import ArxivPapers, DatasetIds, GithubRepos, SyntheticData, run_lookups
from opencheck.sources.hub_target import HubTarget, is_commit_sha

__all__ = ["KNOWN_NEEDS", "RetryPolicy", "read_hub"]

DEFAULT_ENDPOINT = "https://huggingface.co"
KNOWN_NEEDS = frozenset(LOOKUP_NAMES) | {"dataset-cards"}  # the last: part of `datasets` (dataset_cards.py)
_REPO_ID_OK = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")


def _arxiv_endpoint(arxiv_api: str | None) -> str:
    from opencheck.sources.arxiv import ARXIV_API

    return check_url((arxiv_api or os.environ.get("OPENCHECK_ARXIV_API") or ARXIV_API).rstrip("/"),
                     "arXiv API endpoint")


def read_hub(
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
    github_repos: GithubRepos | None = None,
    arxiv_papers: ArxivPapers | None = None,
    synthetic: SyntheticData | None = None,
    github_trees: GithubRepos | None = None,
    dataset_ids: DatasetIds | None = None,
) -> Evidence:
    """Read raw evidence for a Hub model; raise SourceError (one line, no token) when that is impossible.

    `prefetched_info` (batch mode) is the model's entry from a `GET /api/models?expand=...` listing: for an
    unpinned target it replaces the model-info request, so the check costs one request (the README).
    `http_client` is a shared connection pool (batch mode); the request count stays per check.
    detect/ decides what the look-ups ask about: `github_repos` the GitHub repositories (`github_trees` those whose
    trees are fetched, all by default), `arxiv_papers` the arXiv ids, `synthetic` which datasets' READMEs are read,
    `dataset_ids` the datasets asked about beyond the card data's `datasets` and tags.
    """
    if unknown := set(needs) - KNOWN_NEEDS:
        raise UsageError(f"unknown Hub lookups requested: {', '.join(sorted(unknown))}")
    offline = offline or env_true("HF_HUB_OFFLINE") or env_true("TRANSFORMERS_OFFLINE")
    endpoint = check_url((endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"), "Hub endpoint")
    github_api = check_url(github_api.rstrip("/"), "GitHub API endpoint")
    arxiv_api = _arxiv_endpoint(arxiv_api)
    cache = HubCache(cache_dir or default_cache_root()) if use_cache else None
    hub = HubSession(target, endpoint=endpoint, token=None if offline else resolve_token(token), cache=cache,
               timeout=timeout, retry=retry or RetryPolicy(), http=http_client)
    try:
        if offline:
            info, readme_state, readme_text = _from_cache_only(target, cache)
        else:
            info, readme_state, readme_text = _fetch_core(hub, _usable_listing_info(target, prefetched_info))
        info = typed_info(info)  # the listing, the cache or the server: any JSON type anywhere
        evidence = _build_evidence(target, endpoint, info, readme_state, readme_text)
        evidence.hub["from_cache"] = hub.requests == 0
        run_lookups(hub, evidence, info, needs=needs, offline=offline, github_api=github_api,
                    github_token=None if offline else (github_token or os.environ.get("GITHUB_TOKEN") or None),
                    no_github=no_github, github_repos=github_repos, arxiv_api=arxiv_api,
                    arxiv_papers=arxiv_papers, synthetic=synthetic, github_trees=github_trees,
                    dataset_ids=dataset_ids)
    finally:
        hub.close()
    evidence.requests = hub.requests
    return evidence


def _from_cache_only(target: HubTarget, cache: HubCache | None) -> tuple[dict[str, Any], str, str | None]:
    name = shown(target)
    if cache is None:
        raise SourceError(f"{name}: offline mode needs the cache, but the cache is disabled")
    sha = target.revision if target.pinned else cache.get_sha(target.repo_id, target.revision or "main")
    info = cache.get_model_info(target.repo_id, sha) if sha else None
    if info is None:
        raise SourceError(f"{name}: offline and not in the cache; check it once online first")
    entry = cache.get_readme(target.repo_id, info["sha"])
    if entry is None:
        has_readme = any(s["rfilename"] == "README.md" for s in siblings(info))
        return info, ("absent" if not has_readme else "unavailable"), None
    return info, entry["state"], entry.get("text")


def _usable_listing_info(target: HubTarget, info: dict[str, Any] | None) -> dict[str, Any] | None:
    """A listing entry stands in for model_info only for the same repo at its default branch, with sha + files."""
    if info is None or target.revision is not None:
        return None
    if info.get("id") != target.repo_id or not isinstance(info.get("sha"), str) or not is_commit_sha(info["sha"]):
        return None
    return info if isinstance(info.get("siblings"), list) else None


def _fetch_core(hub: HubSession, listed: dict[str, Any] | None = None) -> tuple[dict[str, Any], str, str | None]:
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


def _readme_for(hub: HubSession, info: dict[str, Any]) -> tuple[dict[str, Any], str, str | None]:
    target, cache, sha = hub.target, hub.cache, info["sha"]
    sibling = next((s for s in siblings(info) if s["rfilename"] == "README.md"), None)
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
    for sibling in siblings(info):
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
    evidence.hub.update(_hub_facts(endpoint, repo_url, info, readme_state))
    if isinstance(info.get("config"), dict):
        evidence.config = dict(info["config"])
    evidence.weights = _weights(info, f"{endpoint}/api/models/{target.repo_id}")
    return evidence


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _records(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def _base_models(value: Any) -> Any:
    """The Hub's {relation, models: [{id}]}, or the card's string or list of strings; None for any other shape."""
    if isinstance(value, dict):
        models = value.get("models")
        return {**value, "models": [m for m in models if isinstance(m, dict)] if isinstance(models, list) else []}
    if isinstance(value, list):
        return [b for b in value if isinstance(b, str)]
    return _text(value)


def _hub_facts(endpoint: str, repo_url: str, info: dict[str, Any], readme_state: str) -> dict[str, Any]:
    """The model info answer's facts, as `evidence.hub` keeps them, each of the type the Hub documents (a server
    may send any JSON type anywhere: a field of another type reads as absent, never as a crash later)."""
    data = card_data(info)
    safetensors = info.get("safetensors") if isinstance(info.get("safetensors"), dict) else None
    gated = info.get("gated", False)
    tags = info.get("tags")
    return {
        "endpoint": endpoint,
        "url": repo_url,
        "sha": info["sha"],
        "gated": gated if isinstance(gated, (bool, str)) else False,  # false, "auto" or "manual"
        "private": info.get("private") is True,
        "disabled": info.get("disabled") is True,
        "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        "pipeline_tag": _text(info.get("pipeline_tag")),
        "library_name": _text(info.get("library_name")) or _text(data.get("library_name")),
        "base_models": _base_models(info.get("baseModels")) or _base_models(data.get("base_model")),
        "safetensors": safetensors,
        "model_index": _records(info.get("model-index")) or _records(data.get("model-index")),
        "eval_results": _records(info.get("evalResults")),
        "card_data": data,
        "card_status": readme_state,
        "last_modified": _text(info.get("lastModified")),
        "downloads": _count(info.get("downloads")),
        "likes": _count(info.get("likes")),
    }


def _weights(info: dict[str, Any], api_url: str) -> WeightsInfo:
    """What the model info answer says about the weights: gated, parameter count and dtypes."""
    safetensors = info.get("safetensors") if isinstance(info.get("safetensors"), dict) else None
    weights = WeightsInfo(gated=bool(info.get("gated")))
    if safetensors and isinstance(safetensors.get("total"), int):
        weights.parameters = safetensors["total"]
        params = safetensors.get("parameters")
        if isinstance(params, dict):
            weights.dtypes = {str(k): v for k, v in params.items() if isinstance(v, int)}
        weights.provenance = Provenance(key="safetensors", url=api_url, note="Hub safetensors metadata")
    return weights
