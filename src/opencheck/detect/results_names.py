"""A repository or dataset named for the results it holds (evaluation-results, eval_logs, model-outputs) holds
scores, not code and not training data."""

from __future__ import annotations

import re

# Whatever its name's first words say ("evaluation"), its last word says it holds results.
RESULTS_NAME = re.compile(r"[/_.-](?:results?|outputs?|logs?|predictions?|generations?|scores?|"
                          r"leaderboards?)$", re.IGNORECASE)
