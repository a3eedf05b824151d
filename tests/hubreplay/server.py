"""Threaded HTTP server replaying the Hugging Face Hub API from fixture folders, with fault injection.

Fixture layout (see tests/fixtures/hub/README.md):

    tests/fixtures/hub/<org>/<name>/model.json        GET /api/models/<org>/<name> (siblings with blob metadata)
    tests/fixtures/hub/<org>/<name>/refs.json         GET /api/models/<org>/<name>/refs (optional)
    tests/fixtures/hub/<org>/<name>/commits.json      GET /api/models/<org>/<name>/commits/<rev>, newest first,
                                                      paged by `?p=N` and `Link: rel="next"` (optional)
    tests/fixtures/hub/<org>/<name>/_server.json      access rules: {"private": bool, "gated": bool, "tokens": []}
    tests/fixtures/hub/<org>/<name>/revisions/<rev>.json       model info at a named revision or sha (optional)
    tests/fixtures/hub/<org>/<name>/revisions/<sha>/<file>     a file's content at that commit (optional)
    tests/fixtures/hub/<org>/<name>/<file>            /resolve/<rev>/<file> (README.md, config.json, ...)
    tests/fixtures/hub/datasets/<org>/<name>/dataset.json      GET /api/datasets/<org>/<name>
    tests/fixtures/github/<owner>/<repo>/license.json          GET /repos/<owner>/<repo>/license
    tests/fixtures/github/<owner>/<repo>/tree.json             GET /repos/<owner>/<repo>/git/trees/HEAD (404 without)
    tests/fixtures/arxiv/<id>.xml          GET /oai2?verb=GetRecord&identifier=oai:arXiv.org:<id>&metadataPrefix=arXiv
                                           (an id without a file answers OAI-PMH's idDoesNotExist, as arXiv does)

`synthetic/model-NNNNN` models are generated on the fly for batch benchmarks.
Run standalone: `python -m tests.hubreplay.server --port 8765 --latency 0.05`.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fnmatch
import hashlib
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HUB_ROOT = FIXTURES / "hub"
GITHUB_ROOT = FIXTURES / "github"
ARXIV_ROOT = FIXTURES / "arxiv"

# The expand values the real Hub accepts (reference §1/§2); anything else gets HTTP 400 like the Hub.
MODEL_EXPAND = frozenset({
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled", "downloads",
    "downloadsAllTime", "evalResults", "gated", "gguf", "inference", "inferenceProviderMapping",
    "lastModified", "library_name", "likes", "mask_token", "model-index", "pipeline_tag", "private",
    "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags", "transformersInfo", "trendingScore",
    "usedStorage", "widgetData",
})
DATASET_EXPAND = frozenset({
    "author", "cardData", "citation", "createdAt", "description", "disabled", "downloads", "downloadsAllTime",
    "gated", "lastModified", "likes", "mainSize", "paperswithcode_id", "private", "resourceGroup", "sha",
    "siblings", "tags", "trendingScore", "usedStorage",
})
_CONTROL_FILES = frozenset({"model.json", "refs.json", "_server.json", "dataset.json"})
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_SYNTHETIC_RE = re.compile(r"^synthetic/model-(\d{1,9})$")


@dataclass
class Fault:
    """A fault injected on requests whose path matches `pattern` (fnmatch, without the query string).

    kind: status | rate_limit | truncate | invalid_json | wrong_length | reset | drip | latency | hang | redirect
          | header_drip (status line and headers a byte every `delay` s) | extra_headers (answer with `headers`
          added) | link_self (answer with a `Link: rel="next"` pointing back to the very same URL)
    """

    pattern: str
    kind: str
    times: int | None = 1  # how many matching requests it affects; None = all of them
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # latency / hang duration, or the pause between drip chunks
    location: str | None = None  # redirect target; None = the same path on the foreign server
    method: str | None = None  # only GET or only HEAD, if set


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    foreign: bool  # received by the "foreign host" twin used for redirect tests


class _State:
    """Shared between the main server, its foreign twin and all handler threads."""

    def __init__(self, hub_root: Path, github_root: Path, latency: float, synthetic_count: int = 0) -> None:
        self.hub_root = hub_root
        self.github_root = github_root
        self.latency = latency
        self.synthetic_count = synthetic_count  # synthetic/model-NNNNN entries the listing returns
        self.commits_page_size = 50  # commits per page of GET .../commits/<rev> (tests lower it to page)
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.foreign_url = ""
        self.stopping = threading.Event()
        self._json_cache: dict[Path, Any] = {}

    def load_json(self, path: Path) -> Any:
        with self.lock:
            if path not in self._json_cache:
                self._json_cache[path] = json.loads(path.read_text(encoding="utf-8"))
            return copy.deepcopy(self._json_cache[path])

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method and fault.method != method:
                    continue
                if not fnmatch.fnmatchcase(path, fault.pattern):
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                return fault
        return None


def git_blob_sha1(data: bytes) -> str:
    """The git object id of a blob, as the Hub reports it for non-LFS files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _fake_sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


