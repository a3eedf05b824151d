"""The four EU AI Act verdicts (GPAI model, systemic risk, open-source exemption, still owed) from the evidence.

Each verdict is likely / not likely / undetermined and names the condition that decided it with its evidence.
"""

from __future__ import annotations

import re
from typing import Any

from opencheck.euaiact.compute import estimate, sci
from opencheck.euaiact.compute_verdicts import gpai_verdict, pipeline_tag, systemic_verdict
from opencheck.euaiact.declarations import Declarations, declarations
from opencheck.euaiact.documents import MD_LINK, document_text
from opencheck.euaiact.documents import SUMMARY_NAME as _SUMMARY
from opencheck.euaiact.summary_check import check_summary
from opencheck.euaiact.verdict_model import (
    _ARCH_SECTION,
    _COPYRIGHT,
    _MONETISED_HINT,
    _OPEN_CLASSES,
    _USAGE_SECTION,
    DATES,
    LIKELY,
    NOT_LIKELY,
    UNDETERMINED,
    Assessment,
    Condition,
    Duty,
    Verdict,
)
from opencheck.evidence import ComponentStatus, Evidence, FileKind, Provenance


def _licence_condition(evidence: Evidence, ctx: Any) -> Condition:
    label = "licence of the weights allows access, use, modification and distribution"
    statement = ctx.component_licence("Model parameters (Final)") if ctx is not None else None
    if statement is None:
        statement = next((s for s in evidence.licences if s.scope in ("repository", "weights")), None)
    if statement is None:
        return Condition("licence", label, "not shown", "no licence is stated for the weights")
    classification = _classify_statement(evidence, statement.raw, ctx)
    cls = classification.licence_class.value
    name = classification.expression or statement.raw
    declared = statement.origin == "declared"
    if cls in _OPEN_CLASSES:
        return Condition("licence", label, "met", f"{name} is {cls}", (statement.provenance,), declared)
    if cls in ("unknown", "ambiguous"):
        return Condition("licence", label, "not shown", f"{name}: class {cls} ({classification.reason})",
                         (statement.provenance,), declared)
    return Condition("licence", label, "not met", f"{name} is {cls} ({classification.reason})",
                     (statement.provenance,), declared)


def _classify_statement(evidence: Evidence, raw: str, ctx: Any) -> Any:
    """The class of a licence statement; `license: other` is read through the card's license_name / license_link."""
    from opencheck.licenses import classify
    from opencheck.licenses.normalise import normalise

    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    name, link = meta.get("license_name"), meta.get("license_link")
    if raw.strip().lower() == "other" and (isinstance(name, str) or isinstance(link, str)):
        return classify(normalise(raw, license_name=name if isinstance(name, str) else None,
                                  license_link=link if isinstance(link, str) else None))
    return ctx.classify(raw) if ctx is not None else classify(raw)


def _weights_condition(evidence: Evidence) -> Condition:
    label = "weights publicly available"
    weights = evidence.files_of(FileKind.WEIGHTS)
    gate = evidence.weights.gate
    if evidence.weights.gated or evidence.hub.get("gated"):
        where = gate or Provenance(key="gated", url=evidence.hub.get("url"))
        return Condition("weights", label, "not shown",
                         "the weights are gated (access after a click-through form): public availability is not "
                         "shown", (where,))
    if not weights and not evidence.weights.files:
        comp = evidence.component("Model parameters (Final)")
        if comp.status == ComponentStatus.PRESENT:  # a manifest declares where the weights are published
            return Condition("weights", label, "met", f"final weights present ({comp.origin})", tuple(comp.evidence),
                             comp.origin != "detected")
        return Condition("weights", label, "not met", "no weight files found in the repository")
    files = [f.path for f in weights][:3] or evidence.weights.files[:3]
    return Condition("weights", label, "met", f"weight files published without a gate: {', '.join(files)}",
                     tuple(Provenance(file=f) for f in files))


