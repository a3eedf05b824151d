"""One rate limiter shared by every concurrent check of a batch: a 429 pauses everyone, not just its thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from opencheck.sources.http_limits import parse_ratelimit, server_wait

LOW_WATER = 20  # below this many remaining requests, spread the rest over the window instead of bursting
MAX_PAUSE = 600.0  # never believe a server asking for more than ten minutes at once


class SharedLimiter:
    """Thread-safe gate: optional steady pace, global pauses after 429/503, slow-down near the quota's end."""

    def __init__(self, rate: float | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._interval = 1.0 / rate if rate else 0.0
        self._quota_interval = 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._consecutive = 0
        self.requests = 0
        self.rate_limited = 0  # 429 responses seen
        self.pauses = 0  # global pauses started
        self.paused_seconds = 0.0

    def acquire(self) -> None:
        """Block until a request may be sent (while a pause lasts, or until this request's paced slot)."""
        while True:
            with self._lock:
                now = self._clock()
                wait = self._paused_until - now
                if wait <= 0:
                    interval = max(self._interval, self._quota_interval)
                    slot = max(now, self._next_slot)
                    self._next_slot = slot + interval if interval else 0.0
                    self.requests += 1
                    wait = slot - now
                    if wait <= 0:
                        return
                    break
            # A pause may be extended by another thread's 429 meanwhile: sleep in short steps and look again.
            self._sleep(min(wait, 0.5))
        self._sleep(wait)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from a response: 429/503 pause everyone; a low `RateLimit` remainder slows everyone down."""
        headers = {k.lower(): v for k, v in headers.items()}  # plain mappings too, not only httpx's Headers
        asked = server_wait(headers)
        with self._lock:
            now = self._clock()
            if status == 429 or (status == 503 and asked is not None):
                self.rate_limited += status == 429
                self._consecutive += 1
                # Without a hint, back off exponentially across consecutive 429s (1, 2, 4 ... 60 s).
                pause = min(asked if asked is not None else min(60.0, 2.0 ** (self._consecutive - 1)), MAX_PAUSE)
                until = now + pause
                if until > self._paused_until:
                    self.pauses += 1
                    self.paused_seconds += until - max(now, self._paused_until)
                    self._paused_until = until
                return
            self._consecutive = 0
            quota = parse_ratelimit(headers.get("ratelimit"))
            if quota is not None:
                remaining, reset = quota
                self._quota_interval = reset / (remaining + 1) if remaining < LOW_WATER and reset > 0 else 0.0

    def stats(self) -> dict[str, float]:
        """Counters for the summary."""
        with self._lock:
            return {"requests": self.requests, "rate_limited": self.rate_limited, "pauses": self.pauses,
                    "paused_seconds": round(self.paused_seconds, 2)}
