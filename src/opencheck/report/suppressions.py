"""Suppressions with reasons: turn configuration entries into per-rule `Suppression`s plus config findings.

A suppressed result stays in the report, marked with its reason. An expired suppression does not suppress and
is itself a finding; so is a suppression naming a rule no pack has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from opencheck.config import SuppressionEntry
from opencheck.evidence import Provenance
from opencheck.results import RuleResult, RuleStatus, Severity, Suppression

EXPIRED_RULE = "OC-CONFIG-SUPPRESSION-EXPIRED"
UNKNOWN_RULE = "OC-CONFIG-SUPPRESSION-UNKNOWN-RULE"
DUPLICATE_RULE = "OC-CONFIG-SUPPRESSION-DUPLICATE"
CONFIG_PACK = "config"

if TYPE_CHECKING:
    from opencheck.engine.packs import Pack


def _finding(rule_id: str, title: str, message: str, remediation: str, entry: SuppressionEntry,
             pack: str) -> RuleResult:
    return RuleResult(
        rule_id=rule_id, pack=pack, title=title, severity=Severity.WARNING, status=RuleStatus.FAIL,
        message=message, remediation=remediation,
        evidence=(Provenance(file=entry.file, line=entry.line, key="suppressions", note=entry.rule),),
        topic="configuration", reference="https://opencheck.dev/docs/configuration#suppressions",
    )


def resolve_suppressions(entries: Iterable[SuppressionEntry], rule_packs: dict[str, str],
                         today: dt.date) -> tuple[dict[str, Suppression], list[RuleResult]]:
    """Active suppressions by rule id, and findings about the entries; `rule_packs` maps known rule ids to packs."""
    active: dict[str, Suppression] = {}
    findings: list[RuleResult] = []
    for entry in entries:
        pack = rule_packs.get(entry.rule, CONFIG_PACK)
        if entry.rule not in rule_packs:
            findings.append(_finding(
                UNKNOWN_RULE, "A suppression names an unknown rule",
                f"suppression for {entry.rule} matches no rule of any pack (a typo, or a rule that was renamed)",
                "Correct the rule id (see `opencheck rules list`) or remove the suppression.", entry, pack))
            continue
        if entry.expires and dt.date.fromisoformat(entry.expires[:10]) < today:
            findings.append(_finding(
                EXPIRED_RULE, "A suppression has expired",
                f"suppression of {entry.rule} ({entry.reason}) expired on {entry.expires}; the rule is reported "
                "again", "Fix the finding, or renew the suppression with a new `expires` date and a reason.",
                entry, pack))
            continue
        if entry.rule in active:
            findings.append(_finding(
                DUPLICATE_RULE, "A rule is suppressed twice",
                f"{entry.rule} is already suppressed at {active[entry.rule].source}; this entry is ignored",
                "Keep one suppression per rule.", entry, pack))
            continue
        active[entry.rule] = Suppression(reason=entry.reason, note=entry.note, expires=entry.expires,
                                         source=entry.source)
    return active, findings


def known_rules(packs: Iterable[Pack]) -> dict[str, str]:
    """Rule id -> pack name over the given packs and every built-in pack (a suppression may target any)."""
    from opencheck.errors import ConfigError
    from opencheck.rulepacks import builtin_pack_names, load_pack

    out: dict[str, str] = {}
    for name in builtin_pack_names():
        try:
            builtin = load_pack(name)
        except ConfigError:  # a broken built-in pack is reported when it is run, not here
            continue
        for rule in builtin.rules:
            out.setdefault(rule.id, builtin.name)
    for pack in packs:
        for rule in pack.rules:
            out[rule.id] = pack.name
    return out