def _sections(evidence: Evidence, pattern: re.Pattern[str]) -> list[Provenance]:
    card = evidence.card
    if card is None:
        return []
    return [Provenance(file=card.path, line=s.line, note=s.title) for s in card.sections
            if pattern.search(s.title) and not s.placeholder and s.text.strip()]


def _architecture_condition(evidence: Evidence) -> Condition:
    label = "architecture information public"
    config = evidence.config or {}
    arch = config.get("architectures") or config.get("model_type")
    if arch:
        shown = ", ".join(arch) if isinstance(arch, list) else str(arch)
        return Condition("architecture", label, "met", f"config.json states the architecture ({shown})",
                         (Provenance(file="config.json", key="architectures"),))
    found = _sections(evidence, _ARCH_SECTION)
    if found:
        return Condition("architecture", label, "met", f"the card describes it (section {found[0].note!r})",
                         tuple(found[:2]))
    if evidence.card is None and evidence.hub.get("card_status") in ("gated", "unavailable"):
        return Condition("architecture", label, "not shown", "neither config.json nor the card could be read")
    return Condition("architecture", label, "not met", "no config.json and no architecture section in the card")


def _usage_condition(evidence: Evidence) -> Condition:
    label = "usage information public"
    found = _sections(evidence, _USAGE_SECTION)
    if found:
        return Condition("usage", label, "met", f"the card has usage information (section {found[0].note!r})",
                         tuple(found[:2]))
    tag, where = pipeline_tag(evidence)
    library = (evidence.card.metadata.get("library_name") if evidence.card else None) or evidence.hub.get(
        "library_name")
    if tag and library:
        return Condition("usage", label, "met", f"pipeline_tag {tag!r} and library_name {library!r} say how to "
                         "run it (no usage section in the card)", (where,))
    if evidence.card is None and evidence.hub.get("card_status") in ("gated", "unavailable"):
        return Condition("usage", label, "not shown", "the card could not be read")
    return Condition("usage", label, "not met", "no usage section in the card, and no pipeline_tag and library_name")


def _monetised_condition(evidence: Evidence, decl: Declarations) -> Condition:
    label = "not monetised (Recital 103)"
    if decl.monetised is True:
        return Condition("not_monetised", label, "not met", "declared monetised", (decl.provenance("monetised"),),
                         True)
    if decl.monetised is False:
        return Condition("not_monetised", label, "met", "declared not monetised", (decl.provenance("monetised"),),
                         True)
    card = evidence.card
    if card is not None:
        for number, line in enumerate(card.text.splitlines(), 1):
            hint = _MONETISED_HINT.search(line)
            if hint:
                return Condition("not_monetised", label, "not shown",
                                 f"the card hints at a paid offer ({hint.group(0)!r}); declare `eu_ai_act.monetised` "
                                 "in opencheck.yaml", (Provenance(file=card.path, line=number, note=hint.group(0)),))
    return Condition("not_monetised", label, "assumed",
                     "no repository can show this: assumed not monetised (publishing on an open repository is not "
                     "monetisation, Recital 103); declare `eu_ai_act.monetised` in opencheck.yaml to confirm")


def _systemic_condition(systemic: Verdict) -> Condition:
    label = "not a model with systemic risk"
    state = {LIKELY: "not met", NOT_LIKELY: "met", UNDETERMINED: "not shown"}[systemic.verdict]
    return Condition("not_systemic_risk", label, state, f"systemic risk {systemic.verdict}: {systemic.message}",
                     systemic.evidence)


