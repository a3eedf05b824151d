"""Predicates over licences: of components, of datasets, across statements and per shipped file type."""

from __future__ import annotations

from typing import Any

from opencheck.detect.base_licence import INHERITED
from opencheck.detect.dataset_licence_text import STATED_ELSEWHERE
from opencheck.detect.training_corpora import FROM_TABLE
from opencheck.engine.context import Context
from opencheck.engine.predicates.registry import (
    _S,
    _component_outcome,
    _unknown,
    predicate,
)
from opencheck.evidence import Provenance
from opencheck.results import Outcome
from opencheck.wording import count


def _not_looked_up(ctx: Context, name: str) -> str:
    """': the licence of ORG/REPO was not looked up (...)' when that is why no licence is stated, else ''."""
    from opencheck.engine.unknowns import not_looked_up

    why = not_looked_up(ctx.evidence, name)
    return f": {why} (GitHub look-up off; run with it, or declare the licence in opencheck.yaml)" if why else ""


def _inherited_fix(statement: Any) -> str | None:
    """The fix when a licence that is not open is the base model's: relicensing the weights is not the user's to do."""
    if INHERITED not in (statement.provenance.note or ""):
        return None
    return ("These weights are made from a base model whose licence binds the models made from it, so they cannot "
            "be released under other terms: to meet this rule, train from scratch or fine-tune an openly licensed "
            "base model.")


