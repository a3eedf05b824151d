"""Documented process exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """opencheck's exit codes; stable, documented in the README and `--help`."""

    SUCCESS = 0  # checks ran and no gate failed
    GATE_FAILED = 1  # a gate failed: grade below --fail-under, a --fail-on severity, a regression
    USAGE_ERROR = 2  # bad arguments, invalid rule pack, manifest or configuration
    RUNTIME_ERROR = 3  # I/O, network, Hub errors
    INTERRUPTED = 130
