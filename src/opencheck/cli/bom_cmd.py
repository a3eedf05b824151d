"""`opencheck bom TARGET --format cyclonedx|spdx`: an AI bill of materials for a model."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from opencheck.environment import Environment

HELP = (
    "Write an AI bill of materials for TARGET: CycloneDX 1.6 ML-BOM or SPDX 3.0.1 (AI and Dataset profiles) "
    "JSON, from the evidence opencheck collects. Unknown facts are left out or marked noAssertion. "
    "The creation time honours SOURCE_DATE_EPOCH."
)


class BomFormat(str, Enum):
    """BOM formats."""

    CYCLONEDX = "cyclonedx"
    SPDX = "spdx"


def bom(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Model folder, manifest file (.yaml), or Hub id org/name[@rev]."),
    fmt: BomFormat = typer.Option(BomFormat.CYCLONEDX, "--format", "-f", help="cyclonedx (1.6 JSON) or spdx "
                                  "(3.0.1 JSON-LD)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the BOM to FILE (default: stdout)."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: $HF_TOKEN)."),
    offline: bool = typer.Option(False, "--offline", help="Use only the Hub cache."),
) -> None:
    """Write an AI BOM."""
    from opencheck.cli.export_cmd import output_path, resolve_target
    from opencheck.cli.hub_settings import hub_options
    from opencheck.collect import collect
    from opencheck.interchange.bom import build_bom
    from opencheck.output.files import write_atomic
    from opencheck.output.guard import OutputKind, finish, redactor, scrub_report
    from opencheck.output.messages import wrote

    env: Environment = ctx.obj or Environment()
    if output is not None:
        from opencheck.output.files import refuse_inputs

        refuse_inputs([(str(output), output_path(env, output))], [("the target", Path(resolve_target(env, target)))])
    evidence = collect(resolve_target(env, target), hub=hub_options(env, token=token, offline=offline))
    scrubber = redactor(env)
    text = finish(build_bom(scrub_report(evidence, scrubber), fmt.value, env.timestamp()), OutputKind.JSON, scrubber)
    if output is None:
        env.stdout.write(text)
    else:
        write_atomic(output_path(env, output), text, shown=str(output))
        wrote(env, output_path(env, output))
