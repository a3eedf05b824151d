"""URLs from outside, split without exceptions.

`urllib.parse.urlsplit` raises ValueError for a bracketed host that is not an IP address (`http://[x]/`, and
`https://[redacted]@host`, which the redactor itself writes over `user:token@`), an unclosed `[`, a netloc that
NFKC normalisation turns into `/?#@:`, and (`.port`) a port that is not a number in 0-65535. A URL comes from a card,
a manifest, a report or a server's `Location`/`Link` header, so any of these must read as "not a usable URL",
never end a run: every split of an untrusted URL goes through `split_url`.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def split_url(url: str) -> SplitResult | None:
    """`urlsplit(url)` with its port checked, or None where urllib would raise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except (ValueError, TypeError):
        return None
    return parts


def url_host(url: str) -> str:
    """The URL's host name in lower case, '' when it has none or cannot be split."""
    parts = split_url(url)
    return (parts.hostname or "").lower() if parts is not None else ""


def url_origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, lower-case host, port or the scheme's default), or None for a URL that cannot be split."""
    parts = split_url(url)
    if parts is None:
        return None
    return parts.scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(parts.scheme)


def same_origin(url: str, base: str) -> bool:
    """Whether `url` has the scheme, host and port of `base`; a URL that cannot be split never does."""
    origin = url_origin(url)
    return origin is not None and origin == url_origin(base)
