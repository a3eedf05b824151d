"""The small set of predicates rule conditions are built from. Each returns an `Outcome` with evidence."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from opencheck.engine.context import Context
from opencheck.evidence import LOOKUP_PROBLEM_CODES, ComponentStatus, Provenance
from opencheck.results import Outcome, RuleStatus
from opencheck.wording import count, plural

if TYPE_CHECKING:
    from opencheck.engine.pack_regex import PackPattern

Predicate = Callable[[Context, dict[str, Any]], Outcome]
PREDICATES: dict[str, Predicate] = {}

_S = RuleStatus


@lru_cache(maxsize=1024)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    # Built-in patterns only (reviewed for linear time); a pack's patterns run on RE2, see _pack_pattern.
    return re.compile(pattern, flags)


def _pack_pattern(pattern: str, *, multiline: bool = False) -> PackPattern:
    """A pack's pattern on RE2 (linear time); packs are checked at load time, so this does not fail."""
    from opencheck.engine.pack_regex import compile_pattern

    return compile_pattern(pattern, multiline=multiline)


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate under the name rule packs use."""

    def register(func: Predicate) -> Predicate:
        PREDICATES[name] = func
        return func

    return register


def evaluate_condition(ctx: Context, cond: dict[str, Any]) -> Outcome:
    """Evaluate a condition tree (`all` / `any` / `not` / a predicate)."""
    (key, args), = cond.items()
    if key == "all":
        return _combine_all([evaluate_condition(ctx, c) for c in args])
    if key == "any":
        return _combine_any([evaluate_condition(ctx, c) for c in args])
    if key == "not":
        inner = evaluate_condition(ctx, args)
        flipped = {_S.PASS: _S.FAIL, _S.WARN: _S.FAIL, _S.FAIL: _S.PASS}.get(inner.status, inner.status)
        return Outcome(flipped, f"not ({inner.message})", inner.evidence, inner.unknown)
    return PREDICATES[key](ctx, args or {})


def _unknown_of(outcomes: list[Outcome]) -> tuple[str, ...]:
    """The unknown facts behind inconclusive outcomes, once each, in order."""
    return tuple(dict.fromkeys(u for o in outcomes if o.status == _S.INCONCLUSIVE for u in o.unknown))


def _floor(outcomes: list[Outcome], *, every: bool) -> RuleStatus | None:
    """WARN when every (or, with every=False, any) inconclusive outcome is known to be at least a warning."""
    floors = [o.floor == _S.WARN for o in outcomes if o.status == _S.INCONCLUSIVE]
    return _S.WARN if floors and (all(floors) if every else any(floors)) else None


def _combine_all(outcomes: list[Outcome]) -> Outcome:
    evidence = tuple(ev for o in outcomes for ev in o.evidence)
    for status in (_S.ERROR, _S.FAIL, _S.INCONCLUSIVE, _S.WARN):
        hits = [o for o in outcomes if o.status == status]
        if hits:
            floor = _floor(outcomes, every=True) if status == _S.INCONCLUSIVE else None
            return Outcome(status, "; ".join(o.message for o in hits), evidence, _unknown_of(hits), floor)
    return Outcome(_S.PASS, "; ".join(o.message for o in outcomes), evidence)


def _combine_any(outcomes: list[Outcome]) -> Outcome:
    for status in (_S.PASS, _S.WARN, _S.INCONCLUSIVE, _S.ERROR):
        hits = [o for o in outcomes if o.status == status]
        if hits:
            if status == _S.WARN and (unknown := _unknown_of(outcomes)):
                # A branch left unknown by a failed look-up might pass: "warn" would be a guess (at worst, warn).
                first = next(o for o in outcomes if o.status == _S.INCONCLUSIVE and o.unknown)
                return Outcome(_S.INCONCLUSIVE, first.message, first.evidence, unknown, _S.WARN)
            floor = _floor(hits, every=False) if status == _S.INCONCLUSIVE else None
            return Outcome(status, hits[0].message, hits[0].evidence, _unknown_of(hits), floor)
    return Outcome(_S.FAIL, "; ".join(o.message for o in outcomes),
                   tuple(ev for o in outcomes for ev in o.evidence))


def _card_unreadable(ctx: Context) -> bool:
    """The source could not read the card (a gated Hub repo, or a failed download): facts there are unknown."""
    return ctx.evidence.hub.get("card_status") in ("gated", "unavailable")


def _component_outcome(ctx: Context, name: str) -> Outcome | None:
    """A failing outcome when the component is not present; None when it is."""
    comp = ctx.component(name)
    if comp.status == ComponentStatus.PRESENT:
        return None
    if why := ctx.unknown(name):
        return _unknown(name, why, tuple(comp.evidence))
    if _card_unreadable(ctx) and comp.status == ComponentStatus.UNKNOWN:
        return Outcome(_S.INCONCLUSIVE, f"{name}: cannot tell (the model card is not readable)",
                       tuple(comp.evidence))
    where = "declared absent" if comp.origin == "declared" else "not found in the repository, model card or manifest"
    return Outcome(_S.FAIL, f"{name}: {where}", tuple(comp.evidence))


def _unknown(name: str, why: str, evidence: tuple[Provenance, ...] = ()) -> Outcome:
    """Inconclusive because a look-up failed: the fact is unknown, not false."""
    return Outcome(_S.INCONCLUSIVE, f"{name}: {why}", evidence, (name,))


@predicate("component_present")
def component_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The component is published (detected or declared)."""
    name = args["component"]
    missing = _component_outcome(ctx, name)
    if missing:
        return missing
    comp = ctx.component(name)
    return Outcome(_S.PASS, f"{name}: present ({comp.origin})", tuple(comp.evidence))


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
        return Outcome(_S.FAIL, f"{name}: present but no licence is stated", evidence)
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
                       f"{cls.licence_class.value}, not open ({cls.reason})", evidence)
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
        return Outcome(_S.FAIL, f"{name}: present but no licence is stated", evidence,
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
    return Outcome(_S.FAIL, f"{name}: licence {verdict.licence!r} is not open under MOT{hint}", evidence)


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
                   f"{label}: {cls.expression or statement.raw!r} is {cls.licence_class.value}",
                   (statement.provenance,))