def _exemption(conditions: list[Condition]) -> Verdict:
    title = "Open-source exemption (Art. 53(2), 54(6))"
    failed = [c for c in conditions if c.state == "not met"]
    unknown = [c for c in conditions if c.state == "not shown"]
    declared = any(c.declared for c in conditions)
    if failed:
        return Verdict("exemption", title, NOT_LIKELY, ", ".join(c.key for c in failed),
                       "not eligible: " + "; ".join(f"{c.label}: {c.message}" for c in failed),
                       tuple(e for c in failed for e in c.evidence), declared)
    if unknown:
        return Verdict("exemption", title, UNDETERMINED, ", ".join(c.key for c in unknown),
                       "not shown: " + "; ".join(f"{c.label}: {c.message}" for c in unknown),
                       tuple(e for c in unknown for e in c.evidence), declared)
    assumed = [c.label for c in conditions if c.state == "assumed"]
    tail = f" (assumed, not shown: {', '.join(assumed)})" if assumed else ""
    return Verdict("exemption", title, LIKELY, "all conditions",
                   f"every condition met{tail}; the exemption removes Art. 53(1)(a) and (b) only",
                   tuple(e for c in conditions for e in c.evidence), declared)


_Found = tuple[str, str | None, Provenance, str | None]


def _find(evidence: Evidence, pattern: re.Pattern[str], section: re.Pattern[str]) -> _Found | None:
    """(where, link, provenance, repository path) of a document matching `pattern`: a file, a link, a section."""
    for f in sorted(evidence.files, key=lambda f: f.path):
        if pattern.search(f.path.rsplit("/", 1)[-1]):
            url = evidence.hub.get("url")
            link = f"{url}/blob/main/{f.path}" if url else None
            return f"file {f.path}", link, Provenance(file=f.path), f.path
    for link in evidence.links:
        if pattern.search(link.url) or pattern.search(link.text or ""):
            return f"linked from the card ({link.url})", link.url, link.provenance, None
    card = evidence.card
    if card is not None:
        for s in card.sections:
            if section.search(s.title) and s.text.strip() and not s.placeholder:
                return (f"card section {s.title!r}", None, Provenance(file=card.path, line=s.line, note=s.title),
                        None)
        for number, line in enumerate(card.text.splitlines(), 1):
            for m in MD_LINK.finditer(line):
                if pattern.search(m.group(1)) or pattern.search(m.group(2)):
                    return (f"linked from the card ({m.group(2)})", m.group(2),
                            Provenance(file=card.path, line=number, url=m.group(2)), None)
    return None


def _repo_path(evidence: Evidence, url: str) -> str | None:
    """A repository path for a link to a file of this very repository on the Hub (`.../blob/REV/PATH`)."""
    from opencheck.euaiact.documents import linked_path

    return linked_path(url, {f.path for f in evidence.files}, evidence.target.id)


def _duty(evidence: Evidence, key: str, label: str, declared: str | None, decl: Declarations,
          pattern: re.Pattern[str], section: re.Pattern[str]) -> Duty:
    if declared:
        is_url = re.match(r"https?://", declared) is not None
        path = None if is_url else declared
        return Duty(key, label, True, f"declared ({declared})", declared, (decl.provenance(key),), True, path)
    hit = _find(evidence, pattern, section)
    if hit is None:
        return Duty(key, label, False, "not found in the repository, the card or opencheck.yaml")
    where, link, prov, path = hit
    if path is None and link and not re.match(r"[a-z]+://", link):
        path = link.lstrip("./")
    elif path is None and link:
        path = _repo_path(evidence, link)
    return Duty(key, label, True, where, link, (prov,), False, path)


def _owed(gpai: Verdict, duties: list[Duty]) -> Verdict:
    title = "Still owed by every GPAI provider: copyright policy and training-content summary (Art. 53(1)(c), (d))"
    found = "; ".join(f"{d.label}: {'found, ' + d.where if d.found else 'not found'}" for d in duties)
    ev = tuple(e for d in duties for e in d.evidence)
    declared = any(d.declared for d in duties)
    if gpai.verdict == NOT_LIKELY:
        return Verdict("still_owed", title, NOT_LIKELY, "gpai",
                       f"owed only by GPAI providers, and a GPAI model is not likely ({gpai.message}); {found}", ev,
                       declared)
    verdict = LIKELY if gpai.verdict == LIKELY else UNDETERMINED
    return Verdict("still_owed", title, verdict, "gpai",
                   f"owed whatever the licence (Recital 104) if this is a GPAI model ({gpai.verdict}); {found}", ev,
                   declared)


