"""The `opencheck` command: a thin layer that parses options and hands work to the library."""

import contextlib
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import typer

from opencheck import __version__
from opencheck.cli.help_format import Command, Group
from opencheck.environment import Environment
from opencheck.errors import OpencheckError
from opencheck.exit_status import ExitStatus
from opencheck.output.closed_pipe import flush_quietly, silence, unwrap_click_pipe_guard
from opencheck.output.guard import drain_streams, guard_streams, message

EXIT_CODES_HELP = (
    "Exit codes: 0 checked, no gate failed; 1 a gate failed (--fail-under, --fail-on, --baseline); "
    "2 usage or configuration error (bad arguments, invalid pack or manifest); "
    "3 runtime error (I/O, network, Hub)."
)
BATCH_EXIT_CODES_HELP = (
    "Exit codes: 0 all checked, no gate failed; 1 a model failed a gate (--fail-under, --fail-on); "
    "2 usage or configuration error; 3 runtime error (I/O, store)."
)
ROOT_HELP = (
    "Tell whether an AI model is really open: check a model folder, manifest or Hugging Face Hub repo "
    "against openness rule packs (MOF, OSAID, open training) and get a graded report with evidence. "
    "`opencheck COMMAND -h` shows a command's options (and, where it has gates, its exit codes)."
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        env: Environment = ctx.obj or Environment()
        env.stdout.write(f"opencheck {__version__}\n")
        raise typer.Exit()


def root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Tell whether an AI model is really open."""


@dataclass(frozen=True)
class _Sub:
    """One sub-command: the module that holds it, and the words the command list and its help show."""

    module: str
    short_help: str
    function: str | None = None  # a command's function; None for a group (the module's `app`)
    help: str | None = None  # a group's help (a command's is its module's HELP)
    epilog: str | None = None
    optional: bool = False  # a module that may be absent from an installation: mounted when present


# Each command is added by name, importing its module only then: a run of one command (`opencheck check ...`,
# `opencheck rules show -h`) imports and builds that command alone, which is most of a help page's start-up.
# Only the commands with gates (an exit status 1 that means "a check failed") carry the exit-code epilogue.
SUBCOMMANDS: dict[str, _Sub] = {
    "check": _Sub("check_cmd", "Check one model and print a graded report with evidence.", "check",
                  epilog=EXIT_CODES_HELP),
    "rules": _Sub("rules_cmd", "List, show, validate and document rule packs.",
                  help="List, show, validate and document rule packs."),
    "diff": _Sub("diff_cmd", "Compare two JSON reports; exit 1 on a regression.", "diff"),
    "init": _Sub("init_cmd", "Write a starting opencheck.yaml from what opencheck detects.", "init"),
    "export": _Sub("export_cmd", "Export a MOT manifest, or a batch store as csv, jsonl, parquet or html.",
                   help="Export results in other tools' formats (mot: a MOT manifest; --db: a batch store as csv, "
                   "jsonl, parquet or html)."),
    "bom": _Sub("bom_cmd", "Write an AI bill of materials (CycloneDX 1.6 or SPDX 3.0.1).", "bom"),
    "eu-summary": _Sub("eu_summary_cmd", "Draft the EU AI Act training-content summary from public metadata.",
                       "eu_summary"),
    "batch": _Sub("batch_cmd", "Check many models into a resumable SQLite store.", "batch",
                  epilog=BATCH_EXIT_CODES_HELP),
    "history": _Sub("history_cmd", "Grades and key facts across revisions, checkpoints and releases.", "history"),
    "references": _Sub("references_cmd", "List, show and refresh the curated references shown beside live findings.",
                       help="List, show and refresh the curated records (MOT's manifests, the Opening up ChatGPT "
                       "index) shown beside live findings."),
    "license": _Sub("license_cmd", "Normalise, identify and classify licences.",
                    help="Normalise, identify and classify licences.", optional=True),
}


def _add(app: typer.Typer, name: str, sub: _Sub) -> None:
    try:
        module = importlib.import_module(f"opencheck.cli.{sub.module}")
    except ImportError:
        if sub.optional:
            return
        raise
    if sub.function is None:
        app.add_typer(module.app, name=name, help=sub.help, short_help=sub.short_help)
    else:
        app.command(name, help=module.HELP, epilog=sub.epilog, cls=Command,
                    short_help=sub.short_help)(getattr(module, sub.function))


def build_app(only: str | None = None) -> typer.Typer:
    """The `opencheck` command with every sub-command, or with only the one named `only` (the one being run)."""
    app = typer.Typer(name="opencheck", help=ROOT_HELP, no_args_is_help=True, add_completion=False,
                      rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]},
                      pretty_exceptions_enable=False, cls=Group)
    app.callback()(root)
    for name, sub in SUBCOMMANDS.items():
        if only is None or name == only:
            _add(app, name, sub)
    return app


@cache
def app_for(only: str | None) -> typer.Typer:
    """`build_app(only)`, built once per process (tests and benchmarks run many commands in one)."""
    return build_app(only)


def full_app() -> typer.Typer:
    """The whole command tree (for the top-level help, an unknown command, and tools that walk it)."""
    return app_for(None)


def __getattr__(name: str) -> typer.Typer:
    # `from opencheck.cli.app import app` still gives the whole tree, built on first use.
    if name == "app":
        return full_app()
    raise AttributeError(name)


def main(argv: Sequence[str] | None = None, environment: Environment | None = None) -> int:
    """Run the CLI and return its exit code; errors end in one line on stderr, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Every byte written to stdout and stderr passes the guard: secrets redacted, attacker text inert.
    original = environment or Environment()
    env = guard_streams(original, _option_values(args, "--token"))
    with contextlib.ExitStack() as stack:
        # When the command writes to the process's own streams, so do libraries (warnings, logging's last
        # resort, click's help): those go through the guard too.
        if original.stdout is sys.stdout:
            stack.enter_context(contextlib.redirect_stdout(env.stdout))
        if original.stderr is sys.stderr:
            stack.enter_context(contextlib.redirect_stderr(env.stderr))
        try:
            code = _run(args, env)
        finally:
            drain_streams(env)
    # The reader of stdout may leave before the buffered tail is flushed: that too ends quietly.
    flush_quietly(original.stdout)
    return code


def _run(args: list[str], env: Environment) -> int:
    only = args[0] if args and args[0] in SUBCOMMANDS else None
    command = typer.main.get_command(app_for(only))
    try:
        # Without standalone mode, click returns the code of a `typer.Exit` instead of exiting.
        code = command.main(args=args, prog_name="opencheck", standalone_mode=False, obj=env)
        return int(code) if isinstance(code, int) else int(ExitStatus.SUCCESS)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        env.stderr.write("opencheck: interrupted\n")
        return int(ExitStatus.INTERRUPTED)
    except OpencheckError as exc:
        from opencheck.output.messages import relative_paths

        env.stderr.write(f"opencheck: error: {relative_paths(env, message(exc))}\n")
        return int(exc.exit_status)
    except KeyboardInterrupt:
        env.stderr.write("opencheck: interrupted\n")
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # Only stdout raises this here (files go through output.files, which names them): its reader left
        # (`| head`), which is how pipes end, not an error.
        silence(env.stdout)
        return int(ExitStatus.SUCCESS)
    except SystemExit:
        # Click turns EPIPE into a wrapper around sys.stdout and `sys.exit(1)`, which would read as "gate failed".
        if unwrap_click_pipe_guard():
            silence(env.stdout)
            return int(ExitStatus.SUCCESS)
        raise
    except RecursionError:
        env.stderr.write("opencheck: error: input is nested too deeply\n")
        return int(ExitStatus.USAGE_ERROR)
    except Exception as exc:  # the promise is "never a traceback"; OPENCHECK_DEBUG=1 shows it
        if _is_click_usage_error(exc):
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
                exc.show(file=env.stderr)  # type: ignore[attr-defined]
            else:
                from opencheck.cli.usage_errors import usage_error_line

                env.stderr.write(usage_error_line(exc) + "\n")
            return int(ExitStatus.USAGE_ERROR)
        from opencheck.extras import missing_extra

        extra = missing_extra(exc)  # a command that needs an optional extra names it, whichever import it was
        if extra is not None:
            env.stderr.write(f"opencheck: error: {extra}\n")
            return int(ExitStatus.USAGE_ERROR)
        if env.env.get("OPENCHECK_DEBUG") == "1":
            raise
        env.stderr.write(f"opencheck: internal error: {type(exc).__name__}: {message(exc)} "
                         "(set OPENCHECK_DEBUG=1 for details)\n")
        return int(ExitStatus.RUNTIME_ERROR)


def _option_values(args: list[str], name: str) -> list[str]:
    """Values given to option `name` (`--name VALUE` or `--name=VALUE`), so they can be redacted."""
    values = [args[i + 1] for i, a in enumerate(args[:-1]) if a == name]
    return values + [a.split("=", 1)[1] for a in args if a.startswith(name + "=")]


def _is_click_usage_error(exc: Exception) -> bool:
    """Typer vendors click, so its usage errors are recognised by shape rather than by a private class."""
    return hasattr(exc, "show") and hasattr(exc, "exit_code") and hasattr(exc, "format_message")
