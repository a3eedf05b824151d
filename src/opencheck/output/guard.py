"""The gate every output passes: secrets redacted, attacker text made inert for the kind of output it is.

`main()` wraps stdout and stderr in a `GuardedStream`, so no message or report can reach them unscrubbed;
writers of files call `finish()` on the text before writing it, and reports are scrubbed once as objects
(`scrub_report`) so that every format shows the same redacted values.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from opencheck.output.inert import (
    bounded_message,
    inert_commands,
    inert_json,
    inert_shown_json,
    inert_terminal,
    inert_xml,
    terminal_text,
    without_surrogates,
)
from opencheck.output.redact import Redactor, scrub_data

if TYPE_CHECKING:
    from opencheck.environment import Environment

T = TypeVar("T")


class OutputKind(str, Enum):
    """How a piece of output is made inert besides redaction."""

    TEXT = "text"  # terminal text: controls and escape sequences replaced
    JSON = "json"  # JSON: risky characters escaped, data unchanged
    XML = "xml"  # XML and HTML: risky characters as character references, bidi controls replaced
    SHOWN_JSON = "shown-json"  # JSON whose messages a viewer shows people (SARIF, badge): bidi controls replaced
    MARKDOWN = "markdown"  # rendered with escaped values; controls replaced like text
    DATA = "data"  # YAML, CSV and other data files: only redaction and workflow commands


def redactor(env: Environment, *extra: str | None) -> Redactor:
    """The redactor for a command: the environment's secrets, the Hugging Face token file's, any token given as
    an option, and token shapes."""
    if isinstance(env.stdout, GuardedStream) and not extra:
        return env.stdout.scrubber  # it also knows the --token given on the command line
    return Redactor.from_env(env.env, (*extra, hub_token_file_secret(env)))


def hub_token_file_secret(env: Environment) -> str | None:
    """The token `huggingface-cli login` stored, which the Hub client sends when no variable gives one."""
    import os
    from pathlib import Path

    names = {**os.environ, **env.env}
    if names.get("HF_TOKEN_PATH"):
        path = Path(names["HF_TOKEN_PATH"])
    else:
        cache = Path(names.get("XDG_CACHE_HOME") or Path(names.get("HOME") or "~").expanduser() / ".cache")
        path = Path(names.get("HF_HOME") or cache / "huggingface") / "token"
    try:
        if not path.expanduser().is_file():  # never a FIFO or a device, which could block or never end
            return None
        with path.expanduser().open("rb") as handle:
            return handle.read(4096).decode("utf-8", "replace").strip() or None
    except OSError:
        return None


def finish(text: str, kind: OutputKind, scrubber: Redactor) -> str:
    """`text` ready to be written: secrets redacted, then made inert for `kind`."""
    text = scrubber.scrub(without_surrogates(text))
    if kind in (OutputKind.TEXT, OutputKind.MARKDOWN):
        return inert_terminal(text)
    if kind == OutputKind.JSON:
        return inert_json(text)
    if kind == OutputKind.SHOWN_JSON:
        return inert_shown_json(text)
    if kind == OutputKind.XML:
        return inert_xml(text)
    return inert_commands(text)


def scrub_report(obj: T, scrubber: Redactor) -> T:
    """A copy of a report, evidence or row (any dataclass tree) with every string redacted."""
    return scrub_data(obj, scrubber.scrub, scrubber.clean)


def message(text: object, scrubber: Redactor | None = None) -> str:
    """A message for one stderr line: line breaks as spaces, controls as U+FFFD, secrets redacted, at most
    MAX_MESSAGE characters (the middle of a longer one is cut)."""
    text = terminal_text(str(text).replace("\r\n", " ").replace("\n", " "))
    return bounded_message(scrubber.scrub(text) if scrubber is not None else text)


class GuardedStream(io.TextIOBase):
    """A text stream that redacts and neutralises whole lines before passing them on.

    Lines are held until they end (or the stream is flushed), so a secret or a workflow command split over
    several writes is still seen whole. On a terminal, this program's own colours and progress bars pass.
    """

    HOLD = 1 << 16  # a line longer than this is passed on in pieces

    def __init__(self, stream: io.TextIOBase | object, scrubber: Redactor) -> None:
        super().__init__()
        self.wrapped = stream
        self.scrubber = scrubber
        self._pending = ""
        self._line_start = True
        self._lock = threading.Lock()  # a progress bar refreshes from its own thread
        try:
            self._tty = bool(stream.isatty())  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            self._tty = False

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self._tty

    def fileno(self) -> int:
        """The wrapped stream's file descriptor (rich asks for it)."""
        return int(self.wrapped.fileno())  # type: ignore[attr-defined]

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return str(getattr(self.wrapped, "encoding", None) or "utf-8")

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, s: str) -> int:
        """Queue `s`; pass on every complete line."""
        with self._lock:
            self._pending += s
            cut = max(self._pending.rfind("\n"), self._pending.rfind("\r"))
            if cut >= 0:
                self._emit(self._pending[: cut + 1])
                self._pending = self._pending[cut + 1:]
            if len(self._pending) > self.HOLD:
                self._emit(self._pending)
                self._pending = ""
        return len(s)

    def flush(self) -> None:
        """Pass on what is queued, unless it could still grow into a workflow command, and flush."""
        with self._lock:
            if self._pending and self._pending.lstrip() not in ("", ":", "#", "##"):
                self._emit(self._pending)
                self._pending = ""
        flush = getattr(self.wrapped, "flush", None)
        if flush is not None:
            with contextlib.suppress(ValueError):  # the wrapped stream was closed first (at interpreter exit)
                flush()

    def drain(self) -> None:
        """Pass on everything queued (at the end of a command)."""
        with self._lock:
            if self._pending:
                self._emit(self._pending)
                self._pending = ""
        self.flush()

    def _emit(self, chunk: str) -> None:
        text = self.scrubber.scrub(without_surrogates(chunk))
        # A chunk that continues a line must not be read as starting one.
        text = inert_terminal(text if self._line_start else "x" + text, tty=self._tty)
        if not self._line_start:
            text = text[1:]
        self._line_start = chunk.endswith(("\n", "\r"))
        self.wrapped.write(text)  # type: ignore[attr-defined]


def guard_streams(env: Environment, extra: Iterable[str | None] = ()) -> Environment:
    """A copy of `env` whose stdout and stderr are `GuardedStream`s (once: a guarded env is returned as is)."""
    from dataclasses import replace

    if isinstance(env.stdout, GuardedStream):
        return env
    scrubber = Redactor.from_env(env.env, (*extra, hub_token_file_secret(env)))
    return replace(env, stdout=GuardedStream(env.stdout, scrubber), stderr=GuardedStream(env.stderr, scrubber))


def drain_streams(env: Environment) -> None:
    """Pass on whatever the guarded streams still hold (a reader that went away, as `| head` does, is no error)."""
    for stream in (env.stdout, env.stderr):
        if isinstance(stream, GuardedStream):
            with contextlib.suppress(OSError, ValueError):
                stream.drain()
