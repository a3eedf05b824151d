"""computed_once builds a value once however many threads ask at the same moment."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from opencheck.once import computed_once


def test_many_threads_share_one_build() -> None:
    calls: list[int] = []
    start = threading.Barrier(8)

    @computed_once
    def slow() -> object:
        calls.append(1)
        time.sleep(0.05)  # widen the window in which a second thread could start a second build
        return object()

    def ask() -> object:
        start.wait()
        return slow()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: ask(), range(8)))
    assert len(calls) == 1
    assert all(r is results[0] for r in results)
