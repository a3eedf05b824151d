"""One check, end to end: collect evidence, evaluate packs, evaluate gates, build the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from opencheck.collect import HubOptions, SourceChoice, collect
from opencheck.detect.model_like import model_notice
from opencheck.engine.evaluate import evaluate_pack
from opencheck.engine.packs import Pack
from opencheck.evidence import Evidence
from opencheck.report import Report, component_rows, data_versions, rule_docs
from opencheck.report.gates import evaluate_gates
from opencheck.results import RuleResult, Severity, Suppression


@dataclass
class CheckOptions:
    """Everything `opencheck check` can be told."""

    packs: list[Pack]
    source: SourceChoice = SourceChoice.AUTO
    hub: HubOptions = field(default_factory=HubOptions)
    fail_under: dict[str, str] = field(default_factory=dict)
    fail_on: Severity | None = None
    suppressions: dict[str, Suppression] = field(default_factory=dict)
    config_findings: list[RuleResult] = field(default_factory=list)  # e.g. expired suppressions
    eu_declarations: dict[str, Any] = field(default_factory=dict)  # the configuration's `eu-ai-act:`
    config_file: str | None = None
    references: bool = False  # show curated references beside the live findings (offline; the CLI turns it on)
    trust_references: bool = False  # grade with a curated record's components as declared evidence
    references_env: Mapping[str, str] = field(default_factory=dict)  # where refreshed references live
    _rule_docs: list[Any] | None = field(default=None, init=False, repr=False)

    def rule_docs(self) -> list[Any]:
        """Documentation of every rule of the packs; computed once, since a batch builds thousands of reports."""
        if self._rule_docs is None:
            self._rule_docs = rule_docs(self.packs)
        return self._rule_docs


def build_report(evidence: Evidence, options: CheckOptions, generated_at: str) -> Report:
    """Evaluate the packs on collected evidence and assemble the report."""
    if options.eu_declarations and not evidence.eu_declarations:
        evidence.eu_declarations, evidence.eu_declarations_file = dict(options.eu_declarations), options.config_file
    references = None
    if options.references or options.trust_references:
        from opencheck.references.attach import reference_step

        # Before evaluation: the comparison is with the evidence as found, which --trust-references then extends.
        references = reference_step(evidence, options.references_env, trust=options.trust_references)
    results = [evaluate_pack(pack, evidence, suppressions=options.suppressions) for pack in options.packs]
    for finding in options.config_findings:
        # Config findings join the pack of the rule they are about (after grading, so grades are unchanged).
        home = next((p for p in results if p.name == finding.pack), results[0] if results else None)
        if home is not None:
            home.results.append(replace(finding, pack=home.name))
    gates = evaluate_gates(results, options.fail_under, options.fail_on)
    return Report(evidence=evidence, packs=results, components=component_rows(evidence),
                  data_versions=data_versions(results), generated_at=generated_at, gates=gates,
                  rules=options.rule_docs(), notice=model_notice(evidence), references=references)


def run_check(target: str, options: CheckOptions, generated_at: str) -> Report:
    """Collect evidence for `target` and build its report."""
    evidence = collect(target, source=options.source, hub=options.hub)
    return build_report(evidence, options, generated_at)
