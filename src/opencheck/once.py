"""Thread-safe compute-once for expensive, argument-free builders (licence data, the SPDX parser)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

T = TypeVar("T")


def computed_once(build: Callable[[], T]) -> Callable[[], T]:
    """Run `build` at most once per process, even when many batch workers ask at the same moment."""
    lock = threading.Lock()
    done: list[T] = []

    @wraps(build)
    def get() -> T:
        if not done:  # the lock is only contended until the first build finishes
            with lock:
                if not done:
                    done.append(build())
        return done[0]

    return get
