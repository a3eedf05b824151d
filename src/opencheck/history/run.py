"""Evaluate a model at each of a series of revisions: Hub commits or checkpoint branches, local git commits or tags.

A revision whose card and file list are those of the revision before it reuses that evaluation: no README
download, no pack run. Every request is counted and reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opencheck.collect import HubOptions, SourceChoice
from opencheck.engine.packs import Pack
from opencheck.errors import SourceError, UsageError
from opencheck.evidence import Evidence
from opencheck.history.compare import changes_between, key_facts
from opencheck.history.model import History, RevisionRef, RevisionResult

DEFAULT_LIMIT = 100  # revisions evaluated when --limit is not given: the newest ones
MODES = ("commits", "checkpoints", "revisions")


@dataclass
class HistoryOptions:
    """What `opencheck history` was asked for."""

    packs: list[Pack]
    hub: HubOptions = field(default_factory=HubOptions)
    source: SourceChoice = SourceChoice.AUTO
    mode: str = "commits"
    revisions: list[str] = field(default_factory=list)  # mode "revisions": the names or shas, in order
    since: str | None = None  # YYYY-MM-DD: revisions dated before it are left out
    limit: int | None = DEFAULT_LIMIT  # the newest N revisions; None: all


def _natural(name: str) -> tuple[Any, ...]:
    """Sort key that puts step2000 before step10000."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))


def _select(refs: list[RevisionRef], options: HistoryOptions) -> tuple[list[RevisionRef], bool]:
    """Apply --since and --limit to revisions in timeline order (oldest first); True if --limit cut some."""
    if options.since:
        refs = [r for r in refs if r.date is None or r.date[:10] >= options.since]
    if options.limit is not None and len(refs) > options.limit:
        return refs[-options.limit:] if options.limit else [], True
    return refs, False


def _evaluate(evidence: Evidence, options: HistoryOptions, generated_at: str) -> tuple[dict[str, Any], Any]:
    from opencheck.check import CheckOptions, build_report

    report = build_report(evidence, CheckOptions(packs=options.packs), generated_at).to_dict()
    return report, key_facts(evidence, report)


def _link(results: list[RevisionResult], result: RevisionResult) -> None:
    """Append `result`, with its changes against the revision before it."""
    if results and result.reused_from is None:
        result.changes = changes_between(results[-1], result)
    results.append(result)


def _reuse(previous: RevisionResult, ref: RevisionRef, requests: int) -> RevisionResult:
    return RevisionResult(ref=ref, grades=dict(previous.grades), facts=previous.facts, report=previous.report,
                          fact_evidence=previous.fact_evidence, requests=requests,
                          reused_from=previous.reused_from or previous.ref.sha)


def _pack_rows(results: list[RevisionResult], packs: list[Pack]) -> list[dict[str, Any]]:
    orders: dict[str, list[str]] = {}
    for r in results:
        for p in r.report.get("packs", []):
            orders.setdefault(p["name"], list(p["grade"].get("order") or []))
    return [{"name": p.name, "title": p.title, "order": orders.get(p.name, [])} for p in packs]


def run_history(target: str, options: HistoryOptions, generated_at: str) -> History:
    """The history of `target`: a local git repository, or a Hub model id."""
    if options.mode not in MODES:
        raise UsageError(f"unknown history mode {options.mode!r}")
    if not target or not target.strip():
        raise UsageError("no target given: pass a git repository folder or a Hub model id")
    if options.source == SourceChoice.LOCAL or (options.source == SourceChoice.AUTO and os.path.lexists(target)):
        return _git_history(Path(target), target, options, generated_at)
    from opencheck.sources.hub_target import looks_like_hub_target, parse_hub_target

    if options.source == SourceChoice.HUB or looks_like_hub_target(target):
        return _hub_history(parse_hub_target(target), options, generated_at)
    raise UsageError(f"{target}: no such folder, and not a Hub model id (org/name)")


