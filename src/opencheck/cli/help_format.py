"""Help pages in plain words: arguments shown as `TARGET` (not `{target}` or `target <str>`) in the usage line
and in the list; options show the metavar they are given (FILE, DIR, PACK), never a type such as `<list[str]>`."""

from __future__ import annotations

import re
from typing import Any, get_args

from typer.core import TyperCommand, TyperGroup

from opencheck.cli.fast_params import install


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name).upper()
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


def _value_metavar(param: Any) -> str:
    """A readable placeholder for an option's value from its type: `[a|b]` for choices, PATH, N, NUMBER, TEXT."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None:
        return "VALUE"
    if desc.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    if desc.is_path:
        return "PATH"
    annotation = desc.annotation
    if desc.is_list:
        annotation = (get_args(annotation) or (str,))[0]
    return {int: "N", float: "NUMBER"}.get(annotation, "TEXT")


def readable_metavars(params: list[Any]) -> None:
    """Give every valued option without a metavar one derived from its type, never `<list[str]>`."""
    for param in params:
        if getattr(param, "param_type_name", "") == "option" and param.metavar is None \
                and not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = _value_metavar(param)


_RANGES = (
    (re.compile(r"(\S+)<=x<=(\S+)"), r"\1 to \2"),
    (re.compile(r"x>=(\S+?)(?=[;\]])"), r"at least \1"),
    (re.compile(r"x<=(\S+?)(?=[;\]])"), r"at most \1"),
    (re.compile(r"x>(\S+?)(?=[;\]])"), r"more than \1"),
    (re.compile(r"x<(\S+?)(?=[;\]])"), r"less than \1"),
)


def _plain_ranges(help_text: str) -> str:
    """`[default: 8; 1<=x<=256]` reads `[default: 8; 1 to 256]`."""
    for pattern, replacement in _RANGES:
        help_text = pattern.sub(replacement, help_text)
    return help_text


class _ReadableParams:
    """What commands and groups share: readable metavars, and options converted without pydantic."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable_metavars(self.params)
        install(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        """typer's help option, converted without pydantic like the rest."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        install([option] if option is not None else [])
        return option


class Command(_ReadableParams, TyperCommand):
    """A command whose usage line and Arguments section name arguments as users type them."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] TARGET` rather than `[OPTIONS] {target}`."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments, then options; each option shows its own metavar."""
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                shown = param.required or param.default in (None, ()) or "default" in (param.help or "")
                extra = "" if shown else f"  [default: {param.default}]"
                args.append((_argument_name(param).strip("[]"), (param.help or "") + extra))
            else:
                opts.append((record[0], _plain_ranges(record[1])))
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)


class Group(_ReadableParams, TyperGroup):
    """A command group whose own options (such as `export --db`) get readable metavars too."""
