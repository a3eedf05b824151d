"""`opencheck init [TARGET]`: write a starting opencheck.yaml from what opencheck detects."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
    from_reference: bool = typer.Option(False, "--from-reference", help="Start from the curated MOT record of "
                                        "TARGET (found by its Hub id, or name it with --reference), each fact "
                                        "commented with where it came from; no requests."),
    reference: str | None = typer.Option(None, "--reference", metavar="ID", help="With --from-reference: the "
                                         "record to start from, e.g. mot:Amber (see `opencheck references list`)."),
) -> None:
    """Write a starting opencheck.yaml."""
    from opencheck.cli.export_cmd import output_path, resolve_target
    from opencheck.output.files import write_atomic
    from opencheck.output.messages import shown_path, wrote

    env: Environment = ctx.obj or Environment()
    folder = Path(resolve_target(env, target))
    try:
        folder.is_dir()
    except OSError as exc:  # a name too long for the system (ENAMETOOLONG): Path.is_dir raises only then
        raise UsageError(f"{target}: {exc.strerror or exc}") from None
    if reference and not from_reference:
        raise UsageError("--reference ID goes with --from-reference")
    raw, default = _starting_point(env, target, folder, token, offline, from_reference, reference)
    path = output_path(env, output) if output is not None else default
    # lexists: a (planted) symlink counts as existing; a device or FIFO (-o /dev/null) is a stream, not a file.
    is_file = os.path.lexists(path) and (path.is_symlink() or path.is_file() or path.is_dir())
    if is_file and not force:
        raise UsageError(f"{shown_path(env, path)}: already exists; use --force to overwrite it")
    if path.is_dir():
        raise UsageError(f"{shown_path(env, path)}: is a folder")
    from opencheck.output.guard import OutputKind, finish, redactor, scrub_report

    scrubber = redactor(env)
    if isinstance(raw, str):
        text = finish(raw, OutputKind.DATA, scrubber)
    else:
        from opencheck.interchange.init_manifest import init_manifest_text

        text = finish(init_manifest_text(scrub_report(raw, scrubber)), OutputKind.DATA, scrubber)
    if is_file and not path.is_symlink() and _same_text(path, text):
        env.stderr.write(f"opencheck: {shown_path(env, path)} is up to date\n")
        return
    write_atomic(path, text)
    wrote(env, path)


def _starting_point(env: Environment, target: str, folder: Path, token: str | None, offline: bool,
                    from_reference: bool, reference: str | None) -> tuple[Any, Path]:
    """What the manifest starts from (the curated record's text, or the evidence detected) and its default path."""
    if from_reference:
        from opencheck.references.init_from import curated_manifest

        return (curated_manifest(env.env, target, folder, reference),
                (folder if folder.is_dir() else env.cwd) / MANIFEST_NAME)
    if folder.is_dir():
        from opencheck.collect import collect_local

        # Only detected facts: an existing manifest must not feed back into the one that replaces it.
        try:
            return collect_local(folder), folder / MANIFEST_NAME
        except PermissionError as exc:
            raise UsageError(f"{target}: permission denied: {exc.filename or target}") from None
    if folder.exists():
        raise UsageError(f"{target}: not a folder; init writes opencheck.yaml for a model folder or a Hub id")
    from opencheck.cli.hub_settings import hub_options
    from opencheck.collect import SourceChoice, collect

    return (collect(target, source=SourceChoice.HUB, hub=hub_options(env, token=token, offline=offline)),
            env.cwd / MANIFEST_NAME)


def _same_text(path: Path, text: str) -> bool:
    """Whether the regular file at `path` already holds `text` (read capped, never blocking)."""
    from opencheck.sources.safetensors_header import read_capped

    limit = len(text.encode("utf-8")) + 1
    try:
        data, size = read_capped(path, limit)
    except OSError:
        return False
    return size < limit and data.decode("utf-8", "replace") == text
