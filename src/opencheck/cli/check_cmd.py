"""`opencheck check TARGET`."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

import typer

from opencheck.environment import Environment
from opencheck.errors import UsageError
from opencheck.exit_status import ExitStatus

HELP = (
    "Check TARGET (a model folder, an opencheck.yaml / MOT manifest, or a Hugging Face Hub id such as "
    "EleutherAI/pythia-160m[@revision]) against rule packs and print a graded report with evidence. "
    "Progress and logs go to stderr; the report goes to stdout or -o FILE."
)
DEFAULT_PACKS = ("open-training", "mof", "osaid")


class OutputFormat(str, Enum):
    """Report formats."""

    TEXT = "text"
    JSON = "json"


class SourceOpt(str, Enum):
    """How to read TARGET."""

    AUTO = "auto"
    LOCAL = "local"
    HUB = "hub"


class SeverityOpt(str, Enum):
    """Severities for --fail-on."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def default_packs() -> list[str]:
    """The default packs that this installation ships."""
    from opencheck.engine.packs import builtin_pack_names

    have = set(builtin_pack_names())
    return [p for p in DEFAULT_PACKS if p in have]


def resolve_pack_specs(specs: list[str]) -> list[str]:
    """Expand `all` and drop duplicates, keeping order."""
    from opencheck.engine.packs import builtin_pack_names

    out: list[str] = []
    for spec in specs:
        for name in (builtin_pack_names() if spec == "all" else [spec]):
            if name not in out:
                out.append(name)
    return out


def _relative_to(env: Environment, target: str) -> str:
    """Resolve a relative path against the injected working folder (it differs from the process's in tests)."""
    candidate = env.cwd / target
    if not Path(target).is_absolute() and env.cwd != Path.cwd() and os.path.lexists(candidate):
        return str(candidate)
    return target


def check(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Model folder, manifest file (.yaml), or Hub id org/name[@rev]."),
    pack: list[str] = typer.Option([], "--pack", "-p", help="Rule pack: a built-in name, 'all', or a path "
                                   "to a custom pack YAML. Repeatable. Default: open-training, mof, osaid."),
    output_format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", help="Report format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    fail_under: list[str] = typer.Option([], "--fail-under", help="Exit 1 if a pack's grade is below this: "
                                         "'III' (MOF class) or PACK=GRADE such as mof=II, osaid=pass."),
    fail_on: SeverityOpt | None = typer.Option(None, "--fail-on", help="Exit 1 if any unsuppressed rule of "
                                               "this severity or above fails."),
    source: SourceOpt = typer.Option(SourceOpt.AUTO, "--source", help="Read TARGET as a local path or a Hub "
                                     "id (auto: a path if it exists)."),
    token: str | None = typer.Option(None, "--token", help="Hugging Face token (default: $HF_TOKEN). "
                                     "Never printed."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Cache folder for Hub metadata."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the Hub cache."),
    offline: bool = typer.Option(False, "--offline", help="Use only the cache (also HF_HUB_OFFLINE=1)."),
    no_github: bool = typer.Option(False, "--no-github", help="Do not query GitHub for linked code licences."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list passing rules."),
) -> None:
    """Check a model and print a graded report."""
    from opencheck.check import CheckOptions, run_check
    from opencheck.collect import HubOptions, SourceChoice
    from opencheck.engine.packs import load_pack
    from opencheck.gates import parse_fail_under
    from opencheck.results import Severity

    env: Environment = ctx.obj or Environment()
    specs = resolve_pack_specs(pack or default_packs())
    if not specs:
        raise UsageError("no rule packs to run")
    packs = [load_pack(s, base_dir=env.cwd) for s in specs]
    names = [p.name for p in packs]
    if len(set(names)) != len(names):
        raise UsageError(f"two packs share a name: {', '.join(names)}")
    hub = HubOptions(
        endpoint=env.env.get("HF_ENDPOINT") or None,
        token=token or env.env.get("HF_TOKEN") or env.env.get("HUGGING_FACE_HUB_TOKEN") or None,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        offline=offline or env.env.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"),
        needs=frozenset({"refs", "datasets", "github"}),
        github_api=env.env.get("OPENCHECK_GITHUB_API", "https://api.github.com"),
        github_token=env.env.get("GITHUB_TOKEN") or None,
        no_github=no_github,
    )
    options = CheckOptions(
        packs=packs,
        source=SourceChoice(source.value),
        hub=hub,
        fail_under=parse_fail_under(fail_under, names),
        fail_on=Severity(fail_on.value) if fail_on else None,
    )
    report = run_check(_relative_to(env, target), options, env.timestamp())
    if output_format == OutputFormat.JSON:
        from opencheck.formats.json_format import format_json

        text = format_json(report)
    else:
        from opencheck.formats.text import format_text

        to_terminal = output is None and env.stdout_isatty
        text = format_text(report, color=to_terminal, verbose=verbose)
    if output is not None:
        from opencheck.output_files import write_atomic

        write_atomic(output if output.is_absolute() else env.cwd / output, text)
        env.stderr.write(f"opencheck: report written to {output}\n")
    else:
        env.stdout.write(text)
    if report.gate_failed:
        raise typer.Exit(int(ExitStatus.GATE_FAILED))
