"""`opencheck check TARGET`.

No `from __future__ import annotations` here: typer reads the command's annotations twice (inspect.signature and
get_type_hints), and a string annotation is compiled and evaluated each time (~1.5 ms for `check`'s 28 options).
"""

import os
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opencheck.cli.lookup_options import (
    LOOKUP_HELP,
    NO_LOOKUP_HELP,
    STRICT_HELP,
    LookupChoice,
    LookupName,
    resolve_lookups,
)
from opencheck.environment import Environment
from opencheck.errors import UsageError
from opencheck.exit_status import ExitStatus
from opencheck.formats.registry import ReportFormat

if TYPE_CHECKING:
    from opencheck.check import CheckOptions
    from opencheck.report import Report

HELP = (
    "Check TARGET (a model folder, an opencheck.yaml / MOT manifest, or a Hugging Face Hub id such as "
    "EleutherAI/pythia-160m[@revision]) against rule packs and print a graded report with evidence. "
    "Progress and logs go to stderr; the report goes to stdout or -o FILE."
)
DEFAULT_PACKS = ("open-training", "mof", "osaid")


OutputFormat = ReportFormat  # one registry of formats (opencheck.formats.registry) drives the CLI and the Action


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
    from opencheck.rulepacks import builtin_pack_names

    have = set(builtin_pack_names())
    return [p for p in DEFAULT_PACKS if p in have]


def resolve_pack_specs(specs: list[str]) -> list[str]:
    """Expand `all` and drop duplicates, keeping order."""
    from opencheck.rulepacks import builtin_pack_names

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


ReferencesOpt = Annotated[bool, typer.Option(
    "--references/--no-references", help="Show the curated records that cover the model (MOT's manifests, the "
    "Opening up ChatGPT index) beside what is found live (default; offline, no requests).")]
TrustReferencesOpt = Annotated[bool, typer.Option(
    "--trust-references", help="Grade with the curated MOT record's components as declared evidence (marked "
    "origin: reference) where the model declares nothing itself.")]


def check(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Model folder, manifest file (.yaml), or Hub id org/name[@rev]."),
    pack: list[str] = typer.Option([], "--pack", "-p", metavar="PACK",
                                   help="Rule pack: a built-in name, 'all', or a path "
                                   "to a custom pack YAML. Repeatable. Default: open-training, mof, osaid."),
    output_formats: list[OutputFormat] = typer.Option([], "--format", "-f", metavar="FORMAT",
                                                      help="Report format: text (default), json, markdown, "
                                                      "html, sarif, junit or badge. Repeatable: the i-th --format "
                                                      "goes to the i-th --output."),
    outputs: list[Path] = typer.Option([], "--output", "-o", metavar="FILE",
                                       help="Write the report to FILE (repeatable, "
                                       "paired in order with --format). Without it: stdout."),
    output_dir: Path | None = typer.Option(None, "--output-dir", metavar="DIR",
                                           help="Write each --format without an -o to "
                                           "DIR/report.<ext> (report.json, report.sarif, report.md, ...)."),
    baseline: Path | None = typer.Option(None, "--baseline", metavar="FILE", help="A previous JSON report: exit 1 if a "
                                         "component was lost, a licence became less open or a grade dropped."),
    fail_under: list[str] = typer.Option([], "--fail-under", metavar="GRADE",
                                         help="Exit 1 if a pack's grade is below this: "
                                         "'III' (MOF class) or PACK=GRADE such as mof=II, osaid=pass."),
    fail_on: SeverityOpt | None = typer.Option(None, "--fail-on", metavar="SEVERITY",
                                               help="error, warning or info: exit 1 if any "
                                               "unsuppressed rule of this severity or above fails."),
    source: SourceOpt = typer.Option(SourceOpt.AUTO, "--source", help="Read TARGET as a local path or a Hub "
                                     "id (auto: a path if it exists)."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: $HF_TOKEN). "
                                     "Never printed."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", metavar="DIR", help="Cache folder for Hub metadata."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the Hub cache."),
    offline: bool = typer.Option(False, "--offline", help="Use only the cache (also HF_HUB_OFFLINE=1)."),
    lookup: list[LookupChoice] = typer.Option([], "--lookup", help=LOOKUP_HELP),
    no_lookup: list[LookupName] = typer.Option([], "--no-lookup", help=NO_LOOKUP_HELP),
    strict_lookups: bool = typer.Option(False, "--strict-lookups", help=STRICT_HELP),
    timeout: float | None = typer.Option(None, "--timeout", min=0.1, metavar="SECONDS",
                                         help="Deadline of each whole request (default: $OPENCHECK_TIMEOUT, else 10)."),
    # Old spellings, kept working (hidden) for a release: --no-github = --no-lookup github,
    # --no-lookups = --lookup none, --lookups = --lookup auto.
    no_github: bool = typer.Option(False, "--no-github", hidden=True),
    legacy_lookups: bool | None = typer.Option(None, "--lookups/--no-lookups", hidden=True),
    references: ReferencesOpt = True,
    trust_references: TrustReferencesOpt = False,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list passing rules."),
    config_file: Path | None = typer.Option(None, "--config", metavar="FILE", help="Project configuration (default: "
                                            ".opencheck.yml, .opencheck.yaml or [tool.opencheck] in "
                                            "pyproject.toml, in the checked folder, else the working folder)."),
) -> None:
    """Check a model and print a graded report."""
    env: Environment = ctx.obj or Environment()
    options = _check_options(
        env, target, pack=pack, config_file=config_file, source=source, token=token, cache_dir=cache_dir,
        no_cache=no_cache, offline=offline, timeout=timeout, fail_under=fail_under, fail_on=fail_on,
        allowed=resolve_lookups(lookup, no_lookup, legacy_all=legacy_lookups, legacy_no_github=no_github),
        references=references, trust_references=trust_references)
    from opencheck.formats.registry import plan_outputs

    plan = plan_outputs(list(output_formats), list(outputs), output_dir, env.cwd,
                        [("the checked manifest", Path(target)), ("the --config file", config_file)])
    report = _report(env, target, options, baseline)
    _emit(env, report, plan, verbose=verbose, strict_lookups=strict_lookups)


