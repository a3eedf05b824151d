"""Bounds on every HTTP exchange (deadline, header sizes, listing pages) and the linear header parsers they guard.

Kept free of httpx2 imports: the CLI reads the deadline from the environment before knowing whether the
target is on the Hub at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opencheck.errors import UsageError

DEFAULT_TIMEOUT = 10.0  # seconds for one whole request: connect + response headers + body
TIMEOUT_ENV = "OPENCHECK_TIMEOUT"
# A rate-limit header is a few dozen characters; a longer one is cut before parsing (never parsed in full).
MAX_RATE_HEADER_CHARS = 1024
# A `Link` header carries the next page's URL with its query string (the listing's expand list): a few KB.
MAX_LINK_HEADER_CHARS = 16 * 1024
MAX_LISTING_PAGES = 20_000  # pages of one `GET /api/models` listing before giving up (1M models at 50 a page)
_MAX_DIGITS = 9  # seconds or request counts above a billion are nonsense; int() of 60 KB of digits raises


_RATE_HEADERS = ("ratelimit", "ratelimit-policy", "retry-after", "x-ratelimit-")


def bounded_header_items(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Response headers with oversized values dropped, so that no parser downstream ever sees one.

    Rate-limit headers over MAX_RATE_HEADER_CHARS and any header over MAX_LINK_HEADER_CHARS are left out:
    huggingface_hub's own parser, the batch limiter and the retry loop all read them.
    """
    kept = []
    for key, value in items:
        lower = key.lower()
        cap = MAX_RATE_HEADER_CHARS if lower.startswith(_RATE_HEADERS) else MAX_LINK_HEADER_CHARS
        if len(value) <= cap:
            kept.append((key, value))
    return kept


def timeout_from_env(env: Mapping[str, str]) -> float:
    """The per-request deadline from OPENCHECK_TIMEOUT (seconds), or the default; a bad value is a usage error."""
    raw = (env.get(TIMEOUT_ENV) or "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw[:32])
    except ValueError:
        value = 0.0
    if not 0.1 <= value <= 3600:
        raise UsageError(f"{TIMEOUT_ENV} must be a number of seconds between 0.1 and 3600")
    return value


def _number(text: str) -> float | None:
    text = text.strip()
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or len(whole) > _MAX_DIGITS or (fraction and not fraction.isdigit()):
        return None
    return float(f"{whole}.{fraction[:6] or 0}")


def parse_ratelimit(value: str | None) -> tuple[int, int] | None:
    """(remaining, reset seconds) of the first `"bucket";r=N;t=N` item of a `RateLimit` header, else None.

    Linear: the header is cut to MAX_RATE_HEADER_CHARS, then split on `,` and `;` (no backtracking regex).
    """
    if not value:
        return None
    for item in value[:MAX_RATE_HEADER_CHARS].split(","):
        fields: dict[str, float] = {}
        for param in item.split(";"):
            key, sep, raw = param.partition("=")
            number = _number(raw) if sep else None
            if key.strip() in ("r", "t") and number is not None and number == int(number):
                fields.setdefault(key.strip(), number)
        if "r" in fields and "t" in fields:
            return int(fields["r"]), int(fields["t"])
    return None


def server_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429/503 response asks us to wait: `RateLimit: "api";r=0;t=N` or `Retry-After: N`."""
    quota = parse_ratelimit(headers.get("ratelimit"))
    if quota is not None and quota[0] == 0:
        return float(quota[1])
    retry_after = headers.get("retry-after")
    if retry_after and len(retry_after) <= MAX_RATE_HEADER_CHARS:
        return _number(retry_after)
    return None


def link_next(value: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header (cut to MAX_LINK_HEADER_CHARS first), else None.

    Linear: each `<URL>` is found with str.find and its parameters run to the next `<`.
    """
    text = (value or "")[:MAX_LINK_HEADER_CHARS]
    position = 0
    while (start := text.find("<", position)) != -1:
        end = text.find(">", start)
        if end == -1:
            return None
        following = text.find("<", end)
        params = text[end + 1 : following if following != -1 else len(text)]
        for param in params.split(";"):
            key, _, rel = param.partition("=")
            if key.strip().lower() == "rel" and "next" in rel.strip().strip(",").strip().strip('"').split():
                return text[start + 1 : end]
        position = end + 1
    return None
