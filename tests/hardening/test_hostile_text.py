"""Card text built to make backtracking patterns take quadratic time is checked in linear time.

Each shape once made some pattern rescan a long run from every position (see `benchmarks/hostile_text.py`,
which also has the full sweep of shapes). At 200,000 characters a quadratic pattern needs about 10^10 steps,
hours in Python's regex engine, while the whole set takes seconds; the subprocess's timeout turns a regression
into a failure instead of a hung suite.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from benchmarks.hostile_text import REGRESSIONS, card, regressions
from tests.hardening.helpers import REPO


@pytest.mark.slow
def test_the_regression_shapes_are_checked_in_linear_time() -> None:
    done = subprocess.run([sys.executable, "benchmarks/hostile_text.py", "--regressions", "--length", "200000"],
                          cwd=REPO, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"checked {len(REGRESSIONS)} cards of 200000 characters" in done.stdout


def test_the_shapes_are_what_they_say() -> None:
    names = [name for name, _ in regressions(10)]
    assert len(names) == len(set(names)) == len(REGRESSIONS)
    text = card("carbon emitted", " *", "q", 10)
    assert text.endswith("carbon emitted * * * * *q\n") and text.startswith("---\nlicense: mit\n---\n")
