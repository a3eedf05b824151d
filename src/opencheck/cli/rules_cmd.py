"""`opencheck rules list|show|validate`."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import typer

from opencheck.cli.help_format import Command, Group
from opencheck.environment import Environment
from opencheck.errors import UsageError
from opencheck.exit_status import ExitStatus

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=Group)


def _env(ctx: typer.Context) -> Environment:
    return ctx.obj or Environment()


def _write(stream: TextIO, text: str) -> None:
    """Write plain text whose values come from packs, which may be anyone's: no terminal controls in it, on a
    terminal either (where the guarded stream lets colour codes through)."""
    from opencheck.output.inert import terminal_text

    stream.write(terminal_text(text))


@app.command("list", cls=Command)
def list_rules(
    ctx: typer.Context,
    pack: list[str] = typer.Option([], "--pack", "-p", metavar="PACK",
                                   help="Only these packs (default: all built-in)."),
) -> None:
    """List every rule of the built-in (or given) packs."""
    from opencheck.rulepacks import builtin_pack_names, load_pack

    env = _env(ctx)
    for spec in pack or builtin_pack_names():
        p = load_pack(spec, base_dir=env.cwd)
        _write(env.stdout, f"{p.name} {p.version}: {p.title} ({len(p.active_rules())} rules, "
                           f"grading: {p.grading['scheme']})\n")
        for r in p.active_rules():
            _write(env.stdout, f"  {r.id:<40} {r.severity.value:<8} {r.title}\n")


@app.command("show", cls=Command, short_help="Show one rule and the detectors that feed it.")
def show_rule(
    ctx: typer.Context,
    rule_id: str = typer.Argument(..., help="Rule id, e.g. OC-MOF-TRAINING-CODE."),
    pack: list[str] = typer.Option([], "--pack", "-p", metavar="PACK", help="Also search these custom packs."),
) -> None:
    """Show one rule: rationale, condition, remediation, reference and the detectors that feed it."""
    import yaml

    from opencheck.detect.feeds import detectors_text
    from opencheck.rulepacks import builtin_pack_names, load_pack

    env = _env(ctx)
    for spec in [*pack, *builtin_pack_names()]:
        p = load_pack(spec, base_dir=env.cwd)
        rule = p.rule(rule_id.upper())
        if rule is None:
            continue
        _write(env.stdout, f"{rule.id}  ({p.name} {p.version})\n{rule.title}\n\n")
        fields = [("severity", rule.severity.value), ("component", rule.component), ("topic", rule.topic),
                  ("weight", rule.weight), ("reference", rule.reference)]
        for key, value in fields:
            if value is not None:
                _write(env.stdout, f"{key}: {value}\n")
        _write(env.stdout, f"detectors: {detectors_text(rule.condition, rule.component)}\n")
        _write(env.stdout, f"\nwhy: {rule.rationale}\n\nfix: {rule.remediation}\n\ncondition:\n")
        _write(env.stdout, "  " + yaml.safe_dump(rule.condition, sort_keys=True).replace("\n", "\n  ").rstrip()
                           + "\n")
        return
    raise UsageError(f"no rule {rule_id!r} in the packs searched; see `opencheck rules list`")


@app.command("validate", cls=Command, short_help="Validate rule packs against the pack schema.")
def validate_pack(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Rule pack YAML files."),
) -> None:
    """Validate rule packs against the pack schema; errors read FILE:LINE: $.path: message."""
    from opencheck.rulepacks import pack_errors

    env = _env(ctx)
    bad = 0
    for path in files:
        errors = pack_errors(path if path.is_absolute() else env.cwd / path)
        if errors:
            bad += 1
            from opencheck.output.messages import relative_paths

            for line in errors:
                _write(env.stderr, relative_paths(env, line) + "\n")
        else:
            _write(env.stdout, f"{path}: ok\n")
    if bad:
        raise typer.Exit(int(ExitStatus.USAGE_ERROR))


@app.command("docs", cls=Command, short_help="Write Markdown pages for every rule of the packs.")
def docs_packs(
    ctx: typer.Context,
    output_dir: Path = typer.Option(Path("docs/rules"), "--output-dir", "-o", metavar="DIR",
                                    help="Folder for the Markdown "
                                    "pages (one per pack plus README.md)."),
    pack: list[str] = typer.Option([], "--pack", "-p", metavar="PACK",
                                   help="Only these packs (default: all built-in)."),
) -> None:
    """Write Markdown documentation for every rule of the built-in (or given) packs."""
    from opencheck.rule_docs import write_docs
    from opencheck.rulepacks import builtin_pack_names, load_pack

    env = _env(ctx)
    packs = [load_pack(spec, base_dir=env.cwd) for spec in (pack or builtin_pack_names())]
    target = output_dir if output_dir.is_absolute() else env.cwd / output_dir
    from opencheck.output.guard import OutputKind, finish, redactor
    from opencheck.output.messages import wrote

    scrubber = redactor(env)  # a custom pack is untrusted text like any other
    for path in write_docs(packs, target, lambda text: finish(text, OutputKind.MARKDOWN, scrubber)):
        wrote(env, path)