# -- Hub ------------------------------------------------------------------------------------------------------

def _fingerprint(info: dict[str, Any]) -> str:
    """What an evaluation reads from a commit's model info: card, file list, gating, config, parameter count."""
    siblings = [s for s in info.get("siblings") or [] if isinstance(s, dict) and isinstance(s.get("rfilename"), str)]
    readme = next((s for s in siblings if s["rfilename"] == "README.md"), {})
    seen = {"card": info.get("cardData"), "readme": readme.get("blobId") or readme.get("size"),
            "files": sorted(s["rfilename"] for s in siblings), "gated": info.get("gated"),
            "config": info.get("config"), "safetensors": info.get("safetensors"), "tags": info.get("tags")}
    return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()


def _hub_refs(revs: Any, target: Any, options: HistoryOptions,
              infos: dict[str, dict[str, Any]]) -> tuple[list[RevisionRef], bool]:
    from opencheck.detect.checkpoint_names import is_checkpoint_branch

    if options.mode == "revisions":
        refs = []
        for name in options.revisions:
            info = revs.model_info(name)
            infos[info["sha"]] = info
            date = info.get("lastModified") if isinstance(info.get("lastModified"), str) else None
            refs.append(RevisionRef(info["sha"], (name,) if name != info["sha"] else (), date))
        return _select(refs, options)
    if options.mode == "checkpoints":
        branches = [b for b in revs.branches() if is_checkpoint_branch(b.name)]
        if not branches:
            raise SourceError(f"{target.repo_id}: no checkpoint branches (step…, stepN-tokensM, ckpt_…) on the Hub")
        refs = [RevisionRef(b.sha, (b.name,)) for b in sorted(branches, key=lambda b: _natural(b.name))]
        return _select(refs, options)
    # Commits come newest first: list only as many as the limit (plus one, to tell whether the history goes on).
    stop = options.limit + 1 if options.limit is not None else None
    commits = revs.commits(stop_after=stop, since=options.since)
    # One more request names the releases: the tags (and branch heads) that point at a listed commit.
    branches, tags = revs.refs() if commits else ([], [])
    names: dict[str, list[str]] = {}
    for ref in [*tags, *branches]:
        names.setdefault(ref.sha, []).append(ref.name)
    head_name = [target.revision] if target.revision else []
    refs = [RevisionRef(c.sha, tuple(dict.fromkeys([*(head_name if i == 0 else []), *names.get(c.sha, [])])),
                        c.date, c.title) for i, c in enumerate(commits)]
    return _select(list(reversed(refs)), options)


