"""Where a batch's targets come from: a file (lines, CSV or JSONL with a `repo` column) or Hub listings.

Both are generators: targets stream in as the run consumes them, so memory does not grow with their number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opencheck.errors import SourceError, UsageError
from opencheck.sources.http_limits import MAX_LISTING_PAGES, link_next
from opencheck.untrusted_json import loads_untrusted
from opencheck.url_parts import same_origin, url_host

# Everything `collect_hub` reads from a model-info answer, so a listing entry can stand in for model_info.
LISTING_EXPAND = (
    "author", "baseModels", "cardData", "config", "disabled", "downloads", "evalResults", "gated",
    "lastModified", "library_name", "likes", "model-index", "pipeline_tag", "private", "safetensors", "sha",
    "siblings", "tags",
)
_TARGET_COLUMNS = ("repo", "target", "id", "model", "repo_id")


@dataclass(frozen=True)
class BatchTarget:
    """One thing to check, with the listing's model info when it came from a Hub query."""

    target: str
    info: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    revision: str | None = None  # batch --history: the commit sha of the Hub model to check

    @property
    def key(self) -> str:
        """What makes two targets the same check: the target, and the revision when one is pinned."""
        return self.target if self.revision is None else f"{self.target}@{self.revision}"


@dataclass
class HubQuery:
    """`GET /api/models` filters: one listing per --author (the Hub takes one author per request)."""

    authors: list[str] = field(default_factory=list)
    search: str | None = None
    filters: list[str] = field(default_factory=list)
    sort: str | None = None
    limit: int | None = None

    @property
    def active(self) -> bool:
        """Whether any listing was asked for."""
        return bool(self.authors or self.search or self.filters or self.sort or self.limit)


def _open_text(path: Path) -> io.TextIOWrapper:
    try:
        return open(path, encoding="utf-8-sig", newline="")  # the caller closes it (with)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such targets file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the targets file: {exc.strerror or exc}") from None


def _detect(path: Path, first: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson") or first.startswith("{"):
        return "jsonl"
    if suffix == ".csv" or ("," in first and any(c == first.split(",")[0].strip().lower() or c in
                                                 [p.strip().lower() for p in first.split(",")]
                                                 for c in _TARGET_COLUMNS)):
        return "csv"
    return "lines"


def read_targets(path: Path) -> Iterator[BatchTarget]:
    """Stream targets from a file; `#` comments and blank lines are ignored; bad lines raise UsageError."""
    with _open_text(path) as handle:
        try:
            lines = (line for line in handle)
            first = ""
            buffered: list[str] = []
            for line in lines:
                buffered.append(line)
                if line.strip() and not line.lstrip().startswith("#"):
                    first = line.strip()
                    break
            kind = _detect(path, first)
            stream = itertools.chain(buffered, lines)
            if kind == "csv":
                rows = csv.DictReader(line for line in stream if line.strip() and not line.lstrip().startswith("#"))
                column = next((c for c in rows.fieldnames or [] if c.strip().lower() in _TARGET_COLUMNS), None)
                if column is None:
                    raise UsageError(f"{path}: CSV needs a 'repo' column")
                for row in rows:
                    value = (row.get(column) or "").strip()
                    if value and not value.startswith("#"):
                        yield BatchTarget(value)
            elif kind == "jsonl":
                for number, line in enumerate(stream, 1):
                    text = line.strip()
                    if not text or text.startswith("#"):
                        continue
                    try:
                        record = loads_untrusted(text)
                    except ValueError:
                        raise UsageError(f"{path}:{number}: not a JSON object") from None
                    value = next((record.get(c) for c in _TARGET_COLUMNS if isinstance(record, dict)
                                  and isinstance(record.get(c), str)), None) if isinstance(record, dict) else None
                    if not value:
                        raise UsageError(f"{path}:{number}: JSON line needs a 'repo' string")
                    yield BatchTarget(value.strip())
            else:
                for line in stream:
                    text = line.strip()
                    if text and not text.startswith("#"):
                        yield BatchTarget(text)
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise UsageError(f"{path}: invalid CSV: {exc}") from None


def count_targets(path: Path) -> int:
    """How many targets a file holds (a streaming pre-pass, for the progress bar's ETA)."""
    return sum(1 for _ in read_targets(path))


def _digest(url: str) -> bytes:
    return hashlib.blake2b(url.encode("utf-8", "replace"), digest_size=16).digest()


def list_hub_models(client: Any, endpoint: str, query: HubQuery, token: str | None) -> Iterator[BatchTarget]:
    """Stream models from `GET /api/models` (one request per page, via the batch's counting client)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    base: dict[str, Any] = {"expand": list(LISTING_EXPAND)}
    if query.search:
        base["search"] = query.search
    if query.filters:
        base["filter"] = list(query.filters)
    if query.sort:
        base["sort"] = query.sort
        base["direction"] = "-1"
    if query.limit:
        base["limit"] = str(query.limit)
    for author in query.authors or [None]:
        params: dict[str, Any] | None = {**base, **({"author": author} if author else {})}
        url: str | None = f"{endpoint}/api/models"
        listed = 0
        seen: set[bytes] = set()  # digests of the page URLs fetched: a link back to one would loop forever
        what = "model listing" + (f" of {author}" if author else "")
        for page in itertools.count(1):
            if url is None:
                break
            if page > MAX_LISTING_PAGES:
                raise SourceError(f"{what}: more than {MAX_LISTING_PAGES} pages; stopping")
            seen.add(_digest(url))
            result = client.fetch(url, what=what, params=params, headers=headers)
            seen.add(_digest(str(result.request.url)))  # the first page's URL carries its query string only here
            if result.status != 200:
                raise SourceError(f"{what}: HTTP {result.status} from {url_host(endpoint)}")
            try:
                items = loads_untrusted(result.body)
            except ValueError:
                raise SourceError(f"{what}: invalid JSON from {url_host(endpoint)}") from None
            if not isinstance(items, list):
                raise SourceError(f"{what}: unexpected response (not a list)")
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    listed += 1
                    yield BatchTarget(item["id"], item)
                    if query.limit and listed >= query.limit:
                        break
            if query.limit and listed >= query.limit:
                break
            url, params = link_next(result.headers.get("link")), None
            # The next-page URL comes from the server: never send the token to another origin.
            if url and not same_origin(url, endpoint):
                raise SourceError(f"{what}: next page is on another host; not following")
            if url and _digest(url) in seen:
                raise SourceError(f"{what}: the next-page link points back to a page already listed; stopping")
