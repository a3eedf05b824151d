"""`opencheck init [TARGET]`: write a starting opencheck.yaml from what opencheck detects."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from opencheck.environment import Environment
from opencheck.errors import UsageError

HELP = (
    "Write opencheck.yaml (MOT's manifest format) into the model folder TARGET (default: the current folder), "
    "pre-filled from the detected evidence: found components with SPDX licence ids and paths, and a commented "
    "TODO for each MOF component that could not be established. A Hub id writes ./opencheck.yaml. "
    "An existing file is never overwritten without --force."
)
MANIFEST_NAME = "opencheck.yaml"


def init(
    ctx: typer.Context,
    target: str = typer.Argument(".", help="Model folder (default: .) or Hub id org/name[@rev]."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE instead of "
                                       "TARGET/opencheck.yaml."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: $HF_TOKEN)."),
    offline: bool = typer.Option(False, "--offline", help="Use only the Hub cache."),
) -> None:
    """Write a starting opencheck.yaml."""
    from opencheck.cli.export_cmd import hub_options, output_path, resolve_target
    from opencheck.interchange.init_manifest import init_manifest_text
    from opencheck.output.files import write_atomic
    from opencheck.output.messages import shown_path, wrote

    env: Environment = ctx.obj or Environment()
    resolved = resolve_target(env, target)
    folder = Path(resolved)
    if folder.is_dir():
        from opencheck.sources.local import collect_local

        # Only detected facts: an existing manifest must not feed back into the one that replaces it.
        try:
            evidence = collect_local(folder)
        except PermissionError as exc:
            raise UsageError(f"{target}: permission denied: {exc.filename or target}") from None
        default = folder / MANIFEST_NAME
    elif folder.exists():
        raise UsageError(f"{target}: not a folder; init writes opencheck.yaml for a model folder or a Hub id")
    else:
        from opencheck.collect import SourceChoice, collect

        evidence = collect(target, source=SourceChoice.HUB, hub=hub_options(env, token, offline))  # type: ignore[arg-type]
        default = env.cwd / MANIFEST_NAME
    path = output_path(env, output) if output is not None else default
    # lexists: a (planted) symlink counts as existing; a device or FIFO (-o /dev/null) is a stream, not a file.
    is_file = os.path.lexists(path) and (path.is_symlink() or path.is_file() or path.is_dir())
    if is_file and not force:
        raise UsageError(f"{shown_path(env, path)}: already exists; use --force to overwrite it")
    if path.is_dir():
        raise UsageError(f"{shown_path(env, path)}: is a folder")
    from opencheck.output.guard import OutputKind, finish, redactor, scrub_report

    scrubber = redactor(env)
    text = finish(init_manifest_text(scrub_report(evidence, scrubber)), OutputKind.DATA, scrubber)
    if is_file and not path.is_symlink() and _same_text(path, text):
        env.stderr.write(f"opencheck: {shown_path(env, path)} is up to date\n")
        return
    write_atomic(path, text)
    wrote(env, path)


def _same_text(path: Path, text: str) -> bool:
    """Whether the regular file at `path` already holds `text` (read capped, never blocking)."""
    from opencheck.sources.safetensors_header import read_capped

    limit = len(text.encode("utf-8")) + 1
    try:
        data, size = read_capped(path, limit)
    except OSError:
        return False
    return size < limit and data.decode("utf-8", "replace") == text