def _hub_history(target: Any, options: HistoryOptions, generated_at: str) -> History:
    from opencheck.sources.hub import DEFAULT_ENDPOINT
    from opencheck.sources.hub_cache import HubCache, default_cache_root
    from opencheck.sources.hub_client import check_url as _check_url
    from opencheck.sources.hub_client import resolve_token as _resolve_token
    from opencheck.sources.hub_commits import HubRevisions

    hub = options.hub
    if hub.offline:
        raise UsageError("history needs the Hub's commit listing: it cannot run offline (HF_HUB_OFFLINE is set)")
    endpoint = _check_url((hub.endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
                          "Hub endpoint")
    token = _resolve_token(hub.token)
    revs = HubRevisions(target, endpoint=endpoint, token=token, timeout=hub.timeout)
    # Without the user's cache, a scratch cache still lets one run share READMEs between revisions.
    with tempfile.TemporaryDirectory(prefix="opencheck-history-") as scratch:
        cache_root = (hub.cache_dir or default_cache_root()) if hub.use_cache else Path(scratch)
        cache = HubCache(cache_root)
        try:
            infos: dict[str, dict[str, Any]] = {}
            refs, truncated = _hub_refs(revs, target, options, infos)
            listing = revs.requests
            readmes: dict[str, str] = {}  # README blob id -> text, shared by the revisions of this run
            results: list[RevisionResult] = []
            fingerprints: list[str] = []
            for ref in refs:
                before = revs.requests
                info = infos.get(ref.sha) or cache.get_model_info(target.repo_id, ref.sha) \
                    or revs.model_info(ref.sha)
                fingerprint = _fingerprint(info)
                cache.put_model_info(target.repo_id, ref.sha, info)  # keyed by commit: never stale
                if results and fingerprints[-1] == fingerprint:
                    _link(results, _reuse(results[-1], ref, revs.requests - before))
                    fingerprints.append(fingerprint)
                    continue
                evidence = _hub_evidence(target.repo_id, ref.sha, info, cache, cache_root, readmes, endpoint,
                                         token, hub)
                report, (facts, where) = _evaluate(evidence, options, generated_at)
                _link(results, RevisionResult(ref=ref, grades=report["summary"]["grades"], facts=facts,
                                              report=report, fact_evidence=where,
                                              requests=revs.requests - before + evidence.requests))
                fingerprints.append(fingerprint)
        finally:
            revs.close()
    return History(target_kind="hf", target=target.repo_id, mode=options.mode,
                   packs=_pack_rows(results, options.packs), revisions=results, generated_at=generated_at,
                   listing_requests=listing, truncated=truncated, since=options.since, limit=options.limit)


def _hub_evidence(repo_id: str, sha: str, info: dict[str, Any], cache: Any, cache_root: Path,
                  readmes: dict[str, str], endpoint: str, token: str | None, hub: HubOptions) -> Evidence:
    """Collect one commit through the Hub source, its model info and (when seen) README handed in via the cache."""
    from opencheck.collect import collect_hub
    from opencheck.sources.hub_target import HubTarget

    readme = next((s for s in info.get("siblings") or [] if isinstance(s, dict) and s.get("rfilename") == "README.md"),
                  None)
    blob = readme.get("blobId") if isinstance(readme, dict) else None
    if isinstance(blob, str) and blob in readmes and cache.get_readme(repo_id, sha) is None:
        cache.put_readme(repo_id, sha, "present", readmes[blob])  # the same blob at another commit: same text
    evidence = collect_hub(HubTarget(repo_id, sha), endpoint=endpoint, token=token, cache_dir=cache_root,
                           use_cache=True, needs=hub.needs, github_api=hub.github_api,
                           github_token=hub.github_token, no_github=hub.no_github, timeout=hub.timeout)
    entry = cache.get_readme(repo_id, sha)
    if isinstance(blob, str) and entry and entry.get("state") == "present":
        readmes[blob] = entry["text"]
    return evidence


# -- local git --------------------------------------------------------------------------------------------------

MAX_TREE_FILES = 100_000
MAX_BLOB_BYTES = 64 * 1024 * 1024  # larger blobs are written as sparse files of their size, content unread


def _iso(epoch: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git_refs(repo: Any, root: Path, options: HistoryOptions) -> tuple[list[RevisionRef], bool]:
    from opencheck.detect.checkpoint_names import is_checkpoint_branch

    names: dict[str, list[str]] = {}
    for ref in [*repo.tags, *repo.heads]:
        try:
            names.setdefault(ref.commit.hexsha, []).append(ref.name)
        except Exception:  # a tag of a tree or a broken ref names nothing
            continue

    def ref_for(commit: Any, extra: tuple[str, ...] = ()) -> RevisionRef:
        labels = tuple(dict.fromkeys([*extra, *sorted(names.get(commit.hexsha, []))]))
        return RevisionRef(commit.hexsha, labels, _iso(commit.committed_date), commit.summary[:200]
                           if isinstance(commit.summary, str) else "")

    if options.mode == "revisions":
        refs = []
        for name in options.revisions:
            try:
                commit = repo.commit(name)
            except Exception:
                raise UsageError(f"{root}: revision {name!r} not found in the git repository") from None
            refs.append(ref_for(commit, (name,)))
        return _select(refs, options)
    if options.mode == "checkpoints":
        heads = [h for h in repo.heads if is_checkpoint_branch(h.name)]
        if not heads:
            raise UsageError(f"{root}: no checkpoint branches (step…, stepN-tokensM, ckpt_…) in the git repository")
        return _select([ref_for(h.commit, (h.name,)) for h in sorted(heads, key=lambda h: _natural(h.name))], options)
    if not repo.head.is_valid():
        raise UsageError(f"{root}: the git repository has no commits")
    stop = options.limit + 1 if options.limit is not None else None
    refs = []
    for commit in repo.iter_commits(repo.head.commit.hexsha, max_count=stop, first_parent=True):
        ref = ref_for(commit, ("HEAD",) if not refs else ())
        if options.since and ref.date and ref.date[:10] < options.since:
            break
        refs.append(ref)
    return _select(list(reversed(refs)), options)


def _materialise(tree: Any, dest: Path) -> None:
    """Write a commit's files under `dest` (symbolic links and submodules skipped, odd paths refused)."""
    count = 0
    for item in tree.traverse():
        if item.type != "blob" or (item.mode & 0o170000) == 0o120000:
            continue
        parts = item.path.split("/")
        if any(p in ("", ".", "..", ".git") or "\\" in p for p in parts):
            continue  # git forbids these; a crafted tree must not write outside the scratch folder
        count += 1
        if count > MAX_TREE_FILES:
            raise SourceError(f"a commit has more than {MAX_TREE_FILES} files; history stops")
        path = dest.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            if item.size <= MAX_BLOB_BYTES:
                handle.write(item.data_stream.read())
            else:
                handle.truncate(item.size)


def _git_history(root: Path, shown: str, options: HistoryOptions, generated_at: str) -> History:
    from opencheck.collect import collect
    from opencheck.sources.git_info import GitUnreadable, open_folder_repo

    if not root.is_dir():
        raise UsageError(f"{shown}: not a folder (history reads a git repository or a Hub model)")
    with tempfile.TemporaryDirectory(prefix="opencheck-history-") as scratch:
        (Path(scratch) / "git").mkdir()
        try:
            repo = open_folder_repo(root, Path(scratch) / "git")
        except GitUnreadable as exc:
            raise UsageError(f"{shown}: {exc}") from None
        results: list[RevisionResult] = []
        trees: list[str] = []
        with repo:
            refs, truncated = _git_refs(repo, root, options)
            for number, ref in enumerate(refs):
                commit = repo.commit(ref.sha)
                if results and trees[-1] == commit.tree.hexsha:
                    _link(results, _reuse(results[-1], ref, 0))
                    trees.append(commit.tree.hexsha)
                    continue
                folder = Path(scratch) / f"tree-{number}"
                folder.mkdir()
                _materialise(commit.tree, folder)
                evidence = _scrubbed(collect(str(folder), source=SourceChoice.LOCAL), str(folder), shown)
                report, (facts, where) = _evaluate(evidence, options, generated_at)
                _link(results, RevisionResult(ref=ref, grades=report["summary"]["grades"], facts=facts,
                                              report=report, fact_evidence=where))
                trees.append(commit.tree.hexsha)
                _remove(folder)
    return History(target_kind="git", target=shown, mode=options.mode, packs=_pack_rows(results, options.packs),
                   revisions=results, generated_at=generated_at, truncated=truncated, since=options.since,
                   limit=options.limit)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _scrubbed(evidence: Evidence, scratch: str, shown: str) -> Evidence:
    """The evidence of a scratch copy, named as the repository: no temporary path reaches the output."""
    evidence.target.path = shown
    fix: Callable[[str], str] = lambda text: text.replace(scratch, shown)  # noqa: E731
    evidence.problems = [type(p)(p.code, fix(p.message), p.provenance, severity=p.severity)
                         for p in evidence.problems]
    return evidence