@dataclass
class _Repo:
    """A repository as the server sees it: fixture folder or synthetic."""

    repo_id: str
    info: dict[str, Any]
    folder: Path | None
    refs: dict[str, Any]
    access: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)  # synthetic file contents


def _synthetic_repo(repo_id: str) -> _Repo:
    number = _SYNTHETIC_RE.match(repo_id).group(1)  # type: ignore[union-attr]
    sha = _fake_sha(repo_id)
    readme = (
        "---\nlicense: apache-2.0\ndatasets:\n- synthetic/corpus\nlibrary_name: transformers\n---\n\n"
        f"# Synthetic model {number}\n\nGenerated by the replay server for batch benchmarks.\n\n"
        "## Training Details\n\nLearning rate 3e-4, batch size 512, 10k steps.\n\n"
        "Code: https://github.com/example/synthetic-train\n"
    ).encode()
    config = json.dumps({"model_type": "gpt_neox", "hidden_size": 512, "num_hidden_layers": 8}).encode()
    weights_sha256 = hashlib.sha256(repo_id.encode()).hexdigest()
    info = {
        "_id": sha[:24],
        "id": repo_id,
        "author": "synthetic",
        "sha": sha,
        "private": False,
        "gated": False,
        "disabled": False,
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["transformers", "safetensors", "license:apache-2.0", "dataset:synthetic/corpus", "region:us"],
        "cardData": {"license": "apache-2.0", "datasets": ["synthetic/corpus"], "library_name": "transformers"},
        "config": {"model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"]},
        "safetensors": {"parameters": {"F16": 70426624}, "total": 70426624},
        "siblings": [
            {"rfilename": ".gitattributes", "size": 1519, "blobId": _fake_sha(repo_id + "ga")},
            {"rfilename": "README.md", "size": len(readme), "blobId": git_blob_sha1(readme)},
            {"rfilename": "config.json", "size": len(config), "blobId": git_blob_sha1(config)},
            {
                "rfilename": "model.safetensors",
                "size": 140853248,
                "blobId": _fake_sha(repo_id + "w"),
                "lfs": {"size": 140853248, "sha256": weights_sha256, "pointerSize": 135},
            },
        ],
    }
    return _Repo(repo_id, info, None, {}, {}, files={"README.md": readme, "config.json": config})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub; every response carries Content-Length
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body waits for the client's
    # delayed ACK (~40 ms on loopback) and every request looks 40 ms slower than the latency injected.
    disable_nagle_algorithm = True
    server_version = "hubreplay/1"
    state: _State
    foreign: bool

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    # -- entry points -------------------------------------------------------------------------------
    def do_GET(self) -> None:
        """Serve a GET."""
        self._handle("GET")

    def do_HEAD(self) -> None:
        """Serve a HEAD."""
        self._handle("HEAD")

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        path, query = split.path, split.query
        state = self.state
        with state.lock:
            state.counts[path] += 1
            state.requests.append(
                RecordedRequest(method, path, query, {k.lower(): v for k, v in self.headers.items()}, self.foreign)
            )
        if state.latency:
            time.sleep(state.latency)
        fault = None if self.foreign else state.take_fault(method, path)
        if fault is not None and self._apply_fault(fault, method, path, query):
            return
        status, headers, body = self._route(method, path, query)
        self._send(method, status, headers, body)

    # -- responses ----------------------------------------------------------------------------------
    def _send(self, method: str, status: int, headers: dict[str, str], body: bytes,
              length: int | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "application/json", **headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    @staticmethod
    def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        return status, dict(headers or {}), json.dumps(payload).encode()

    @classmethod
    def _error(cls, status: int, code: str | None, message: str,
               extra: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"X-Error-Message": message, **(extra or {})}
        if code:
            headers["X-Error-Code"] = code
        return cls._json(status, {"error": message}, headers)

    def _apply_fault(self, fault: Fault, method: str, path: str, query: str) -> bool:
        """Apply a fault; False means "then answer normally" (latency)."""
        kind = fault.kind
        if kind == "latency":
            self.state.stopping.wait(fault.delay)
            return False
        if kind in ("status", "rate_limit"):
            status = 429 if kind == "rate_limit" else fault.status
            self._send(method, status, {"X-Error-Message": f"injected {status}", **fault.headers},
                       json.dumps({"error": f"injected {status}"}).encode())
            return True
        if kind == "redirect":
            location = fault.location or f"{self.state.foreign_url}{path}" + (f"?{query}" if query else "")
            self._send(method, fault.status if 300 <= fault.status < 400 else 302, {"Location": location}, b"")
            return True
        if kind == "invalid_json":
            self._send(method, 200, {}, b'{"id": "broken", "sha": "0123<html>Bad gateway</html>')
            return True
        if kind == "reset":
            # SO_LINGER 0 turns the close into a TCP RST: the client sees "connection reset".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return True
        if kind == "hang":
            self.state.stopping.wait(fault.delay or 30.0)
            self.close_connection = True
            return True
        status, headers, body = self._route(method, path, query)
        if kind == "extra_headers":
            extra = dict(fault.headers)
            length = extra.pop("Content-Length", None)  # announced, not sent: the body stays as it is
            self._send(method, status, {**headers, **extra}, body, length=None if length is None else int(length))
            self.close_connection = length is not None
            return True
        if kind == "link_self":
            here = f"http://{self.headers.get('Host', '')}{path}" + (f"?{query}" if query else "")
            self._send(method, status, {**headers, "Link": f'<{here}>; rel="next"'}, body)
            return True
        if kind == "header_drip":
            head = [f"HTTP/1.1 {status} OK\r\n", f"Content-Length: {len(body)}\r\n",
                    *(f"{k}: {v}\r\n" for k, v in headers.items()), "\r\n"]
            for byte in "".join(head).encode("latin-1"):
                if self.state.stopping.wait(fault.delay or 1.0):
                    break
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
            return True
        if kind == "truncate":
            # Announce the full length, send half, close: "incomplete message body" on the client.
            self._send("HEAD", status, headers, body)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return True
        if kind == "wrong_length":
            # Announce fewer bytes than sent: the client stops early and gets a cut JSON document.
            self._send(method, status, headers, body, length=max(0, len(body) // 2))
            self.close_connection = True
            return True
        if kind == "drip":
            self._send("HEAD", status, headers, body)
            for i in range(0, len(body), 16):
                if self.state.stopping.wait(fault.delay or 0.2):
                    break
                try:
                    self.wfile.write(body[i : i + 16])
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
            return True
        raise ValueError(f"unknown fault kind {kind!r}")

    # -- routing ------------------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
        params = parse_qs(query)
        raw_segments = [s for s in path.split("/") if s]
        if path == "/api/agent-harnesses":
            return self._json(200, {"standardEnvVars": [], "harnesses": {}})
        if raw_segments == ["oai2"]:
            return self._oai(params)
        if len(raw_segments) == 6 and raw_segments[0] == "repos" and raw_segments[3:5] == ["git", "trees"]:
            return self._github_tree(raw_segments[1], raw_segments[2])
        if len(raw_segments) >= 4 and raw_segments[0] == "repos" and raw_segments[3] == "license":
            return self._github_license(raw_segments[1], raw_segments[2])
        if raw_segments == ["api", "models"]:
            return self._list_models(params)
        if raw_segments[:2] in (["api", "models"], ["api", "datasets"]):
            kind = "model" if raw_segments[1] == "models" else "dataset"
            return self._api(kind, raw_segments[2:], params)
        if "resolve" in raw_segments:
            idx = raw_segments.index("resolve")
            kind = "model"
            repo_segments = raw_segments[:idx]
            if repo_segments and repo_segments[0] == "datasets":
                kind, repo_segments = "dataset", repo_segments[1:]
            rest = raw_segments[idx + 1 :]
            if rest:
                return self._resolve(method, kind, "/".join(repo_segments), unquote(rest[0]),
                                     "/".join(unquote(s) for s in rest[1:]))
        return self._json(404, {"error": "Not Found"})

    def _load_repo(self, kind: str, repo_id: str) -> _Repo | None:
        if kind == "model" and _SYNTHETIC_RE.match(repo_id):
            return _synthetic_repo(repo_id)
        if ".." in repo_id or not repo_id:
            return None
        folder = self.state.hub_root / ("datasets/" + repo_id if kind == "dataset" else repo_id)
        info_file = folder / ("dataset.json" if kind == "dataset" else "model.json")
        if not info_file.is_file():
            return None
        info = self.state.load_json(info_file)
        refs = self.state.load_json(folder / "refs.json") if (folder / "refs.json").is_file() else {}
        access = self.state.load_json(folder / "_server.json") if (folder / "_server.json").is_file() else {}
        return _Repo(repo_id, info, folder, refs, access)

    def _authorized(self, repo: _Repo) -> bool:
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        return bool(token) and token in repo.access.get("tokens", [])

    def _resolve_revision(self, repo: _Repo, revision: str | None) -> tuple[str, dict[str, Any]] | None:
        """Map a branch, tag or sha to (commit sha, model info at that commit)."""
        main_sha = repo.info.get("sha", _fake_sha(repo.repo_id))
        if revision in (None, "main"):
            return main_sha, repo.info
        assert revision is not None
        if repo.folder is not None:
            named = repo.folder / "revisions" / (quote(revision, safe="") + ".json")
            if named.is_file():
                info = self.state.load_json(named)
                return info["sha"], info
        target: str | None = None
        for group in ("branches", "tags", "converts"):
            for ref in repo.refs.get(group, []):
                if revision in (ref.get("name"), ref.get("ref")):
                    target = ref["targetCommit"]
        known = {main_sha} | {ref.get("targetCommit") for group in repo.refs.values() if isinstance(group, list)
                              for ref in group}
        if target is None and _SHA_RE.match(revision) and revision in known:
            target = revision
        if target is None:
            return None
        if target == main_sha:
            return main_sha, repo.info
        if repo.folder is not None and (repo.folder / "revisions" / f"{target}.json").is_file():
            return target, self.state.load_json(repo.folder / "revisions" / f"{target}.json")
        info = copy.deepcopy(repo.info)
        info["sha"] = target
        return target, info

    def _access_error(self, repo: _Repo, kind: str, files: bool) -> tuple[int, dict[str, str], bytes] | None:
        if repo.access.get("private") and not self._authorized(repo):
            return self._error(401, "RepoNotFound", "Repository not found")
        if files and repo.access.get("gated") and not self._authorized(repo):
            return self._error(403, "GatedRepo",
                               f"Access to {kind} {repo.repo_id} is restricted. You must have access to it "
                               "and be authenticated to access it. Please log in.")
        return None

    def _api(self, kind: str, segments: list[str], params: dict[str, list[str]]
             ) -> tuple[int, dict[str, str], bytes]:
        # Repo ids have one or two parts; the suffix says which endpoint.
        if len(segments) >= 2 and segments[-1] == "refs":
            repo_id, action, revision = "/".join(segments[:-1]), "refs", None
        elif "commits" in segments[1:]:
            idx = segments.index("commits", 1)
            repo_id, action = "/".join(segments[:idx]), "commits"
            revision = unquote("/".join(segments[idx + 1 :])) or None
        elif "revision" in segments:
            idx = segments.index("revision")
            repo_id, action = "/".join(segments[:idx]), "info"
            revision = unquote("/".join(segments[idx + 1 :]))
        else:
            repo_id, action, revision = "/".join(segments), "info", None
        repo = self._load_repo(kind, repo_id)
        if repo is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if (denied := self._access_error(repo, kind, files=False)) is not None:
            return denied
        if action == "refs":
            refs = copy.deepcopy(repo.refs) or {
                "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": repo.info.get("sha")}],
                "converts": [],
                "tags": [],
            }
            refs.setdefault("converts", [])
            refs.setdefault("tags", [])
            if params.get("include_prs") == ["1"]:
                refs.setdefault("pullRequests", [])
            else:
                refs.pop("pullRequests", None)
            return self._json(200, refs)
        resolved = self._resolve_revision(repo, revision)
        if resolved is None:
            return self._error(404, "RevisionNotFound", "Invalid rev id: " + str(revision))
        _sha, info = resolved
        if action == "commits":
            return self._commits(repo, _sha, segments, params)
        expand = params.get("expand", [])
        allowed = MODEL_EXPAND if kind == "model" else DATASET_EXPAND
        if unknown := [e for e in expand if e not in allowed]:
            return self._error(400, None, f'"expand" contains unknown values: {", ".join(unknown)}')
        blobs = params.get("blobs", ["false"])[0].lower() in ("1", "true")
        if expand:
            info = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
        if "siblings" in info and not blobs:
            info["siblings"] = [{"rfilename": s["rfilename"]} for s in info["siblings"]]
        return self._json(200, info)

    def _commits(self, repo: _Repo, sha: str, segments: list[str], params: dict[str, list[str]]
                 ) -> tuple[int, dict[str, str], bytes]:
        """GET /api/models/<id>/commits/<rev>: the history from that commit back, newest first, one page."""
        listed = self.state.load_json(repo.folder / "commits.json") if (
            repo.folder is not None and (repo.folder / "commits.json").is_file()) else [
            {"id": sha, "title": "Upload", "message": "", "date": repo.info.get("lastModified"), "authors": []}]
        start = next((i for i, c in enumerate(listed) if c.get("id") == sha), 0)
        history = listed[start:]
        page = int(params["p"][0]) if params.get("p", [""])[0].isdigit() else 0
        size = self.state.commits_page_size
        headers: dict[str, str] = {}
        if (page + 1) * size < len(history):
            base = "/api/models/" + "/".join(quote(s, safe="") for s in segments)
            headers["Link"] = f'<http://{self.headers.get("Host", "127.0.0.1")}{base}?p={page + 1}>; rel="next"'
        return self._json(200, history[page * size : (page + 1) * size], headers)

    def _list_models(self, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        """GET /api/models: search/author/filter/sort/limit/expand/full, paginated by `Link: rel="next"`."""
        expand = params.get("expand", [])
        if unknown := [e for e in expand if e not in MODEL_EXPAND]:
            return self._error(400, None, f'"expand" contains unknown values: {", ".join(unknown)}')
        full = params.get("full", ["false"])[0].lower() in ("1", "true")
        if expand and (full or "cardData" in params or "config" in params):
            return self._error(400, None, '"expand" cannot be combined with "full", "cardData" or "config"')
        authors = params.get("author", [])
        search = params.get("search", [""])[0].lower()
        tags = params.get("filter", [])
        sort = params.get("sort", [None])[0]
        limit = int(params["limit"][0]) if params.get("limit", [""])[0].isdigit() else None
        cursor = int(params["cursor"][0]) if params.get("cursor", [""])[0].isdigit() else 0
        page_size = 50

        def keep(info: dict[str, Any]) -> bool:
            repo_id = str(info.get("id", ""))
            return ((not authors or repo_id.split("/")[0] in authors) and search in repo_id.lower()
                    and all(t in info.get("tags", []) for t in tags))

        candidates: list[dict[str, Any]] = []
        for info_file in sorted(self.state.hub_root.glob("*/*/model.json")):
            if info_file.parent.parent.name == "datasets":
                continue
            access = info_file.parent / "_server.json"
            if access.is_file() and self.state.load_json(access).get("private"):
                continue
            info = self.state.load_json(info_file)
            if keep(info):
                candidates.append(info)
        if self.state.synthetic_count and (not authors or "synthetic" in authors):
            for number in range(1, self.state.synthetic_count + 1):
                info = _synthetic_repo(f"synthetic/model-{number:05d}").info
                if keep(info):
                    candidates.append(info)
        if sort in ("downloads", "likes", "lastModified", "createdAt", "trendingScore"):
            candidates.sort(key=lambda i: i.get(sort) or 0, reverse=True)
        if limit is not None:
            candidates = candidates[:limit]
        page = candidates[cursor : cursor + page_size]
        basic = ("_id", "id", "likes", "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "private")
        items = []
        for info in page:
            if expand:
                item = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
            elif full:
                item = {k: v for k, v in info.items() if k not in ("cardData", "config")}
                for extra in ("cardData", "config"):
                    if params.get(extra, ["false"])[0].lower() in ("1", "true") and extra in info:
                        item[extra] = info[extra]
            else:
                item = {k: v for k, v in info.items() if k in basic}
            if "siblings" in item:
                item["siblings"] = [{"rfilename": s["rfilename"]} for s in item["siblings"]]
            items.append(item)
        headers: dict[str, str] = {}
        if cursor + page_size < len(candidates):
            query = {k: v for k, v in params.items() if k != "cursor"}
            query["cursor"] = [str(cursor + page_size)]
            link = "/api/models?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, vs in query.items() for v in vs)
            headers["Link"] = f'<http://{self.headers.get("Host", "127.0.0.1")}{link}>; rel="next"'
        return self._json(200, items, headers)

    def _resolve(self, method: str, kind: str, repo_id: str, revision: str, filename: str
                 ) -> tuple[int, dict[str, str], bytes]:
        repo = self._load_repo(kind, repo_id)
        if repo is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if (denied := self._access_error(repo, kind, files=True)) is not None:
            return denied
        resolved = self._resolve_revision(repo, revision)
        if resolved is None:
            return self._error(404, "RevisionNotFound", "Invalid rev id: " + revision)
        sha, info = resolved
        data = self._file_bytes(repo, sha, filename)
        if data is None:
            return self._error(404, "EntryNotFound", f"{filename} does not exist on \"{revision}\"",
                               {"X-Repo-Commit": sha})
        lfs = next((s.get("lfs") for s in info.get("siblings", []) if s.get("rfilename") == filename), None)
        etag = lfs["sha256"] if lfs else git_blob_sha1(data)
        headers = {"X-Repo-Commit": sha, "ETag": f'"{etag}"', "Content-Type": "application/octet-stream",
                   "Accept-Ranges": "bytes"}
        range_header = self.headers.get("Range", "")
        match = re.match(r"bytes=(\d+)-(\d*)$", range_header)
        if match and method == "GET":
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return 206, headers, data[start : end + 1]
        return 200, headers, data

    def _file_bytes(self, repo: _Repo, sha: str, filename: str) -> bytes | None:
        if repo.folder is None:
            return repo.files.get(filename)
        if not filename or ".." in filename.split("/") or filename in _CONTROL_FILES or filename.startswith(
            "revisions/"
        ):
            return None
        for candidate in (repo.folder / "revisions" / sha / filename, repo.folder / filename):
            if candidate.is_file():
                return candidate.read_bytes()
        return None

    def _github_tree(self, owner: str, name: str) -> tuple[int, dict[str, str], bytes]:
        file = self.state.github_root / owner / name / "tree.json"
        if ".." in (owner, name) or not file.is_file():
            return self._json(404, {"message": "Not Found",
                                    "documentation_url": "https://docs.github.com/rest/git/trees#get-a-tree"})
        return self._json(200, self.state.load_json(file))

    def _github_license(self, owner: str, name: str) -> tuple[int, dict[str, str], bytes]:
        file = self.state.github_root / owner / name / "license.json"
        if ".." in (owner, name) or not file.is_file():
            return self._json(404, {"message": "Not Found",
                                    "documentation_url": "https://docs.github.com/rest/licenses/licenses"})
        return self._json(200, self.state.load_json(file))


    def _oai(self, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        """arXiv's OAI-PMH GetRecord (metadataPrefix=arXiv); errors come as 200 with an <error>, like arXiv's."""
        xml = {"Content-Type": "text/xml; charset=utf-8"}
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                "<responseDate>2026-01-01T00:00:00Z</responseDate>")
        identifier = (params.get("identifier") or [""])[0]
        if (params.get("verb") or [""])[0] != "GetRecord" or (params.get("metadataPrefix") or [""])[0] != "arXiv":
            return 200, xml, f'{head}<error code="badArgument">unsupported request</error></OAI-PMH>'.encode()
        ident = identifier.removeprefix("oai:arXiv.org:")
        file = ARXIV_ROOT / (ident.replace("/", "_") + ".xml")
        if not identifier.startswith("oai:arXiv.org:") or ".." in ident or not file.is_file():
            return 200, xml, (f'{head}<error code="idDoesNotExist">{identifier} has an invalid identifier or does '
                              "not exist</error></OAI-PMH>").encode()
        return 200, xml, file.read_bytes()


class HubReplayServer:
    """The replay server: `with HubReplayServer() as hub: HfApi(endpoint=hub.url)...`."""

    def __init__(self, hub_root: Path = HUB_ROOT, github_root: Path = GITHUB_ROOT, *,
                 host: str = "127.0.0.1", port: int = 0, latency: float = 0.0, synthetic_count: int = 0) -> None:
        self.state = _State(hub_root, github_root, latency, synthetic_count)
        self._main = self._make_server(host, port, foreign=False)
        # A twin on another port is a different origin: "a foreign host" for redirect tests.
        self._foreign = self._make_server(host, 0, foreign=True)
        self.url = f"http://{host}:{self._main.server_address[1]}"
        self.foreign_url = f"http://{host}:{self._foreign.server_address[1]}"
        self.state.foreign_url = self.foreign_url
        self._threads: list[threading.Thread] = []

    def _make_server(self, host: str, port: int, *, foreign: bool) -> ThreadingHTTPServer:
        handler = type("Handler", (_Handler,), {"state": self.state, "foreign": foreign})
        server = ThreadingHTTPServer((host, port), handler)
        server.daemon_threads = True
        return server

    @property
    def port(self) -> int:
        """The port the main server listens on."""
        return int(self._main.server_address[1])

    def start(self) -> HubReplayServer:
        """Start serving in background threads."""
        for server in (self._main, self._foreign):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and release the ports."""
        self.state.stopping.set()
        for server in (self._main, self._foreign):
            server.shutdown()
            server.server_close()

    def __enter__(self) -> HubReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test helpers ---------------------------------------------------------------------------------
    def add_fault(self, pattern: str, kind: str, **kwargs: Any) -> Fault:
        """Inject a fault on paths matching `pattern` (fnmatch); see `Fault`."""
        fault = Fault(pattern, kind, **kwargs)
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self.state.lock:
            self.state.faults.clear()

    def reset_counts(self) -> None:
        """Forget the requests seen so far."""
        with self.state.lock:
            self.state.counts.clear()
            self.state.requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received, in order."""
        with self.state.lock:
            return list(self.state.requests)

    def count(self, pattern: str = "*", *, foreign: bool | None = None) -> int:
        """Number of requests whose path matches `pattern` (fnmatch), optionally only foreign/main ones."""
        return sum(1 for r in self.requests
                   if fnmatch.fnmatchcase(r.path, pattern) and (foreign is None or r.foreign == foreign))

    @property
    def total(self) -> int:
        """Number of requests received by the main server (not the foreign twin)."""
        return self.count(foreign=False)


def main(argv: list[str] | None = None) -> None:
    """Run the replay server in the foreground (for benchmarks)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--synthetic", type=int, default=0, help="synthetic models listed by GET /api/models")
    parser.add_argument("--root", type=Path, default=HUB_ROOT, help="Hub fixture folder")
    parser.add_argument("--github-root", type=Path, default=GITHUB_ROOT, help="GitHub fixture folder")
    args = parser.parse_args(argv)
    server = HubReplayServer(args.root, args.github_root, host=args.host, port=args.port, latency=args.latency,
                             synthetic_count=args.synthetic)
    server.start()
    print(f"hubreplay serving {args.root} at {server.url} (synthetic/model-00001 ... available)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
    server.stop()
    print(f"served {server.total} requests", flush=True)


if __name__ == "__main__":
    main()
