"""Predicates over the model card, its metadata and the facts detected from it (links, hyperparameters)."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from opencheck.detect.hyperparameters import without_citations
from opencheck.engine.context import Context
from opencheck.engine.predicates.registry import (
    _S,
    _card_unreadable,
    _compiled,
    _lookup,
    _no_card,
    _one_of,
    _pack_pattern,
    predicate,
)
from opencheck.evidence import Provenance, Section
from opencheck.results import Outcome
from opencheck.wording import count, plural


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
    # A citation's authors and titles are not settings ("Roberts, Adam" names no optimiser).
    text = without_citations(card.text) if card is not None else ""
    for cat in categories:
        name_re, text_re = HYPERPARAMETER_CATEGORIES[cat]
        hit = next((n for n in sorted(names) if _compiled(name_re, 0).search(n.lower())), None)
        if hit is not None:
            found[cat] = names[hit]
            continue
        if card is not None:
            match = _compiled(text_re, re.IGNORECASE).search(text)
            if match:
                line = text.count("\n", 0, match.start()) + 1
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


def _placeholder_leaves(sections: list[Section]) -> list[Section]:
    """Placeholder sections with no placeholder subsection: a parent section is "placeholder" when its subsections
    are, so they are named, not the parent too. Linear (a stack finds where each section ends, a running count how
    many placeholders lie inside it): comparing every pair of sections with every section between them took hours
    on a card of 100,000 headings."""
    ends = [len(sections)] * len(sections)  # index of the first later section of the same or a higher level
    open_sections: list[int] = []  # indices whose end is not found yet, levels strictly increasing
    for index, section in enumerate(sections):
        while open_sections and sections[open_sections[-1]].level >= section.level:
            ends[open_sections.pop()] = index
        open_sections.append(index)
    before = [0]  # before[i]: placeholders among sections[:i]
    for section in sections:
        before.append(before[-1] + section.placeholder)
    return [s for i, s in enumerate(sections) if s.placeholder and before[ends[i]] == before[i + 1]]


@predicate("card_no_placeholders")
def card_no_placeholders(ctx: Context, args: dict[str, Any]) -> Outcome:
    """No card section holds only template placeholder text such as "[More Information Needed]"."""
    card = ctx.evidence.card
    if card is None:
        return _no_card(ctx)
    hits = _placeholder_leaves(card.sections)
    if not hits:
        return Outcome(_S.PASS, f"{count(len(card.sections), 'card section')} with content, none a placeholder",
                       (Provenance(file=card.path, line=card.body_start_line),))
    shown = ", ".join(f"'{s.title}' (line {s.line})" for s in hits[:8])
    more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
    verb = plural(len(hits), "holds", "hold")
    return Outcome(_S.FAIL, f"{count(len(hits), 'section')} only {verb} placeholder text: {shown}{more}",
                   tuple(Provenance(file=card.path, line=s.line, note=f"section '{s.title}'") for s in hits[:20]))
