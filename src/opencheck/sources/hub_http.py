"""HTTP for the Hub source: one counted httpx2 client with timeouts, bounded retries and safe redirects.

huggingface_hub's own calls (`model_info`, `list_repo_refs`, `dataset_info`) neither retry nor take a
timeout everywhere, and `hf_hub_download` spends two requests (HEAD + GET) on a file. We need both a
request budget and bounded failure, so requests go through this client; the library still maps error
responses to its exception classes (`hf_raise_for_status`) and supplies the data classes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin

import httpx2

from opencheck import __version__ as _opencheck_version
from opencheck.errors import SourceError
from opencheck.sources.http_limits import bounded_header_items, server_wait
from opencheck.url_parts import split_url, url_origin

__all__ = ["CountingClient", "FetchResult", "RequestLimiter", "RetryPolicy", "make_http_client", "server_wait"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
USER_AGENT = f"opencheck/{_opencheck_version}"


class RequestLimiter(Protocol):
    """A gate shared by concurrent checks (batch mode): waits before each request, learns from each response."""

    def acquire(self) -> None:
        """Block until a request may be sent."""

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from a response's status and rate-limit headers (429, `RateLimit`, `Retry-After`)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures (429, 5xx, timeouts, resets) are retried; `sleep` is injectable for tests."""

    max_retries: int = 3
    base_delay: float = 1.0  # first backoff; doubles on each retry
    max_delay: float = 8.0  # cap on one backoff (a server's Retry-After may ask for more, up to max_total_wait)
    max_total_wait: float = 60.0  # give up rather than wait longer than this in total
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    limiter: RequestLimiter | None = field(default=None, compare=False)  # shared across a batch's checks


@dataclass
class FetchResult:
    """A complete response: status, headers and the whole body."""

    status: int
    headers: httpx2.Headers
    body: bytes
    url: str
    request: httpx2.Request


class HostUnreachable(SourceError):
    """The host refused the connection (or has no address): retrying will not help, so it is never retried."""


class _Deadline(Exception):
    """The whole response did not arrive within the request's time budget (slow drip)."""


def _origin(url: str) -> tuple[str, str, int | None]:
    # A Location is server text: one urllib cannot split (`http://[x]/`, port 99999) is an origin of its own.
    return url_origin(url) or ("", "", None)


def describe_transport_error(exc: Exception, timeout: float) -> str:
    """One line for a transport failure, without URLs' query strings or credentials."""
    if isinstance(exc, _Deadline | httpx2.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx2.ConnectError):
        return "cannot connect"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return "connection closed before the response was complete (truncated response)"
    if isinstance(exc, httpx2.ReadError | httpx2.WriteError):
        return "connection reset"
    if isinstance(exc, httpx2.TooManyRedirects):
        return "too many redirects"
    return exc.__class__.__name__


# The monotonic time by which the request being sent on this thread must be complete (None: no deadline).
_DEADLINE: ContextVar[float | None] = ContextVar("opencheck_http_deadline", default=None)


