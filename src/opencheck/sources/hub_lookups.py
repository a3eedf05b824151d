"""The optional look-ups of a Hub check: branches (refs), dataset cards, linked GitHub repositories' licences.

Each answer is stored raw in `evidence.hub` (`branches`, `datasets`, `github`) with the URL it came from; what it
means (checkpoint branches, licence statements) is for detect/. A look-up that gets no answer is recorded as a
failure: its facts are unknown, not false.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from huggingface_hub.errors import BadRequestError, GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

from opencheck.errors import SourceError
from opencheck.evidence import LOOKUP_NAMES, Evidence, Problem, Provenance
from opencheck.sources.dataset_cards import (
    DATASET_CARDS,
    content_kinds,
    looks_synthetic,
    split_sizes,
    synthetic_card,
)
from opencheck.sources.hub_client import HubSession, card_data
from opencheck.sources.hub_http import FetchResult
from opencheck.sources.lookup_calls import cached_extra, lookup_failed, soft_lookup, store_extra

MAX_DATASETS = 10  # dataset cards looked up per model: bounds the request count of a check
_DATASET_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?$")
T = TypeVar("T")
# Which GitHub repositories (owner, name) to ask about, from the raw evidence: given by the caller (detect/links).
GithubRepos = Callable[[Evidence], list[tuple[str, str]]]
# Which arXiv papers (ids) to ask about, from the raw evidence and the Hub tags: given by the caller (detect/).
ArxivPapers = Callable[[Evidence, Any], list[str]]


def run_lookups(hub: HubSession, evidence: Evidence, info: dict[str, Any], *, needs: frozenset[str], offline: bool,
                github_api: str, github_token: str | None, no_github: bool, github_repos: GithubRepos | None,
                arxiv_api: str = "", arxiv_papers: ArxivPapers | None = None) -> None:
    """Run the look-ups in `needs`, storing each answer raw in `evidence.hub` and each failure as unknown."""
    repo, cache = hub.target.repo_id, hub.cache
    evidence.lookups_ran = [n for n in LOOKUP_NAMES if n in needs and not (n == "github" and no_github)]
    if "refs" in needs:
        refs = cached_extra(hub, "refs", offline)
        if refs is None and not offline:
            refs = soft_lookup(hub, evidence, "refs", repo, "hub-refs-unavailable", f"branches of {repo}", hub.refs)
            if refs is not None and cache is not None:
                cache.put_extra(repo, "refs", refs)
        if isinstance(refs, dict):
            evidence.hub["branches"] = [
                {"name": b.get("name"), "target_commit": b.get("targetCommit")}
                for b in refs.get("branches", []) if isinstance(b, dict) and isinstance(b.get("name"), str)]
            evidence.hub["tags_refs"] = [t.get("name") for t in refs.get("tags", []) if isinstance(t, dict)]
        elif offline:
            lookup_failed(evidence, "refs", repo, "hub-refs-unavailable", "offline and the branch list is not cached",
                    Provenance(note=f"branches of {repo}"))
    if "datasets" in needs:
        _dataset_licences(hub, evidence, info, offline=offline, cards=DATASET_CARDS in needs)
    if "github" in needs and not no_github:
        repos = github_repos(evidence) if github_repos is not None else []
        unreachable = _github_licences(hub, evidence, repos, offline=offline, api=github_api, token=github_token)
        from opencheck.sources.github_tree import add_trees

        add_trees(hub, evidence, [f"{o}/{n}" for o, n in repos], offline=offline, api=github_api, token=github_token,
                  unreachable=unreachable)
    if "arxiv" in needs:
        from opencheck.sources.arxiv import lookup_papers

        papers = arxiv_papers(evidence, info.get("tags")) if arxiv_papers is not None else []
        lookup_papers(hub, evidence, papers, offline=offline, api=arxiv_api)
    if "documents" in needs:
        _documents(hub, evidence, info, offline=offline)


def _dataset_ids(info: dict[str, Any]) -> list[str]:
    found: list[str] = []
    value = card_data(info).get("datasets")
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
    value = card_data(data).get("license")
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


def _dataset_licences(hub: HubSession, evidence: Evidence, info: dict[str, Any], *, offline: bool,
                      cards: bool = False) -> None:
    results: dict[str, Any] = {}
    for dataset_id in _dataset_ids(info):
        key = f"dataset--{dataset_id}"
        url = f"{hub.endpoint}/datasets/{dataset_id}"
        where = Provenance(key="datasets", url=url)
        data = cached_extra(hub, key, offline)
        if offline and not isinstance(data, dict):
            results[dataset_id] = {"status": "unknown"}
            lookup_failed(evidence, "datasets", dataset_id, "dataset-unavailable",
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
                store_extra(hub, key, {_ABSENT_KEY: status})
                continue
            except (HfHubHTTPError, BadRequestError, SourceError) as exc:
                message = str(exc) if isinstance(exc, SourceError) else hub.describe_hub_error(
                    exc, f"dataset card of {dataset_id}", dataset_id)
                results[dataset_id] = {"status": "error"}
                lookup_failed(evidence, "datasets", dataset_id, "dataset-unavailable", message, where)
                continue
            store_extra(hub, key, data)
        licences = _licence_values(data)
        sha = data.get("sha") if isinstance(data.get("sha"), str) else None
        tags = [t for t in data.get("tags") or [] if isinstance(t, str)]
        sizes = [t.split(":", 1)[1] for t in tags if t.startswith("size_categories:")]
        # Sizes and synthetic origin feed the EU view (opencheck.euaiact): the compute estimate and the summary.
        results[dataset_id] = {"status": "found", "license": licences, "gated": data.get("gated", False),
                               "sha": sha, "url": url, "size_categories": sizes, "synthetic": looks_synthetic(data),
                               "splits": split_sizes(data), "content": content_kinds(data)}
        if cards and results[dataset_id]["synthetic"]:
            results[dataset_id]["card"] = synthetic_card(hub, evidence, dataset_id, data, offline=offline)
    evidence.hub["datasets"] = results


def _documents(hub: HubSession, evidence: Evidence, info: dict[str, Any], *, offline: bool) -> None:
    """Text documents the EU AI Act view reads (a published training-content summary), at the model's commit."""
    from opencheck.euaiact.documents import MAX_DOCUMENT_BYTES, wanted_documents
    from opencheck.sources.hub_client import siblings as info_siblings

    sha = info["sha"]
    siblings = {s["rfilename"]: s for s in info_siblings(info)}
    texts: dict[str, str] = {}
    card_text = evidence.card.text if evidence.card else ""
    for path in wanted_documents(list(siblings), card_text, hub.target.repo_id):
        key = f"document--{path}@{sha}"
        cached = cached_extra(hub, key, True)  # pinned to the commit: never stale
        if isinstance(cached, str):
            texts[path] = cached
            continue
        if offline:
            continue
        text = soft_lookup(hub, evidence, "documents", path, "document-unavailable", f"{path} of {hub.target.repo_id}",
                     lambda p=path: hub.text_file(hub.target.repo_id, sha, siblings[p], MAX_DOCUMENT_BYTES))
        if isinstance(text, str):
            texts[path] = text
            if hub.cache is not None:
                hub.cache.put_extra(hub.target.repo_id, key, text)
    evidence.hub["documents"] = texts