def _datasets_classes(ctx: Context, classes: set[str]) -> Outcome:
    ev = ctx.evidence
    if not ev.datasets:
        return Outcome(_S.FAIL, "no training datasets are named")
    bad: list[str] = []
    unknown: list[str] = []
    evidence: list[Provenance] = []
    # A licence declared for the Datasets component (e.g. in a manifest) covers datasets with no licence of their own.
    fallback = ev.component("Datasets").licence
    names = list(dict.fromkeys(n for n, _ in ev.datasets))
    evidence.extend(prov for _, prov in ev.datasets)
    for name in names:
        statements = ev.dataset_licences.get(name) or ([fallback] if fallback else [])
        if not statements:
            unknown.append(name)
            continue
        for st in statements:
            evidence.append(st.provenance)
            cls = ctx.classify(st.raw)
            if cls.licence_class.value not in classes:
                bad.append(f"{name} ({cls.expression or st.raw}: {cls.licence_class.value})")
    if bad:
        return Outcome(_S.FAIL, "datasets not openly licensed: " + ", ".join(bad), tuple(evidence))
    if unknown:
        from opencheck.engine.unknowns import unknown_datasets

        failed = [n for n in unknown_datasets(ev) if n in unknown]
        why = f" (the dataset card look-up failed for: {', '.join(failed)})" if failed else ""
        named = ", ".join(_why_unknown(ev, n) for n in unknown)
        return Outcome(_S.INCONCLUSIVE, "licence unknown for: " + named + why, tuple(evidence),
                       ("Datasets",) if failed else ())
    subject = "the named dataset has" if len(names) == 1 else f"all {len(names)} named datasets have"
    return Outcome(_S.PASS, f"{subject} a licence in: {', '.join(sorted(classes))}",
                   tuple(evidence))


_HUB_DATASET_STATES = {"gated": "gated on the Hub: its card could not be read",
                       "not-found": "not on the Hub: gone, renamed or never published there"}


def _why_unknown(ev: Any, name: str) -> str:
    """A dataset whose licence is unknown, with why when the Hub said (gated, not found)."""
    hub = ev.hub.get("datasets")
    status = (hub.get(name) or {}).get("status") if isinstance(hub, dict) else None
    return f"{name} ({_HUB_DATASET_STATES[status]})" if status in _HUB_DATASET_STATES else name