def _check_options(env: Environment, target: str, *, pack: list[str], config_file: Path | None, source: SourceOpt,
                   token: str | None, cache_dir: Path | None, no_cache: bool, offline: bool, timeout: float | None,
                   fail_under: list[str], fail_on: SeverityOpt | None, allowed: Any, references: bool = True,
                   trust_references: bool = False) -> "CheckOptions":
    """The check's options from the command line and the project configuration (packs, Hub, gates, suppressions)."""
    from opencheck.check import CheckOptions
    from opencheck.cli.lookup_options import lookup_needs
    from opencheck.collect import SourceChoice
    from opencheck.config import config_folders, gates_from, resolve_config
    from opencheck.references.store import location_env
    from opencheck.report.gates import parse_fail_under
    from opencheck.report.suppressions import known_rules, resolve_suppressions
    from opencheck.results import Severity
    from opencheck.rulepacks import load_pack

    config = resolve_config(config_file, config_folders(target, env.cwd), env.cwd)
    specs = resolve_pack_specs(pack or config.packs or default_packs())
    if not specs:
        raise UsageError("no rule packs to run")
    # Pack paths from the configuration are relative to the configuration file; --pack paths to the cwd.
    pack_base = env.cwd if pack else (config.base_dir or env.cwd)
    packs = [load_pack(s, base_dir=pack_base, folder=None if pack else config.folder) for s in specs]
    names = [p.name for p in packs]
    if len(set(names)) != len(names):
        raise UsageError(f"two packs share a name: {', '.join(names)}")
    from opencheck.cli.hub_settings import hub_options

    hub = hub_options(env, token=token, offline=offline, cache_dir=cache_dir, use_cache=not no_cache,
                      needs=lookup_needs(allowed, packs), timeout=timeout, sleep=env.sleep)
    options = CheckOptions(
        packs=packs,
        source=SourceChoice(source.value),
        hub=hub,
        eu_declarations=config.eu_ai_act,
        config_file=config.display,
        references=references or trust_references,
        trust_references=trust_references,
        references_env=location_env(env.env),
    )
    gate_under, gate_on = gates_from(config, names, parse_fail_under(fail_under, names),
                                     fail_on.value if fail_on else None)
    options.fail_under, options.fail_on = gate_under, Severity(gate_on) if gate_on else None
    options.suppressions, options.config_findings = resolve_suppressions(
        # Parsing every built-in pack costs most of a check's time; only suppressions need the rule ids.
        config.suppressions, known_rules(packs) if config.suppressions else {},
        date.fromisoformat(env.timestamp()[:10]))
    return options


def _report(env: Environment, target: str, options: "CheckOptions", baseline: Path | None) -> "Report":
    """Run the check; with --baseline, add the gate that compares the report with the previous one."""
    from opencheck.check import run_check

    baseline_data = None
    if baseline is not None:
        from opencheck.report.diff import load_report_file

        baseline_data = load_report_file(baseline if baseline.is_absolute() else env.cwd / baseline)
    report = run_check(_relative_to(env, target), options, env.timestamp())
    if report.notice:
        # Not an error (the folder was read and graded), but a report of an empty release should not pass unseen.
        env.stderr.write(f"opencheck: warning: {target}: {report.notice}\n")
    if baseline_data is not None:
        from opencheck.report.diff import baseline_gate

        report.gates.append(baseline_gate(baseline_data, report, str(baseline)))
    return report


def _emit(env: Environment, report: "Report", plan: Any, *, verbose: bool, strict_lookups: bool) -> None:
    """Write the reports, say which gates failed and whether look-ups did; exit 1 when a gate failed."""
    from opencheck.cli.lookup_options import finish_lookups
    from opencheck.formats.registry import emit_reports
    from opencheck.output.messages import failed_gates

    emit_reports(report, plan, env, verbose=verbose)
    failed_gates(env, [g.message for g in report.gates if not g.passed])
    finish_lookups(report.lookups_headline(), strict_lookups, env.stderr)
    if report.gate_failed:
        raise typer.Exit(int(ExitStatus.GATE_FAILED))