def _github_payload(result: FetchResult, token: str | None) -> tuple[dict[str, Any] | None, str, bool]:
    """The payload to store for a GitHub licence answer, else why it is unusable and whether it was a rate limit."""
    if result.status == 404:
        return {"status": "no-licence"}, "", False
    if result.status != 200:
        limited = result.status in (403, 429) and result.headers.get("x-ratelimit-remaining") == "0"
        why = ("rate limited" + ("" if token else " (set GITHUB_TOKEN for a higher limit)")
               if limited else f"HTTP {result.status}")
        return None, why, limited
    try:
        body = json.loads(result.body)
    except ValueError:
        body = None
    lic = body.get("license") if isinstance(body, dict) else None
    if not isinstance(lic, dict):
        return None, "invalid or unexpected response", False
    return {"status": "found", "spdx_id": lic.get("spdx_id"), "key": lic.get("key"), "name": lic.get("name"),
            "path": body.get("path"), "html_url": body.get("html_url")}, "", False


def _github_licences(hub: HubSession, evidence: Evidence, repos: list[tuple[str, str]], *, offline: bool, api: str,
                     token: str | None) -> str | None:
    """Each linked repository's licence; returns why GitHub cannot be reached (refused, timed out, rate limited)."""
    results: dict[str, Any] = {}
    unreachable: str | None = None  # why GitHub cannot be reached: the remaining repositories are not asked
    for owner, name in repos:
        slug = f"{owner}/{name}"
        key = f"github--{slug}"
        where = Provenance(url=f"https://github.com/{slug}", note=f"GitHub licence of {slug}")
        payload = cached_extra(hub, key, offline)
        if payload is None and (offline or unreachable):
            results[slug] = {"status": "unknown" if offline else "error"}
            lookup_failed(evidence, "github", slug, "github-unavailable",
                    f"GitHub licence of {slug}: " + (unreachable or "offline and not cached"), where)
            continue
        if payload is None:
            try:
                result = hub.github_licence(api, token, owner, name)
            except SourceError as exc:
                # Refused at once, or no answer after every retry: the other repositories would fare the same.
                unreachable = str(exc).split(": ", 1)[-1]
                results[slug] = {"status": "error"}
                lookup_failed(evidence, "github", slug, "github-unavailable", str(exc), where)
                continue
            payload, why, limited = _github_payload(result, token)
            if payload is None:
                if limited:
                    unreachable = why  # every further request would be refused the same way until the reset
                results[slug] = {"status": "error"}
                lookup_failed(evidence, "github", slug, "github-unavailable", f"GitHub licence of {slug}: {why}", where)
                continue
            store_extra(hub, key, payload)
        results[slug] = payload
        if payload.get("status") == "no-licence":
            evidence.problems.append(Problem("github-no-licence", f"GitHub repository {slug}: no licence detected",
                                             Provenance(url=f"https://github.com/{slug}"), severity="info"))
    evidence.hub["github"] = results
    return unreachable