@predicate("datasets_open")
def datasets_open(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Every named training dataset has an open licence."""
    return _datasets_classes(ctx, {"osi", "free", "open-data"})


@predicate("datasets_named")
def datasets_named(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The card or manifest names the training datasets."""
    ds = ctx.evidence.datasets
    if ds:
        names = ", ".join(sorted({n for n, _ in ds}))
        return Outcome(_S.PASS, f"training data named: {names}", tuple(p for _, p in ds))
    return _component_outcome(ctx, "Datasets") or Outcome(_S.PASS, "training data declared in the manifest")


def _lookup(meta: dict[str, Any], dotted: str) -> Any:
    node: Any = meta
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@predicate("metadata_key_present")
def metadata_key_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """One of the given front-matter keys (dotted paths) is present and not empty."""
    card = ctx.evidence.card
    if card is None:
        return _no_card(ctx)
    for key in args["keys"]:
        value = _lookup(card.metadata, key)
        if value not in (None, "", [], {}):
            return Outcome(_S.PASS, f"{key} is set", (card.key_provenance(key.split(".")[0]),))
    return Outcome(_S.FAIL, f"the model card metadata does not set {_one_of(args['keys'])}",
                   (card.key_provenance(args["keys"][0].split(".")[0]),))


def _no_card(ctx: Context) -> Outcome:
    if _card_unreadable(ctx):
        return Outcome(_S.INCONCLUSIVE, "the model card could not be read")
    return Outcome(_S.FAIL, "no model card (README.md)", (Provenance(file="README.md", line=1),))


@predicate("card_section_present")
def card_section_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The card has a section titled like one of `titles`, optionally with real (non-placeholder) content."""
    card = ctx.evidence.card
    if card is None:
        return _no_card(ctx)
    wanted = [t.lower() for t in args["titles"]]
    placeholder_hit = None
    for section in card.sections:
        title = section.title.lower()
        if any(w in title for w in wanted):
            prov = Provenance(file=card.path, line=section.line, note=f"section '{section.title}'")
            if section.placeholder and args.get("not_placeholder", True):
                placeholder_hit = prov
                continue
            return Outcome(_S.PASS, f"section '{section.title}' is present", (prov,))
    if placeholder_hit:
        return Outcome(_S.FAIL, f"{placeholder_hit.note} only holds placeholder text", (placeholder_hit,))
    return Outcome(_S.FAIL, f"no section titled like {' / '.join(args['titles'])}",
                   (Provenance(file=card.path, line=card.body_start_line),))


@predicate("file_present")
def file_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """A file matching one of the glob patterns exists."""
    for pattern in args["patterns"]:
        for f in ctx.evidence.files:
            if fnmatch.fnmatch(f.path, pattern) or fnmatch.fnmatch(f.path.rsplit("/", 1)[-1], pattern):
                return Outcome(_S.PASS, f"{f.path} matches {pattern}", (Provenance(file=f.path),))
    return Outcome(_S.FAIL, f"no file matches {', '.join(args['patterns'])}")


@predicate("hyperparameters_documented")
def hyperparameters_documented(ctx: Context, args: dict[str, Any]) -> Outcome:
    """At least `min` training hyperparameters (or, with `categories`, of those categories) are documented."""
    if args.get("categories"):
        return _hyperparameter_categories(ctx, list(args["categories"]), args.get("min"))
    found = ctx.evidence.hyperparameters
    need = int(args.get("min", 3))
    evidence = tuple(found[k] for k in sorted(found))
    if len(found) >= need:
        return Outcome(_S.PASS, f"{count(len(found), 'hyperparameter')} documented: {', '.join(sorted(found))}",
                       evidence)
    if _card_unreadable(ctx) and not found:
        return Outcome(_S.INCONCLUSIVE, "the model card could not be read")
    have = f" (found: {', '.join(sorted(found))})" if found else ""
    return Outcome(_S.FAIL, f"only {len(found)} of the {count(need, 'hyperparameter')} needed "
                   f"{plural(len(found), 'is', 'are')} documented{have}",
                   evidence)


@predicate("checkpoints_present")
def checkpoints_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Intermediate training checkpoints are published (folders, git or Hub branches, or declared)."""
    cps = ctx.evidence.checkpoints
    if cps:
        names = [n for n, _ in cps]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return Outcome(_S.PASS, f"{count(len(names), 'intermediate checkpoint')}: {shown}",
                       tuple(p for _, p in cps[:5]))
    return _component_outcome(ctx, "Model parameters (Intermediate)") or Outcome(
        _S.PASS, "intermediate checkpoints declared in the manifest",
        tuple(ctx.component("Model parameters (Intermediate)").evidence))


@predicate("weights_ungated")
def weights_ungated(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Weights can be downloaded without accepting extra terms."""
    gated = ctx.evidence.hub.get("gated")
    if gated:
        return Outcome(_S.FAIL, f"weights are gated on the Hub (gated: {gated})",
                       (Provenance(key="gated", url=ctx.evidence.hub.get("url")),))
    gate = ctx.evidence.weights.gate
    if ctx.evidence.weights.gated and gate is not None:
        where = f"{gate.file}:{gate.line}" if gate.line else gate.file
        return Outcome(_S.FAIL, f"weights are gated (declared in the card: {gate.key}, {where})", (gate,))
    missing = _component_outcome(ctx, "Model parameters (Final)")
    if missing:
        # There is no gate to remove: the rule's usual fix would send the user after the wrong thing.
        return Outcome(missing.status, missing.message, missing.evidence,
                       fix="Publish the final weights where anyone can download them, without a Hub access gate.")
    return Outcome(_S.PASS, "weights are downloadable without a gate",
                   tuple(ctx.component("Model parameters (Final)").evidence))


@predicate("evaluation_results_present")
def evaluation_results_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Evaluation results are published (model-index, .eval_results, or an evaluation section)."""
    return component_present(ctx, {"component": "Evaluation results"})


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


@predicate("no_collection_problems")
def no_collection_problems(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Nothing went wrong reading the repository (malformed front matter, unreadable files, ...)."""
    # A look-up that got no answer is not a problem reading the repository: its facts are reported as unknown.
    problems = [p for p in ctx.evidence.problems if p.code not in LOOKUP_PROBLEM_CODES]
    if not problems and ctx.evidence.lookup_failures:
        # A look-up that answered might have reported something (a dataset not found, a repository without
        # a licence): clean so far, but not known to be clean.
        failed = ", ".join(ctx.evidence.lookups_failed)
        return Outcome(_S.INCONCLUSIVE, f"every file read cleanly; what the failed look-ups ({failed}) would report "
                       "is unknown", (), (f"{failed} look-up findings",))
    if not problems:
        return Outcome(_S.PASS, "all files were read cleanly")
    return Outcome(_S.FAIL, "; ".join(f"{p.message}" for p in problems[:5])
                   + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
                   tuple(p.provenance for p in problems))


@predicate("card_text_matches")
def card_text_matches(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The card text matches one of the regular expressions (case-insensitive)."""
    card = ctx.evidence.card
    if card is None:
        return _no_card(ctx)
    for pattern in args["patterns"]:
        match = _pack_pattern(pattern, multiline=True).search(card.text)
        if match:
            line = card.text.count("\n", 0, match.start()) + 1
            return Outcome(_S.PASS, f"card mentions {match.group(0)!r}",
                           (Provenance(file=card.path, line=line),))
    return Outcome(_S.FAIL, "the card does not mention it", (Provenance(file=card.path, line=1),))


# Hyperparameter categories: (pattern over documented hyperparameter names, pattern over card text).
# Names come from config files and card tables in many spellings, so both sides match loosely. A number may
# start only where a run of digits starts, and no two quantifiers compete for the same spaces: either would
# make a long hostile line take quadratic time.
HYPERPARAMETER_CATEGORIES: dict[str, tuple[str, str]] = {
    "optimizer": (r"optim|adam|sgd|adafactor|lion|beta[12]|weight_decay",
                  r"\b(optimi[sz]er|adamw?|sgd|adafactor|lion optimi[sz]er)\b"),
    "learning_rate": (r"(^|[_\s-])lr($|[_\s-])|learning[_\s-]?rate",
                      r"\b(learning[ _-]rate|peak lr|max_lr|lr\s*[:=])"),
    "lr_schedule": (r"schedul|warm[_-]?up|decay|cosine|anneal",
                    r"\b(lr schedule|learning[ -]rate schedule|scheduler|warm-?up|cosine (decay|annealing|schedule)|"
                    r"linear decay)\b"),
    "batch_size": (r"batch", r"\bbatch[ _-]?size\b"),
    "training_length": (r"steps|tokens|epoch|iters|iterations|train_samples",
                        r"\b(training steps|max_steps|train(ed|ing)? (for|on) [\d.,]+\s*((k|m|b|t|million|billion|"
                        r"trillion)\s*)?(steps|tokens|epochs)|(?<![\d.,])[\d.,]+\s*(b|t|billion|trillion)\s+tokens|"
                        r"epochs?)\b"),
    "precision": (r"precision|dtype|bf16|fp16|fp32|bfloat|float16|mixed|amp$",
                  r"\b(bf16|bfloat16|fp16|float16|fp32|mixed[ -]precision|training precision)\b"),
    "hardware": (r"hardware|gpu|tpu|accelerator|num_nodes|devices",
                 r"\b(hardware type|a100s?|h100s?|v100s?|mi250x?|tpu ?v\d|\d+\s*(x\s*)?gpus?|gpus?)\b"),
}


def _hyperparameter_categories(ctx: Context, categories: list[str], minimum: int | None) -> Outcome:
    """Which of the named categories are documented, by hyperparameter name or, failing that, in the card text."""
    found: dict[str, Provenance] = {}
    names = ctx.evidence.hyperparameters
    card = ctx.evidence.card
    for cat in categories:
        name_re, text_re = HYPERPARAMETER_CATEGORIES[cat]
        hit = next((n for n in sorted(names) if _compiled(name_re, 0).search(n.lower())), None)
        if hit is not None:
            found[cat] = names[hit]
            continue
        if card is not None:
            match = _compiled(text_re, re.IGNORECASE).search(card.text)
            if match:
                line = card.text.count("\n", 0, match.start()) + 1
                found[cat] = Provenance(file=card.path, line=line, note=f"{cat}: {match.group(0).strip()!r}")
    need = len(categories) if minimum is None else min(int(minimum), len(categories))
    missing = [c for c in categories if c not in found]
    evidence = tuple(found[c] for c in categories if c in found)
    if len(found) >= need:
        return Outcome(_S.PASS, f"documented: {', '.join(c for c in categories if c in found)}"
                       + (f" (not found: {', '.join(missing)})" if missing else ""), evidence)
    if card is None and not names and _card_unreadable(ctx):
        return Outcome(_S.INCONCLUSIVE, "the model card could not be read")
    of_all = count(len(categories), "hyperparameter category", "hyperparameter categories")
    return Outcome(_S.FAIL, f"{len(found)} of {of_all} "
                   f"documented (need {need}); missing: {', '.join(missing)}", evidence)


@predicate("tiers")
def tiers(ctx: Context, args: dict[str, Any]) -> Outcome:
    """Three levels: PASS when `open` holds, WARN when only `partial` holds, INCONCLUSIVE when `unknown` holds."""
    full = evaluate_condition(ctx, args["open"])
    if full.status in (_S.PASS, _S.WARN):
        return Outcome(_S.PASS, full.message, full.evidence)
    undecided = full.status in (_S.INCONCLUSIVE, _S.ERROR)
    tried = [full]
    if "partial" in args:
        part = evaluate_condition(ctx, args["partial"])
        if part.status in (_S.PASS, _S.WARN):
            if full.status == _S.INCONCLUSIVE and full.unknown:
                # Partial holds, but "open" hangs on facts a failed look-up left unknown: warn or pass, not known.
                return Outcome(_S.INCONCLUSIVE,
                               f"at least partly open ({part.message}); fully open unless: {full.message}",
                               (*part.evidence, *full.evidence), full.unknown, _S.WARN)
            return Outcome(_S.WARN, f"partly open ({part.message}), but not fully open: {full.message}",
                           (*part.evidence, *full.evidence))
        undecided = undecided or part.status in (_S.INCONCLUSIVE, _S.ERROR)
        tried.append(part)
    if "unknown" in args:
        unk = evaluate_condition(ctx, args["unknown"])
        if unk.status in (_S.PASS, _S.WARN):
            return Outcome(_S.INCONCLUSIVE, f"cannot tell: {unk.message}", unk.evidence)
    if undecided:
        lookup = next((o for o in tried if o.unknown), full)  # say why: the failed look-up, if one did this
        return Outcome(_S.INCONCLUSIVE, f"cannot tell: {lookup.message}", lookup.evidence, _unknown_of(tried))
    return Outcome(_S.FAIL, full.message, full.evidence)


def _one_of(names: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`: a list of alternatives in a sentence."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _fact_name(dotted: str) -> str:
    """A fact key as a reader knows it: `card.pipeline_tag` is the card's `pipeline_tag`."""
    namespace, _, rest = dotted.partition(".")
    names = {"card": "the card's", "config": "config.json's", "manifest": "the manifest's"}
    return f"{names[namespace]} {rest}" if namespace in names and rest else dotted


def _fact(ctx: Context, dotted: str) -> tuple[Any, Provenance]:
    """Look up `namespace.path` in the evidence: card, config, hub, weights, git, manifest or footprint."""
    ev = ctx.evidence
    namespace, _, rest = dotted.partition(".")
    root: Any
    if namespace == "card":
        root = ev.card.metadata if ev.card else None
        prov = (ev.card.key_provenance(rest.split(".")[0]) if ev.card and rest
                else Provenance(file=ev.card.path if ev.card else "README.md", line=1))
    elif namespace == "config":
        root, prov = ev.config, Provenance(file="config.json", key=rest or None)
    elif namespace == "hub":
        root, prov = ev.hub, Provenance(key=rest or None, url=ev.hub.get("url"))
    elif namespace == "manifest":
        root, prov = ev.manifest, Provenance(file=ev.manifest_path, key=rest or None)
    elif namespace == "footprint":
        # Figures the card states (detect/footprint.py), shown converted and as written, located at their line.
        figures = {"energy": ev.footprint.energy, "co2": ev.footprint.co2}
        root = {name: f.describe() for name, f in figures.items() if f is not None}
        figure = figures.get(rest)
        prov = figure.provenance if figure is not None else Provenance(file=ev.card.path if ev.card else None,
                                                                        key=dotted)
    elif namespace in ("weights", "git"):
        obj = ev.weights if namespace == "weights" else ev.git
        root = vars(obj) if obj is not None else None
        prov = (ev.weights.provenance if namespace == "weights" and ev.weights.provenance
                else Provenance(key=dotted))
    else:
        raise ValueError(f"unknown fact namespace {namespace!r}")
    value = _lookup(root, rest) if rest and isinstance(root, dict) else (root if not rest else None)
    return value, prov


@predicate("fact_present")
def fact_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """One of the facts (`card.KEY`, `config.KEY`, `hub.KEY`, `weights.FIELD`, `footprint.energy`, ...) is set."""
    for key in args["keys"]:
        value, prov = _fact(ctx, key)
        if value not in (None, "", [], {}, False, 0):
            shown = value if isinstance(value, (str, int, float)) else type(value).__name__
            return Outcome(_S.PASS, f"{key} is set ({str(shown)[:60]})", (prov,))
    if all(k.startswith("card") for k in args["keys"]) and ctx.evidence.card is None:
        return _no_card(ctx)
    keys = list(args["keys"])
    if all(k.startswith("card.") for k in keys):
        text = f"the model card does not set {_one_of([k[len('card.'):] for k in keys])}"
    else:
        text = f"{_one_of([_fact_name(k) for k in keys])} is not set"
    return Outcome(_S.FAIL, text, (_fact(ctx, keys[0])[1],))


@predicate("link_present")
def link_present(ctx: Context, args: dict[str, Any]) -> Outcome:
    """The card links to something of one of `kinds`, optionally with a URL matching one of `patterns`."""
    kinds = set(args.get("kinds") or [])
    patterns = args.get("patterns") or []
    for link in ctx.evidence.links:
        if kinds and link.kind not in kinds:
            continue
        if patterns and not any(_pack_pattern(p).search(link.url) for p in patterns):
            continue
        return Outcome(_S.PASS, f"{link.kind} link: {link.url}", (link.provenance,))
    what = " / ".join(sorted(kinds)) + " " if kinds else ""
    shown = ", ".join(re.sub(r"\\(.)", r"\1", p) for p in patterns)  # regexes shown as the text they match
    return Outcome(_S.FAIL, f"no {what}link" + (f" to {shown}" if patterns else ""))


@predicate("card_no_placeholders")
def card_no_placeholders(ctx: Context, args: dict[str, Any]) -> Outcome:
    """No card section holds only template placeholder text such as "[More Information Needed]"."""
    card = ctx.evidence.card
    if card is None:
        return _no_card(ctx)
    hits = [s for s in card.sections if s.placeholder]
    # A parent section is "placeholder" when its subsections are; name the subsections, not the parent too.
    hits = [s for i, s in enumerate(hits) if not any(
        t.line > s.line and t.level > s.level and not any(
            u.level <= s.level and s.line < u.line <= t.line for u in card.sections)
        for t in hits[i + 1:])]
    if not hits:
        return Outcome(_S.PASS, f"{count(len(card.sections), 'card section')} with content, none a placeholder",
                       (Provenance(file=card.path, line=card.body_start_line),))
    shown = ", ".join(f"'{s.title}' (line {s.line})" for s in hits[:8])
    more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
    verb = plural(len(hits), "holds", "hold")
    return Outcome(_S.FAIL, f"{count(len(hits), 'section')} only {verb} placeholder text: {shown}{more}",
                   tuple(Provenance(file=card.path, line=s.line, note=f"section '{s.title}'") for s in hits[:20]))


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