# OSAID 1.0's completeness conditions as the osaid pack reads them (presence only; the osaid pack adds the terms).
_OSAID_COMPLETENESS = (("data information", ("Datasets", "Data card", "Research paper", "Technical report")),
                       ("training code", ("Training code",)),
                       ("data-processing code", ("Data preprocessing code", "Training code")))


def licence_head(licence: Condition) -> str:
    """The licence condition in a few words."""
    return f"licence condition {licence.state} ({licence.message.split(' (')[0]})"


def licence_vs_completeness(evidence: Evidence, licence: Condition) -> str:
    """One line keeping the licence condition apart from OSAID 1.0's completeness conditions."""
    states = {label: {evidence.component(n).status for n in names} for label, names in _OSAID_COMPLETENESS}
    if evidence.hub.get("card_status") in ("gated", "unavailable"):
        return f"{licence_head(licence)}; OSAID 1.0 completeness not determined (the card is not readable)"
    # As the osaid pack reads it: a component not found present counts as missing.
    missing = [label for label, got in states.items() if ComponentStatus.PRESENT not in got
               and not (label == "data information" and evidence.datasets)]
    head = licence_head(licence)
    if not missing:
        return f"{head}; OSAID 1.0 completeness: data information, training code and data-processing code found"
    tail = "so the licence alone does not make it open source AI" if licence.state == "met" else "as well"
    return f"{head}; OSAID 1.0 completeness fails: {', '.join(missing)} not found, {tail}"


def assess(evidence: Evidence, ctx: Any = None) -> Assessment:
    """The EU AI Act assessment of one evidence record (ctx: an engine Context, for cached licence classes)."""
    est = estimate(evidence)
    decl = declarations(evidence)
    gpai = gpai_verdict(est, evidence)
    systemic = systemic_verdict(est)
    conditions = [_licence_condition(evidence, ctx), _weights_condition(evidence), _architecture_condition(evidence),
                  _usage_condition(evidence), _monetised_condition(evidence, decl), _systemic_condition(systemic)]
    exemption = _exemption(conditions)
    duties = [
        _duty(evidence, "copyright_policy", "copyright policy", decl.copyright_policy, decl, _COPYRIGHT,
              re.compile(r"copyright", re.IGNORECASE)),
        _duty(evidence, "training_summary", "training-content summary", decl.training_summary, decl, _SUMMARY,
              _SUMMARY),
    ]
    owed = _owed(gpai, duties)
    notes = [DATES, licence_vs_completeness(evidence, conditions[0])]
    if decl.placed_on_market:
        before = decl.placed_on_market < "2025-08-02"
        notes.append(f"declared placed on the EU market on {decl.placed_on_market}: "
                     + ("must comply by 2027-08-02 (Art. 111(3))" if before else "the duties apply since then"))
    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    if meta.get("base_model") or evidence.hub.get("base_models"):
        notes.append("a modified model (base_model is set): its modifier becomes a GPAI provider only when the "
                     "modification used more than a third of the original's training compute (Commission guidelines, "
                     "as secondary summaries report them; unverified here)")
    missing = est.missing()
    if est.tokens_estimate is not None and est.parameters is not None:
        notes.append(f"no training-token count is stated: estimated from the named datasets' sizes, {est.range_text()}"
                     "; a count stated in the card would replace this estimate")
    elif missing:
        notes.append("the estimate needs " + " and ".join(missing))
    assessment = Assessment(est, decl, gpai, systemic, conditions, exemption, duties, owed, notes)
    summary = duties[1]
    if summary.found and summary.path:
        text, note = document_text(evidence, summary.path)
        assessment.summary_note = note
        if text is not None:
            assessment.summary_check = check_summary(text, summary.path, evidence)
    elif summary.found:
        assessment.summary_note = f"{summary.where}: not read (opencheck reads summaries in the repository)"
    return assessment


def flop_text(value: float | None) -> str:
    """A FLOP figure for messages."""
    return "unknown" if value is None else f"{sci(value)} FLOP"
