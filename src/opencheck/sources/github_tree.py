"""A linked GitHub repository's file tree, in one request (`git/trees/HEAD?recursive=1`).

The tree shows what a card's link does not say: training scripts and configs, evaluation harness configs,
data-processing and inference code. Only code and config paths are kept (capped), and the answer, an absent or
empty repository too, is cached for a day like the licence.
"""

from __future__ import annotations

from typing import Any, Final

from opencheck.evidence import Evidence, Problem, Provenance
from opencheck.untrusted_json import loads_untrusted

MAX_TREE_PATHS: Final = 5000  # code and config paths kept per repository
CODE_SUFFIXES: Final = (".py", ".sh", ".ipynb", ".yaml", ".yml", ".json", ".jsonnet", ".toml", ".cfg", ".ini",
                        ".gin", ".js", ".ts", ".rs", ".go", ".c", ".cc", ".cpp", ".cu", ".h", ".hpp", ".jl", ".r",
                        ".scala", ".java", ".lua")


def parse_tree(body: Any) -> dict[str, Any]:
    """`{"status": "found", "truncated": bool, "paths": [...]}` from a git/trees response; ValueError otherwise."""
    if not isinstance(body, dict) or not isinstance(body.get("tree"), list):
        raise ValueError("unexpected response")
    paths = sorted(e["path"] for e in body["tree"] if isinstance(e, dict) and e.get("type") == "blob"
                   and isinstance(e.get("path"), str) and e["path"].lower().endswith(CODE_SUFFIXES))
    return {"status": "found", "truncated": bool(body.get("truncated")) or len(paths) > MAX_TREE_PATHS,
            "paths": paths[:MAX_TREE_PATHS]}


def fetch_tree(hub: Any, evidence: Evidence, slug: str, *, offline: bool, api: str, token: str | None,
               unreachable: list[str | None] | None = None) -> dict[str, Any]:
    """The tree of github.com/`slug` (cached, else one request on the GitHub client); problems go to the evidence.

    `unreachable` holds why GitHub cannot be reached (refused, timed out, rate limited), shared with the licence
    look-up and the other repositories: once set, the tree is reported failed with that reason without a request.
    """
    from opencheck.errors import SourceError
    from opencheck.sources.lookup_calls import cached_extra, lookup_failed, soft_lookup, store_extra

    down = unreachable if unreachable is not None else [None]

    key = f"github-tree--{slug}"
    payload = cached_extra(hub, key, offline)
    if isinstance(payload, dict):
        return payload
    if offline:
        return {"status": "unknown"}
    where = Provenance(url=f"https://github.com/{slug}")
    what = f"GitHub file tree of {slug}"
    owner, name = slug.split("/", 1)
    if down[0]:
        lookup_failed(evidence, "github", slug, "github-unavailable", f"{what}: {down[0]}", where)
        return {"status": "error"}

    def call() -> Any:
        try:
            return hub.github_tree(api, token, owner, name)
        except SourceError as exc:
            down[0] = str(exc).split(": ", 1)[-1]  # refused at once, or no answer after every retry
            raise

    result = soft_lookup(hub, evidence, "github", slug, "github-unavailable", what, call)
    if result is None:
        return {"status": "error"}
    if result.status in (404, 409):  # no such repository (or no access), or an empty one: nothing to see
        payload = {"status": "absent"}
    elif result.status != 200:
        remaining = result.headers.get("x-ratelimit-remaining")
        limited = result.status in (403, 429) and remaining == "0"
        why = "rate limited" if limited else f"HTTP {result.status}"
        if limited:
            down[0] = why  # every further request would be refused the same way until the reset
        lookup_failed(evidence, "github", slug, "github-unavailable", f"{what}: {why}", where)
        return {"status": "error"}
    else:
        try:
            payload = parse_tree(loads_untrusted(result.body))
        except ValueError as exc:
            evidence.problems.append(Problem("github-unavailable", f"{what}: {exc}", where))
            return {"status": "error"}
    store_extra(hub, key, payload)
    return payload


def add_trees(hub: Any, evidence: Evidence, slugs: list[str], *, offline: bool, api: str, token: str | None,
              unreachable: str | None = None) -> None:
    """Fetch each repository's tree into `evidence.hub["github_trees"]`; a truncated tree is said to be partial.

    `unreachable`: why the licence look-up found GitHub unreachable; then no tree is asked for, each is reported
    failed with that reason (as the licence look-up does for its remaining repositories).
    """
    trees: dict[str, Any] = {}
    down: list[str | None] = [unreachable]
    for slug in slugs:
        tree = fetch_tree(hub, evidence, slug, offline=offline, api=api, token=token, unreachable=down)
        trees[slug] = tree
        if tree.get("truncated"):
            evidence.problems.append(Problem(
                "github-tree-truncated", f"GitHub file tree of {slug} is partial (GitHub truncated it, or it has more "
                f"than {MAX_TREE_PATHS:,} code files): code found in it is a lower bound",
                Provenance(url=f"https://github.com/{slug}"), severity="info"))
    evidence.hub["github_trees"] = trees


def tree_files(evidence: Evidence) -> list[tuple[str, str]]:
    """(repository slug, path) of every code path in the linked repositories' trees."""
    trees = evidence.hub.get("github_trees")
    if not isinstance(trees, dict):
        return []
    return [(slug, path) for slug, tree in sorted(trees.items()) if isinstance(tree, dict)
            for path in tree.get("paths") or [] if isinstance(path, str)]
