"""Click's usage errors as one plain line: which option or argument, what is wrong, and where help is."""

from __future__ import annotations

import re
from typing import Any

# Validation phrases (from the type layer under typer) and the plain words shown instead.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Value error, "), ""),
    (re.compile(r"^Input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"^Input should be a valid number.*$"), "must be a number"),
    (re.compile(r"^Input should be a valid boolean.*$"), "must be true or false"),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), r"must be at least \1"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), r"must be at most \1"),
    (re.compile(r"^Input should be greater than (\S+)$"), r"must be more than \1"),
    (re.compile(r"^Input should be less than (\S+)$"), r"must be less than \1"),
    (re.compile(r"^Input should be (.*)$"), r"must be \1"),
)
_CHOICE = re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>'.*')\.?$", re.S)
_QUOTED = re.compile(r"'([^']*)'")


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _plain(message: str) -> str:
    message = message.strip()
    for pattern, replacement in _PHRASES[:1]:
        message = pattern.sub(replacement, message)
    choice = _CHOICE.match(message)
    if choice:
        return f"{choice['value']!r} is not a choice; use {_or_list(_QUOTED.findall(choice['choices']))}"
    for pattern, replacement in _PHRASES[1:]:
        new = pattern.sub(replacement, message)
        if new != message:
            return new
    return message.rstrip(".")


def _param_name(param: Any) -> str:
    """`--format` for an option (its longest spelling), `TARGET` for an argument."""
    opts = list(getattr(param, "opts", []) or [])
    if getattr(param, "param_type_name", "") == "option" and opts:
        return max(opts, key=len)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "argument").upper()


def usage_error_line(exc: Any) -> str:
    """The one line `opencheck` prints for a click usage error (bad option, bad value, missing argument)."""
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        option = exc.option_name
        near = sorted(exc.possibilities or [])
        text = f"no option {option}" + (f" (did you mean {_or_list(near)}?)" if near else "")
    elif kind == "MissingParameter" and param is not None:
        what = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        text = f"missing {what} {_param_name(param)}"
    elif kind == "BadParameter" and param is not None:
        text = f"{_param_name(param)}: {_plain(str(exc.message))}"
    else:
        text = _plain(exc.format_message())
        text = text[:1].lower() + text[1:]
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
    return f"opencheck: error: {text}{where}"
