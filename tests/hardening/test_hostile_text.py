"""Card text built to make backtracking patterns take quadratic time is checked in linear time.

Each shape once made some pattern rescan a long run from every position (see `benchmarks/hostile_text.py`,
which also has the full sweep of shapes). At 200,000 characters such a pattern needs about 10^10 steps (the
mildest one took 92 s, the others hours) while a linear check of one card takes about a second; each shape runs
in its own process under a 45 s timeout, so a regression fails its test instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from benchmarks.hostile_text import REGRESSIONS, card, regressions
from tests.hardening.helpers import REPO


@pytest.mark.slow
@pytest.mark.parametrize("shape", range(len(REGRESSIONS)), ids=[repr(r[:2]) for r in REGRESSIONS])
def test_each_regression_shape_is_checked_in_linear_time(shape: int) -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/hostile_text.py", "--regressions", "--shape", str(shape), "--length", "200000"],
        cwd=REPO, capture_output=True, text=True, timeout=45, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "checked 1 cards of 200000 characters" in done.stdout


def test_the_shapes_are_what_they_say() -> None:
    names = [name for name, _ in regressions(10)]
    assert len(names) == len(set(names)) == len(REGRESSIONS)
    text = card("carbon emitted", " *", "q", 10)
    assert text.endswith("carbon emitted * * * * *q\n") and text.startswith("---\nlicense: mit\n---\n")
