"""Resolve a target string to a source, read its raw evidence, and run the detectors over it.

The pipeline's first two layers meet here: a source (sources/) reads, then `detect.enrich` interprets.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opencheck.errors import SourceError, UsageError
from opencheck.evidence import Evidence

if TYPE_CHECKING:
    from opencheck.sources.hub_target import HubTarget

MANIFEST_SUFFIXES = (".yaml", ".yml")


class SourceChoice(str, Enum):
    """How to interpret a target."""

    AUTO = "auto"
    LOCAL = "local"
    HUB = "hub"


@dataclass
class HubOptions:
    """Settings for the Hugging Face Hub source."""

    endpoint: str | None = None
    token: str | None = None
    cache_dir: Path | None = None
    use_cache: bool = True
    offline: bool = False
    needs: frozenset[str] = field(default_factory=frozenset)
    github_api: str = "https://api.github.com"
    arxiv_api: str | None = None  # OAI-PMH endpoint of the arXiv look-up ($OPENCHECK_ARXIV_API; default arXiv's)
    github_token: str | None = None
    no_github: bool = False
    timeout: float = 10.0
    sleep: Callable[[float], None] | None = None  # the retry back-off's sleep (the CLI's Environment injects it)


def collect(target: str, *, source: SourceChoice = SourceChoice.AUTO,
            hub: HubOptions | None = None) -> Evidence:
    """Collect evidence for a local folder, a manifest file, or a Hub model id."""
    if not target or not target.strip():
        raise UsageError("no target given: pass a folder, a manifest file or a Hub model id")
    path = Path(target)
    if source == SourceChoice.LOCAL or (source == SourceChoice.AUTO and os.path.lexists(target)):
        return _collect_path(path, target)
    from opencheck.sources.hub_target import looks_like_hub_target, parse_hub_target

    if source == SourceChoice.HUB or looks_like_hub_target(target):
        from opencheck.sources.hub import RetryPolicy

        opts = hub or HubOptions()
        return collect_hub(parse_hub_target(target), endpoint=opts.endpoint, token=opts.token,
                           cache_dir=opts.cache_dir, use_cache=opts.use_cache, offline=opts.offline,
                           needs=opts.needs, github_api=opts.github_api, github_token=opts.github_token,
                           arxiv_api=opts.arxiv_api,
                           no_github=opts.no_github, timeout=opts.timeout,
                           retry=RetryPolicy(sleep=opts.sleep) if opts.sleep else None)
    raise UsageError(f"{target}: no such file or folder, and not a Hub model id (org/name)")


def _collect_path(path: Path, shown: str) -> Evidence:
    try:
        if not path.exists():
            raise UsageError(f"{shown}: no such file or folder")
        if path.is_dir():
            return _collect_folder(path)
        if path.is_file():
            if path.suffix.lower() in MANIFEST_SUFFIXES:
                return collect_manifest(path)
            raise UsageError(f"{shown}: not a folder or a manifest (.yaml/.yml) file")
    except PermissionError as exc:
        raise SourceError(f"{shown}: permission denied: {exc.filename or shown}") from None
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    raise UsageError(f"{shown}: not a regular file or folder")


def collect_local(root: Path, **options: Any) -> Evidence:
    """Read a local folder (sources/local.py) and run the detectors over what it read."""
    from opencheck.detect import enrich
    from opencheck.detect.checkpoints import mark_checkpoint_files
    from opencheck.sources.local import read_local

    options.setdefault("mark_files", mark_checkpoint_files)  # checkpoints are found before anything is read
    evidence = read_local(root, **options)
    enrich(evidence)
    return evidence


def collect_hub(target: HubTarget, *, detect: bool = True, **options: Any) -> Evidence:
    """Read a Hub model (sources/hub.py, look-ups included) and run the detectors over what it read (with
    `detect=False` only read: `batch` runs the detectors in its evaluation process, away from the fetching)."""
    from opencheck.detect.datasets import prose_lookup_ids
    from opencheck.detect.papers import paper_ids
    from opencheck.detect.repo_roles import lookup_repositories, tree_repositories
    from opencheck.detect.synthetic_data import looks_synthetic
    from opencheck.sources.hub import read_hub

    options.setdefault("github_repos", lookup_repositories)  # the publisher's own first, then the tools it used
    options.setdefault("github_trees", tree_repositories)  # another publisher's tree is never read: not asked for
    options.setdefault("arxiv_papers", paper_ids)
    options.setdefault("synthetic", looks_synthetic)
    options.setdefault("dataset_ids", prose_lookup_ids)  # corpora the card names only in prose
    evidence = read_hub(target, **options)
    if detect:
        from opencheck.detect import enrich

        enrich(evidence)
    return evidence


def collect_manifest(path: Path) -> Evidence:
    """Read a manifest checked on its own and take what it declares (it has no files to detect anything in)."""
    from opencheck.detect.declared import detect_declared
    from opencheck.sources.manifest import read_manifest

    evidence = read_manifest(path)
    detect_declared(evidence)
    return evidence


def _collect_folder(root: Path) -> Evidence:
    from opencheck.detect import enrich
    from opencheck.detect.checkpoints import mark_checkpoint_files
    from opencheck.sources.local import read_local
    from opencheck.sources.manifest import attach_manifest, find_manifest

    evidence = read_local(root, mark_files=mark_checkpoint_files)  # checkpoints found before anything is read
    manifest = find_manifest(root)
    if manifest is not None:
        attach_manifest(evidence, manifest, manifest.relative_to(root).as_posix(), root)
    enrich(evidence)  # the declared detector runs last: declared facts add to the detected ones
    return evidence
