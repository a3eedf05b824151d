"""`opencheck eu-summary TARGET`: a draft of the EU public summary of training content, pre-filled from metadata."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from opencheck.environment import Environment

HELP = (
    "Draft the public summary of the training content that the EU AI Act (Art. 53(1)(d)) asks of every provider "
    "of a general-purpose AI model, numbered like the Commission's template of 24 July 2025. Fields public "
    "metadata fills (model name and revision, base models, modalities, languages, size range, public datasets "
    "with licences, sizes and links, synthetic datasets and the models their cards name as generators) are filled "
    "or hinted and cite their source; every other field is "
    "marked 'provider must state' with a line on what to write. Also lists the fields of the Code of Practice's "
    "model documentation form that the metadata fills, and checks a summary already in the repository. "
    "Declared facts (.opencheck.yml `eu-ai-act:` or opencheck.yaml `eu_ai_act:`) are used and marked. "
    "Information, not legal advice."
)


class SummaryLookup(str, Enum):
    """The look-ups the draft can spend requests on."""

    DATASETS = "datasets"
    DOCUMENTS = "documents"


class SummaryFormat(str, Enum):
    """Output formats of the draft."""

    MARKDOWN = "markdown"
    JSON = "json"


def eu_summary(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Model folder, manifest file (.yaml), or Hub id org/name[@rev]."),
    fmt: SummaryFormat = typer.Option(SummaryFormat.MARKDOWN, "--format", "-f",
                                      help="markdown, or json (schemas/eu-summary.schema.json)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the draft to FILE (default: stdout)."),
    config_file: Path | None = typer.Option(None, "--config", metavar="FILE",
                                            help="Configuration file with `eu-ai-act:` declarations (default: "
                                                 ".opencheck.yml in the folder, then the working folder)."),
    token: str | None = typer.Option(None, "--token", metavar="TOKEN", help="Hugging Face token (default: $HF_TOKEN)."),
    offline: bool = typer.Option(False, "--offline", help="Use only the Hub cache."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", metavar="DIR", help="Cache folder for Hub metadata."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the Hub cache."),
    no_lookup: list[SummaryLookup] = typer.Option(
        [], "--no-lookup", help="Skip this look-up (repeatable): datasets (the named datasets' cards, and the "
                                "READMEs of synthetic ones, which name their generator models), or documents (a "
                                "training-content summary the repository publishes)."),
) -> None:
    """Draft the EU training-content summary."""
    import json

    from opencheck.cli.export_cmd import output_path, resolve_target
    from opencheck.cli.hub_settings import hub_options
    from opencheck.collect import collect
    from opencheck.config import config_folders, resolve_config
    from opencheck.euaiact.summary import build_summary
    from opencheck.euaiact.summary_markdown import render_markdown
    from opencheck.output.files import write_atomic
    from opencheck.output.guard import OutputKind, finish, redactor
    from opencheck.output.messages import wrote

    env: Environment = ctx.obj or Environment()
    resolved = resolve_target(env, target)
    if output is not None:
        from opencheck.output.files import refuse_inputs

        refuse_inputs([(str(output), output_path(env, output))], [("the target", Path(resolved))])
    config = resolve_config(config_file, config_folders(target, env.cwd), env.cwd)
    hub = hub_options(env, token=token, offline=offline, cache_dir=cache_dir, use_cache=not no_cache,
                      needs=_needs(no_lookup), sleep=env.sleep)
    evidence = collect(resolved, hub=hub)
    if config.eu_ai_act:
        evidence.eu_declarations, evidence.eu_declarations_file = dict(config.eu_ai_act), config.display
    draft = build_summary(evidence, env.timestamp())
    scrubber = redactor(env)
    if fmt == SummaryFormat.JSON:
        text = finish(json.dumps(draft, indent=2, ensure_ascii=False) + "\n", OutputKind.JSON, scrubber)
    else:
        text = finish(render_markdown(draft), OutputKind.MARKDOWN, scrubber)
    if output is None:
        env.stdout.write(text)
    else:
        write_atomic(output_path(env, output), text, shown=str(output))
        wrote(env, output_path(env, output))
    _warn_failed_lookups(env, evidence, scrubber)


def _needs(skipped_lookups: list[SummaryLookup]) -> frozenset[str]:
    """The look-ups the draft spends requests on, minus the skipped ones."""
    from opencheck.sources.dataset_cards import DATASET_CARDS

    skipped = {n.value for n in skipped_lookups}
    # A synthetic dataset's README is part of the datasets look-up: skipping datasets skips it too.
    return frozenset({"datasets", "documents"} - skipped) | ({DATASET_CARDS} if "datasets" not in skipped else set())


def _warn_failed_lookups(env: Environment, evidence: Any, scrubber: Any) -> None:
    """One stderr line when a look-up failed: the fields it would fill say "provider must state", not "none"."""
    from opencheck.output.guard import OutputKind, finish
    from opencheck.report.model import lookups_headline

    if headline := lookups_headline(evidence):
        env.stderr.write(finish(f"opencheck: warning: {headline}\n", OutputKind.TEXT, scrubber))