def _budget(timeout: float | None, expired: type[Exception]) -> float | None:
    """The time one socket operation may take: its own timeout, but never past the request's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("request deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream:
    """A network stream whose every read, write and TLS handshake ends by the request's deadline.

    httpx's timeouts are per operation: a server dripping its status line and headers a byte a second never
    trips them. Cutting each operation's timeout to the time left makes the whole exchange end on time.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore2

        data: bytes = self._stream.read(max_bytes, _budget(timeout, httpcore2.ReadTimeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore2

        self._stream.write(buffer, _budget(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _DeadlineStream:
        import httpcore2

        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _budget(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend:
    """Wraps httpcore's network backend so that connecting, too, ends by the request's deadline."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> _DeadlineStream:
        import httpcore2

        return _DeadlineStream(self._backend.connect_tcp(host, port, _budget(timeout, httpcore2.ConnectTimeout),
                                                         local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> _DeadlineStream:
        import httpcore2

        return _DeadlineStream(self._backend.connect_unix_socket(
            path, _budget(timeout, httpcore2.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def make_http_client(timeout: float, max_connections: int | None = None) -> httpx2.Client:
    """The httpx2 client CountingClient uses; batch mode builds one and shares it between threads."""
    limits = httpx2.Limits(max_connections=max_connections, max_keepalive_connections=max_connections) \
        if max_connections else httpx2.Limits()
    # follow_redirects=False: we decide per hop whether credentials may follow (never to another host).
    client = httpx2.Client(timeout=httpx2.Timeout(timeout), follow_redirects=False, limits=limits,
                           headers={"User-Agent": USER_AGENT}, trust_env=True)
    # Every transport (direct, and proxies from the environment) gets the deadline-aware network backend.
    for transport in [client._transport, *client._mounts.values()]:
        if transport is None:  # a NO_PROXY entry: the direct transport serves it
            continue
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise RuntimeError("httpx2 transport without a network backend: the request deadline cannot apply")
        pool._network_backend = _DeadlineBackend(pool._network_backend)
    return client


class CountingClient:
    """An httpx2 client that counts every request it sends (retries and redirect hops included)."""

    def __init__(self, *, timeout: float, retry: RetryPolicy, max_bytes: int = 32 * 1024 * 1024,
                 http: httpx2.Client | None = None) -> None:
        self.timeout = timeout
        self.retry = retry
        self.max_bytes = max_bytes
        self.requests = 0
        # A borrowed client (batch mode shares one connection pool between threads) is never closed here.
        self._http: httpx2.Client | None = http
        self._borrowed = http is not None

    @property
    def _client(self) -> httpx2.Client:
        # Created on first use: building a client (SSL context) costs more than a fully cached check.
        if self._http is None:
            self._http = make_http_client(self.timeout)
        return self._http

    def close(self) -> None:
        """Release connections."""
        if self._http is not None and not self._borrowed:
            self._http.close()
        self._http, self._borrowed = None, False

    def __enter__(self) -> CountingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send_once(self, url: str, params: Mapping[str, str | list[str]] | None,
                   headers: Mapping[str, str]) -> FetchResult:
        limiter = self.retry.limiter
        if limiter is not None:
            limiter.acquire()
        self.requests += 1
        deadline = time.monotonic() + self.timeout
        # One deadline for connect + headers + body: each socket operation gets only the time that is left.
        token = _DEADLINE.set(deadline)
        try:
            return self._exchange(url, params, headers, deadline)
        finally:
            _DEADLINE.reset(token)

    def _exchange(self, url: str, params: Mapping[str, str | list[str]] | None, headers: Mapping[str, str],
                  deadline: float) -> FetchResult:
        limiter = self.retry.limiter
        request = self._client.build_request("GET", url, params=params, headers=dict(headers))
        response = self._client.send(request, stream=True)
        headers = httpx2.Headers(bounded_header_items(response.headers.multi_items()))
        if limiter is not None:
            limiter.observe(response.status_code, headers)
        try:
            announced = headers.get("content-length", "")
            # A body announced larger than the cap is refused before any of it is read.
            if announced.isdigit() and (len(announced) > 18 or int(announced) > self.max_bytes):
                raise SourceError(f"response from {_origin(url)[1]} is larger than {self.max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceError(f"response from {_origin(url)[1]} is larger than {self.max_bytes} bytes")
                chunks.append(chunk)
                # A server dripping bytes can keep each read under the timeout forever: bound the total.
                if time.monotonic() > deadline:
                    raise _Deadline()
        finally:
            response.close()
        return FetchResult(response.status_code, headers, b"".join(chunks), str(response.url), request)

    def _send_following(self, url: str, params: Mapping[str, str | list[str]] | None,
                        headers: Mapping[str, str], *, foreign_redirects: bool) -> FetchResult:
        origin = _origin(url)
        current_headers = dict(headers)
        for _hop in range(_MAX_REDIRECTS + 1):
            result = self._send_once(url, params, current_headers)
            location = result.headers.get("location")
            if result.status not in _REDIRECTS or not location:
                return result
            try:
                target = urljoin(result.url, location)
            except ValueError:  # urljoin splits the Location with urllib, which raises on a bad host or port
                target = ""
            if split_url(target) is None or _origin(target)[0] not in ("http", "https"):
                raise SourceError(f"{origin[1]} redirected to a URL that is not http(s) or cannot be read; "
                                  "not following")
            if _origin(target) != origin:
                if not foreign_redirects:
                    raise SourceError(f"{origin[1]} redirected an API request to another host "
                                      f"({_origin(target)[1]}); not following")
                # File downloads may go to a CDN, but the Authorization header must stay on the Hub.
                current_headers = {k: v for k, v in current_headers.items() if k.lower() != "authorization"}
            url, params = target, None  # the Location already carries its query string
        raise httpx2.TooManyRedirects("too many redirects")

    def fetch(self, url: str, *, what: str, params: Mapping[str, str | list[str]] | None = None,
              headers: Mapping[str, str] | None = None, foreign_redirects: bool = False) -> FetchResult:
        """GET with bounded retries; returns the final response (any status) or raises SourceError."""
        policy = self.retry
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self._send_following(url, params, headers or {}, foreign_redirects=foreign_redirects)
            except (httpx2.TransportError, httpx2.TooManyRedirects, _Deadline) as exc:
                reason = describe_transport_error(exc, self.timeout)
                if isinstance(exc, httpx2.ConnectError):
                    # A refused connection answers at once and will answer the same in a second: fail fast.
                    raise HostUnreachable(f"{what}: {reason} to {_origin(url)[1]}") from None
                if isinstance(exc, httpx2.TooManyRedirects) or attempt > policy.max_retries:
                    raise SourceError(f"{what}: {reason} (after {attempt} attempt{'s' * (attempt > 1)})") from None
                delay = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
            else:
                if result.status not in policy.retry_statuses or attempt > policy.max_retries:
                    return result
                asked = server_wait(result.headers)
                delay = asked if asked is not None else min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
                if waited + delay > policy.max_total_wait:
                    # Waiting longer than allowed would stall a batch: report now, with what the server asked.
                    return result
            if waited + delay > policy.max_total_wait:
                raise SourceError(f"{what}: {reason} (gave up after {attempt} attempts)") from None
            policy.sleep(delay)
            waited += delay