@predicate("component_open")
def component_open(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The component is present and its licence is open under the chosen policy."""
    name = args["component"]
    missing = _component_outcome(ctx, name)
    if missing:
        return missing
    comp = ctx.component(name)
    statement = comp.licence
    evidence = tuple(comp.evidence)
    if statement is None:
        if why := ctx.unknown(name):
            return _unknown(name, why, evidence)
        return Outcome(_S.FAIL, f"{name}: present but no licence is stated{_not_looked_up(ctx, name)}", evidence)
    evidence = (statement.provenance, *evidence)
    policy = args.get("policy", "opencheck")
    if policy == "mot":
        from opencheck.licenses import normalise
        from opencheck.mot import is_mot_open

        spdx = normalise(statement.raw).expression or statement.raw
        ok = is_mot_open(spdx)
        return Outcome(_S.PASS if ok else _S.FAIL,
                       f"{name}: {spdx} is {'' if ok else 'not '}open under MOT's licence list", evidence)
    cls = ctx.classify(statement.raw)
    if policy == "osi":
        ok = cls.licence_class.value == "osi"
        return Outcome(_S.PASS if ok else _S.FAIL,
                       f"{name}: {cls.expression or statement.raw!r} is {cls.licence_class.value}"
                       f"{'' if ok else ', not OSI-approved'}", evidence)
    if not cls.is_open:
        return Outcome(_S.FAIL, f"{name}: licence {cls.expression or statement.raw!r} is "
                       f"{cls.licence_class.value}, not open ({cls.reason})", evidence, fix=_inherited_fix(statement))
    ctype = args.get("type")
    if ctype:
        from opencheck.licenses import suitability

        fit = suitability(cls, ctype)
        if not fit.appropriate:
            return Outcome(_S.WARN, f"{name}: {cls.expression} is open but not type-appropriate for "
                           f"{ctype}: {fit.note}", evidence)
    return Outcome(_S.PASS, f"{name}: {cls.expression} ({cls.licence_class.value})", evidence)


@predicate("mof_component")
def mof_component(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The component as MOT scores it: included, missing, unlicensed or invalid."""
    name = args["component"]
    verdict = ctx.mot().components.get(name)
    comp = ctx.component(name)
    evidence = tuple(([comp.licence.provenance] if comp.licence else []) + list(comp.evidence))
    mot = ctx.mot()
    if name == "Technical report" and mot.paper_substitutes_report:
        paper = mot.components.get("Research paper")
        if paper and paper.status == "included":
            return Outcome(_S.PASS, f"{name}: satisfied by the research paper under {paper.licence} "
                           "(MOT accepts a paper in place of a technical report)", evidence)
        return Outcome(_S.FAIL, f"{name}: the research paper stands in for it, but its licence "
                       f"{paper.licence if paper else 'unlicensed'!r} is not open under MOT", evidence)
    if (verdict is None or verdict.status in ("missing", "unlicensed")) and (why := ctx.unknown(name)):
        return _unknown(name, why, evidence)
    if verdict is None or verdict.status == "missing":
        required = verdict.required if verdict else True
        if not required:
            return Outcome(_S.NOT_APPLICABLE, f"{name}: optional and not listed", evidence)
        return Outcome(_S.FAIL, f"{name}: missing (neither declared nor detected)", evidence)
    if verdict.status == "included":
        if not verdict.type_appropriate:
            return Outcome(_S.WARN, f"{name}: {verdict.licence} counts as open, but MOF asks for a licence made "
                           f"for {verdict.content_type}", evidence, fix=_type_fit_fix(name, verdict))
        return Outcome(_S.PASS, f"{name}: included under {verdict.licence}", evidence)
    if verdict.status == "unlicensed":
        return Outcome(_S.FAIL, f"{name}: present but no licence is stated{_not_looked_up(ctx, name)}", evidence,
                       fix=f"State the licence of {name} (in the card's `license:` key or in opencheck.yaml), "
                       "using an SPDX id that MOT counts as open.")
    hint = ""
    from opencheck.licenses import normalise
    from opencheck.mot import is_mot_open

    norm = normalise(verdict.licence)
    if norm.expression and norm.expression != verdict.licence and is_mot_open(norm.expression):
        hint = f" (did you mean the SPDX id {norm.expression!r}? MOT matches ids exactly)"
        return Outcome(_S.FAIL, f"{name}: licence {verdict.licence!r} is not open under MOT{hint}", evidence,
                       fix=f"Write the licence as the exact SPDX id {norm.expression} so MOT recognises it.")
    opencheck_class = ctx.classify(verdict.licence)
    if opencheck_class.is_open:  # e.g. OpenMDW-1.1 (2026): permissive, but not on MOT's list yet
        hint = (f" (opencheck counts it as {opencheck_class.licence_class.value}: a permissive licence MOT does not "
                "list yet)")
    statement = ctx.component_licence(name)
    return Outcome(_S.FAIL, f"{name}: licence {verdict.licence!r} is not open under MOT{hint}", evidence,
                   fix=_inherited_fix(statement) if statement is not None else None)


def _type_fit_fix(name: str, verdict: Any) -> str:
    """The fix for an open licence MOF counts but warns about: the class is not at stake, the licence type is."""
    from opencheck.mot import is_mot_open, type_appropriate_licences

    fitting = sorted(i for i in type_appropriate_licences().get(verdict.content_type, ()) if is_mot_open(i))
    choices = ", ".join(fitting[:-1]) + f" or {fitting[-1]}" if len(fitting) > 1 else "".join(fitting)
    return (f"Nothing is needed for the class: MOT already counts {verdict.licence} for {name}. "
            f"To clear MOF's warning, license {name} under a licence written for {verdict.content_type}"
            + (f", such as {choices}." if choices else "."))


@predicate("licence_class_in")
def licence_class_in(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The licence of a component (or the repository, or every dataset) is in one of the given classes."""
    classes = set(args["classes"])
    if args.get("scope") == "datasets":
        return _datasets_classes(ctx, classes)
    if "component" in args:
        statement = ctx.component_licence(args["component"])
        label = args["component"]
    else:
        statement = ctx.evidence.licences[0] if ctx.evidence.licences else None
        label = "repository"
    if statement is None:
        if "component" in args and (why := ctx.unknown(label)):
            return _unknown(label, why)
        return Outcome(_S.FAIL, f"{label}: no licence stated")
    cls = ctx.classify(statement.raw)
    ok = cls.licence_class.value in classes
    return Outcome(_S.PASS if ok else _S.FAIL,
                   f"{label}: {_shown(cls.expression or statement.raw)} is {cls.licence_class.value}",
                   (statement.provenance,), fix=None if ok else _inherited_fix(statement))


def _shown(expression: str) -> str:
    """A licence as a finding quotes it: a `LicenseRef-` id says what it stands for ("Llama 2 Community License")."""
    if expression.startswith("LicenseRef-"):
        from opencheck.licenses.data import licence_name

        if name := licence_name(expression):
            return f"{expression!r} ({name})"
    return repr(expression)


def _datasets_classes(ctx: Context, classes: set[str]) -> Outcome:
    ev = ctx.evidence
    if not ev.datasets:
        return Outcome(_S.FAIL, "no training datasets are named")
    bad: list[str] = []
    unknown: list[str] = []
    evidence: list[Provenance] = []
    # A licence declared for the Datasets component (e.g. in a manifest) covers datasets with no licence of their own.
    # A licence detected for one dataset (the component's first) is that dataset's only, never the others'.
    fallback = ev.component("Datasets").licence
    fallback = fallback if fallback is not None and fallback.origin == "declared" else None
    names = list(dict.fromkeys(n for n, _ in ev.datasets))
    evidence.extend(prov for _, prov in ev.datasets)
    elsewhere: list[str] = []  # licences the model card or a linked repository states, not the dataset's Hub card
    tabled: list[str] = []  # licences of well-known corpora not looked up: what their cards stated when recorded
    for name in names:
        statements = ev.dataset_licences.get(name) or ([fallback] if fallback else [])
        if not statements:
            unknown.append(name)
            continue
        for st in statements:
            evidence.append(st.provenance)
            cls = ctx.classify(st.raw)
            marked = STATED_ELSEWHERE in (st.provenance.note or "")
            if marked and name not in elsewhere:
                elsewhere.append(name)
            if FROM_TABLE in (st.provenance.note or "") and name not in tabled:
                tabled.append(name)
            if cls.licence_class.value not in classes:
                bad.append(f"{name} ({cls.expression or st.raw}: {cls.licence_class.value}"
                           + (f", {STATED_ELSEWHERE}" if marked else "") + ")")
    tail = (f" (licence {STATED_ELSEWHERE} for: {', '.join(elsewhere)})" if elsewhere else "") + (
        f" (licence from {FROM_TABLE} for: {', '.join(tabled)})" if tabled else "") + _gated_tail(ev, names)
    if bad:
        return Outcome(_S.FAIL, "datasets not openly licensed: " + ", ".join(bad) + tail, tuple(evidence))
    if unknown:
        from opencheck.engine.unknowns import unknown_datasets

        failed = [n for n in unknown_datasets(ev) if n in unknown]
        why = f" (the dataset card look-up failed for: {', '.join(failed)})" if failed else ""
        named = ", ".join(_why_unknown(ev, n) for n in unknown)
        return Outcome(_S.INCONCLUSIVE, "licence unknown for: " + named + why + tail, tuple(evidence),
                       ("Datasets",) if failed else ())
    subject = "the named dataset has" if len(names) == 1 else f"all {len(names)} named datasets have"
    return Outcome(_S.PASS, f"{subject} a licence in: {', '.join(sorted(classes))}{tail}",
                   tuple(evidence))


_HUB_DATASET_STATES = {"gated": "gated on the Hub: its card could not be read",
                       "not-found": "not on the Hub: gone, renamed or never published there"}


def _why_unknown(ev: Any, name: str) -> str:
    """A dataset whose licence is unknown, with why when the Hub said (gated, not found, a card without one)."""
    hub = ev.hub.get("datasets")
    status = (hub.get(name) or {}).get("status") if isinstance(hub, dict) else None
    if status in _HUB_DATASET_STATES:
        return f"{name} ({_HUB_DATASET_STATES[status]})"
    if status == "found":
        return f"{name} (its Hub card states no licence)"
    return name


def _gated_tail(ev: Any, names: list[str]) -> str:
    """The named datasets the Hub shows only after an access form: their licence may be known, their data is gated."""
    hub = ev.hub.get("datasets")
    gated = [n for n in names if isinstance(hub, dict) and isinstance(hub.get(n), dict)
             and hub[n].get("status") == "found" and hub[n].get("gated") not in (False, None, "false")]
    return f" (gated on the Hub, access after a form: {', '.join(gated)})" if gated else ""


@predicate("datasets_open")
def datasets_open(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Every named training dataset has an open licence."""
    return _datasets_classes(ctx, {"osi", "free", "open-data"})


@predicate("licences_consistent")
def licences_consistent(ctx: Context, args: dict[str, Any]) -> Outcome:
    """All licence statements for the repository agree (card, LICENSE files, manifest)."""
    statements = [s for s in ctx.evidence.licences if s.scope == "repository"]
    if ctx.evidence.manifest:
        release = ctx.evidence.manifest.get("release") or {}
        dist = ((release.get("license") or {}).get("distribution") or {}).get("name")
        if dist:
            from opencheck.evidence import LicenceStatement

            statements.append(LicenceStatement(
                raw=dist, provenance=Provenance(file=ctx.evidence.manifest_path,
                                                key="release.license.distribution.name"),
                origin="declared"))
    # A sentence that names several licences (or none we know) is not a statement to compare.
    statements = [s for s in statements if ctx.classify(s.raw).expression]
    if len(statements) < 2:
        return Outcome(_S.PASS if statements else _S.NOT_APPLICABLE,
                       "one licence statement" if statements else "no licence statements to compare",
                       tuple(s.provenance for s in statements))
    by_norm: dict[str, list[Any]] = {}
    for st in statements:
        cls = ctx.classify(st.raw)
        key = cls.expression or st.raw
        by_norm.setdefault(key, []).append(st)
    if len(by_norm) == 1:
        return Outcome(_S.PASS, f"{count(len(statements), 'statement')} agree on {next(iter(by_norm))}",
                       tuple(s.provenance for s in statements))
    parts = [f"{k} ({', '.join(s.provenance.describe() for s in v)})" for k, v in sorted(by_norm.items())]
    return Outcome(_S.FAIL, "licence statements disagree: " + " vs ".join(parts),
                   tuple(s.provenance for s in statements))


# Which shipped file kinds need which licence scope; a repository-wide licence covers every kind.
_FILE_TYPE_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("weights", ("weights", "weights-index", "checkpoint"),
     ("weights", "Model parameters (Final)", "Model parameters (Intermediate)")),
    ("code", ("code",), ("code", "Training code", "Inference code", "Evaluation code", "Data preprocessing code",
                         "Model architecture", "Supporting libraries and tools")),
    ("document", ("data-card", "document", "paper"),
     ("document", "data", "Model card", "Data card", "Technical report", "Research paper")),
)


@predicate("licence_per_file_type")
def licence_per_file_type(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Every kind of file shipped (weights, code, documents) is covered by a known licence fit for it."""
    from opencheck.evidence import FileKind
    from opencheck.licenses import suitability

    ev = ctx.evidence
    problems: list[str] = []
    warnings: list[str] = []
    ok: list[str] = []
    evidence: list[Provenance] = []
    for ctype, kinds, scopes in _FILE_TYPE_GROUPS:
        files = ev.files_of(*(FileKind(k) for k in kinds))
        if not files:
            continue
        specific = [s for s in ev.licences if s.scope in scopes]
        general = [s for s in ev.licences if s.scope == "repository"]
        statement = (specific or general or [None])[0]
        if statement is None:
            problems.append(f"{ctype} files (e.g. {files[0].path}) have no licence")
            evidence.append(Provenance(file=files[0].path))
            continue
        evidence.append(statement.provenance)
        cls = ctx.classify(statement.raw)
        if cls.licence_class.value in ("unknown", "ambiguous"):
            problems.append(f"{ctype} files: licence {statement.raw!r} is {cls.licence_class.value}")
            continue
        fit = suitability(cls, ctype)
        if cls.is_open and not fit.appropriate:
            warnings.append(f"{ctype} files: {cls.expression} is not type-appropriate ({fit.note})")
        else:
            ok.append(f"{ctype}: {cls.expression}")
    if problems:
        return Outcome(_S.FAIL, "; ".join(problems), tuple(evidence))
    if warnings:
        return Outcome(_S.WARN, "; ".join(warnings), tuple(evidence))
    if not ok:
        return Outcome(_S.NOT_APPLICABLE, "no weights, code or document files shipped")
    return Outcome(_S.PASS, "licensed: " + ", ".join(ok), tuple(evidence))


@predicate("eu_ai_act")
def eu_ai_act(ctx: Context, args: dict[str, Any]) -> Outcome:
    """A verdict, exemption condition or owed document of the EU AI Act view (opencheck.euaiact)."""
    from opencheck.euaiact.rules import eu_ai_act as evaluate

    return evaluate(ctx, args)
