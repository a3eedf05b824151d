"""Errors that end a command with one clear line and a documented exit code."""

from __future__ import annotations

from opencheck.exit_status import ExitStatus


class OpencheckError(Exception):
    """Base class: `str(error)` is the one line shown to the user."""

    exit_status: ExitStatus = ExitStatus.RUNTIME_ERROR


class UsageError(OpencheckError):
    """Bad arguments or an unusable target."""

    exit_status = ExitStatus.USAGE_ERROR


class ConfigError(OpencheckError):
    """An invalid rule pack, manifest or configuration file."""

    exit_status = ExitStatus.USAGE_ERROR


class InputError(ConfigError):
    """A file that cannot be parsed (YAML/JSON), located as `file:line: message`."""


class SourceError(OpencheckError):
    """Collecting evidence failed at run time (I/O, network, Hub)."""

    exit_status = ExitStatus.RUNTIME_ERROR
