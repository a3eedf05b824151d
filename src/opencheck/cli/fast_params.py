"""Option values converted without pydantic: typer builds a pydantic `TypeAdapter` for every parameter it converts,
and importing pydantic alone costs about as much as importing typer. The common shapes opencheck uses (text, whole
and decimal numbers within their bounds, paths, enum choices, lists of those) are converted here exactly as typer
would; anything else, and every value typer would refuse, goes to typer's own conversion, so its messages stay
the same.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"-?[0-9]+\Z")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


class _Slow(Exception):
    """The value needs typer's own conversion (an unusual shape, or a value it may refuse)."""


def _number(value: Any, kind: type, info: Any) -> Any:
    if type(value) is kind:
        number = value
    elif isinstance(value, str) and (_INT if kind is int else _DECIMAL).match(value):
        number = kind(value)
    else:
        raise _Slow
    if getattr(info, "clamp", False):
        raise _Slow
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if (low is not None and number < low) or (high is not None and number > high):
        raise _Slow  # typer words the refusal
    return number


def _leaf(value: Any, annotation: Any, info: Any, param: Any, ctx: Any) -> Any:
    """One value of a simple annotation, or `_Slow`."""
    if getattr(info, "parser", None) is not None:
        raise _Slow
    if annotation is str and isinstance(value, str):
        return value
    if annotation in (int, float):
        return _number(value, annotation, info)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        from typer._param_types import coerce_cli_choice

        try:
            return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            raise _Slow from None
    if isinstance(annotation, type) and issubclass(annotation, Path) and isinstance(value, (str, Path)) and value:
        from typer._param_types import coerce_cli_path

        path_type = getattr(info, "path_type", None) or annotation
        # A Path in, so typer's own check (exists, file or folder, resolve) runs without building an adapter.
        return coerce_cli_path(path_type(value), info, path_type=path_type, param=param, ctx=ctx)
    raise _Slow


def convert(value: Any, annotation: Any, info: Any, param: Any, ctx: Any) -> Any:
    """`value` converted for `annotation` (a simple type, or a list of one), or `_Slow`."""
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (str,)
        items = value if isinstance(value, (list, tuple)) else [value]
        return [_leaf(v, item, info, param, ctx) for v in items]
    if get_origin(annotation) is not None:
        raise _Slow
    return _leaf(value, annotation, info, param, ctx)


@cache
def _fast_class() -> type | None:
    """typer's per-parameter conversion contract, tried without pydantic first (None for a typer without it)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:
        return None

    class FastRuntimeParam(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return convert(value, self.annotation, self.parameter_info, param, ctx)
            except _Slow:
                return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    return FastRuntimeParam


def install(params: list[Any]) -> None:
    """Give each typer parameter the fast conversion, falling back to typer's; a typer without the hook is left be."""
    fast = _fast_class()
    if fast is None:
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or not hasattr(param, "_runtime_param") or descriptor.file_annotation is not None \
                or isinstance(param._runtime_param, fast):
            continue
        param._runtime_param = fast(parameter_info=descriptor.parameter_info,
                                                annotation=descriptor.annotation)
