"""A closed stdout (`opencheck ... | head`) ends output quietly: no message, no traceback, the command's own code."""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def silence(stream: TextIO) -> None:
    """Point `stream`'s file descriptor at the null device, so later writes and the flush at exit go nowhere."""
    # Python's documented recipe (signal module, "Note on SIGPIPE"): without it the interpreter's final flush
    # of the dead pipe prints "Exception ignored ... BrokenPipeError".
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return  # an in-memory stream (tests): nothing will flush into a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def write_stdout(stream: TextIO, text: str) -> bool:
    """Write and flush `text`; False (and `stream` silenced) when the reader has closed the pipe."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        silence(stream)
        return False
    return True


def flush_quietly(stream: TextIO) -> bool:
    """Flush `stream`; False (and `stream` silenced) when the reader has closed the pipe."""
    try:
        stream.flush()
    except BrokenPipeError:
        silence(stream)
        return False
    except (AttributeError, ValueError, OSError):
        return True  # a closed or odd stream: nothing more to say on it
    return True


def unwrap_click_pipe_guard() -> bool:
    """Whether click met a closed stdout (it then wraps sys.stdout/sys.stderr); undo its wrappers if so."""
    seen = False
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if type(stream).__name__.endswith("PacifyFlushWrapper"):  # click, or the copy typer vendors
            setattr(sys, name, stream.wrapped)
            seen = True
    return seen


def pipe_console(stream: TextIO | None = None, **options: Any) -> Console:
    """A rich Console on `stream` (default stdout) whose closed pipe raises BrokenPipeError like any write.

    Rich's own handling ends the process with exit status 1, which reads as "a gate failed"."""
    from rich.console import Console

    class _PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            silence(stream or sys.stdout)
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    return _PipeConsole(file=stream, **options)
