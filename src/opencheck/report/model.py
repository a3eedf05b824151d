"""The finished report: everything reporters render, with a versioned, deterministic `to_dict()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opencheck import __version__
from opencheck.engine.packs import MOF_COMPONENT_NAMES, Pack
from opencheck.evidence import Evidence, Problem
from opencheck.results import PackResult

# 1.1: `lookups`, grade `unknown_facts`/`if_unknown`, result `unknown_facts`, `references`
REPORT_SCHEMA_VERSION = "1.1"


@dataclass(frozen=True)
class ComponentRow:
    """One MOF component as the report shows it: status, licence, class and where that came from."""

    name: str
    status: str
    origin: str
    licence: str | None
    normalised: str | None
    licence_class: str | None
    open: bool | None
    licence_source: str | None
    evidence: tuple[str, ...]
    detected_licence: str | None = None
    declared_licence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "name": self.name, "status": self.status, "origin": self.origin, "licence": self.licence,
            "normalised": self.normalised, "licence_class": self.licence_class, "open": self.open,
            "licence_source": self.licence_source, "evidence": list(self.evidence),
            "detected_licence": self.detected_licence, "declared_licence": self.declared_licence,
        }


@dataclass(frozen=True)
class GateResult:
    """One CI gate (`--fail-under`, `--fail-on`, a baseline) and whether it held."""

    name: str
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class RuleDoc:
    """What a rule is for, as its pack declares it; SARIF and HTML need it even for rules that passed."""

    id: str
    pack: str
    title: str
    severity: str
    rationale: str
    remediation: str
    reference: str | None = None
    component: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()


def rule_docs(packs: list[Pack]) -> list[RuleDoc]:
    """Documentation of every active rule of the packs, in pack then rule order."""
    return [RuleDoc(id=r.id, pack=p.name, title=r.title, severity=r.severity.value, rationale=r.rationale,
                    remediation=r.remediation, reference=r.reference, component=r.component, topic=r.topic,
                    tags=tuple(r.tags))
            for p in packs for r in p.active_rules()]


@dataclass
class Report:
    """A complete check of one target against one or more packs."""

    evidence: Evidence
    packs: list[PackResult]
    components: list[ComponentRow]
    data_versions: dict[str, Any]
    generated_at: str
    gates: list[GateResult] = field(default_factory=list)
    tool_version: str = __version__
    rules: list[RuleDoc] = field(default_factory=list)  # docs of the packs' rules; not in to_dict()
    notice: str | None = None  # a headline note about the target, e.g. that nothing model-like was found
    references: dict[str, Any] | None = None  # curated records covering the target (opencheck.references)

    def rule_doc(self, pack: str, rule_id: str) -> RuleDoc | None:
        """The documentation of one rule, if the report carries it."""
        return next((d for d in self.rules if d.pack == pack and d.id == rule_id), None)

    @property
    def gate_failed(self) -> bool:
        """Whether any gate failed."""
        return any(not g.passed for g in self.gates)

    def lookups_headline(self) -> str | None:
        """One sentence for every format's headline when look-ups failed, else None."""
        return lookups_headline(self.evidence)

    def lookups_dict(self) -> dict[str, Any]:
        """Which optional look-ups ran and which failed (each failed request with why)."""
        ev = self.evidence
        return {"ran": list(ev.lookups_ran), "failed": ev.lookups_failed,
                "failures": [{"lookup": f.lookup, "subject": f.subject, "message": f.message}
                             for f in sorted(ev.lookup_failures, key=lambda f: (f.lookup, f.subject, f.message))]}

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON envelope (see schemas/report.schema.json)."""
        ev = self.evidence
        target = ev.target
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "tool": {"name": "opencheck", "version": self.tool_version},
            "generated_at": self.generated_at,
            "target": {
                "kind": target.kind.value, "id": target.id, "path": target.path,
                "revision": target.revision, "resolved_sha": target.resolved_sha,
                "git": None if ev.git is None else {
                    "commit": ev.git.commit, "dirty": ev.git.dirty, "remotes": dict(sorted(ev.git.remotes.items())),
                    "tags": sorted(ev.git.tags), "checkpoint_branches": sorted(ev.git.checkpoint_branches)},
                "manifest": ev.manifest_path,
                "requests": ev.requests,
            },
            "lookups": self.lookups_dict(),
            "data_versions": self.data_versions,
            "summary": {
                "status": "fail" if self.gate_failed else "pass",
                "grades": {p.name: p.grade.value for p in self.packs},
            },
            "gates": [g.to_dict() for g in self.gates],
            "packs": [p.to_dict() for p in self.packs],
            "components": [c.to_dict() for c in self.components],
            "problems": [_problem(p) for p in sorted(ev.problems, key=lambda p: (p.provenance, p.code))],
            **({"notice": self.notice} if self.notice else {}),
            **({"references": self.references} if self.references is not None else {}),
        }


def lookups_headline(evidence: Evidence) -> str | None:
    """'3 look-ups failed (github): ...' when any optional look-up failed, else None."""
    failures = evidence.lookup_failures
    if not failures:
        return None
    plural = "s" * (len(failures) != 1)
    return (f"{len(failures)} look-up{plural} failed ({', '.join(evidence.lookups_failed)}): the facts they feed "
            "are unknown and their findings inconclusive")


def _problem(p: Problem) -> dict[str, Any]:
    return {"code": p.code, "message": p.message, "severity": p.severity, "location": p.provenance.to_dict()}


def component_rows(evidence: Evidence) -> list[ComponentRow]:
    """The 17 MOF components, merged from declared and detected facts, with normalised licences."""
    from opencheck.licenses import classify

    rows = []
    for name in MOF_COMPONENT_NAMES:
        comp = evidence.component(name)
        lic = comp.licence
        cls = classify(lic.raw) if lic else None
        declared = evidence.declared.get(name)
        detected = evidence.components.get(name)
        rows.append(ComponentRow(
            name=name,
            status=comp.status.value,
            origin=comp.origin,
            licence=lic.raw if lic else None,
            normalised=cls.expression if cls else None,
            licence_class=cls.licence_class.value if cls else None,
            open=cls.is_open if cls else None,
            licence_source=lic.provenance.describe() if lic else None,
            evidence=tuple(p.describe() for p in comp.evidence[:5]),
            detected_licence=detected.licence.raw if detected and detected.licence else None,
            declared_licence=declared.licence.raw if declared and declared.licence else None,
        ))
    return rows


def data_versions(packs: list[PackResult]) -> dict[str, Any]:
    """Versions of the licence data and packs used, stamped into every report."""
    from opencheck.licenses import licence_data_versions

    return {
        **dict(sorted(licence_data_versions().items())),
        "packs": [{"name": p.name, "version": p.version, "sha256": p.sha256} for p in packs],
    }
