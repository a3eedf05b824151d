"""The models a synthetic dataset's card names as its generators (EU training-content summary, template 2.5).

Read from the README the datasets look-up fetched for each synthetic dataset (`hub["datasets"][id]["card"]`):
a front-matter or record field naming a model (`generator: ORG/NAME`, `"model_name": "ORG/NAME"`), a sentence
saying the data was generated with or by a model (a Hub id, a huggingface.co link, or a well-known API model), or
a Hub model link on a line about generating the data. Each with the card line it came from; never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from opencheck.evidence import Evidence, Provenance

# Hub tags that say the data was made by a model: `synthetic` (the Hub's own), and the generation pipelines'
# (`distilabel`, `datadreamer`, versioned ones too).
_SYNTHETIC_TAGS = ("synthetic", "distilabel", "datadreamer")
_SYNTHETIC_NAME = re.compile(r"(?<![a-z])(?<!non-)(?<!non )synthetic", re.IGNORECASE)


def looks_synthetic(data: dict[str, Any]) -> bool:
    """True when a dataset's raw Hub info (tags, card front matter, id) says a model generated its content."""
    tags = {t.lower() for t in data.get("tags") or [] if isinstance(t, str)}
    if any(t.startswith(_SYNTHETIC_TAGS) for t in tags):
        return True
    card = data.get("cardData") if isinstance(data.get("cardData"), dict) else {}
    creators = card.get("language_creators")
    values = creators if isinstance(creators, list) else [creators]
    if any(isinstance(v, str) and v.strip().lower() == "machine-generated" for v in values):
        return True
    # The card's own name for it says so ("Synthetic Textbooks"), or its id does ("org/synthetic-dialogues").
    named = [card.get("pretty_name"), data.get("id")]
    return any(isinstance(n, str) and _SYNTHETIC_NAME.search(n) for n in named)


MAX_GENERATORS = 10  # per dataset: a card listing hundreds of models is not naming its generators
_MAX_LINE = 2_000  # characters of a line read: the patterns are linear, this bounds the work per line
# A Hub repo id standing alone: not the tail of a longer path or URL, not a file name.
_ID = r"(?<![\w./:@-])([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})(?![\w.-]*/)"
_HUB = r"(?:https?://(?:www\.)?huggingface\.co/)?"
_NOT_MODEL_OWNERS = frozenset({"datasets", "spaces", "docs", "blog", "papers", "collections", "organizations",
                               "models", "api", "settings", "join", "login", "tasks"})
_API_MODEL = (r"\b(GPT-4(?:\.\d)?o?(?:-mini|-turbo)?|GPT-3\.5(?:-turbo)?|o[13](?:-mini)?|"
              r"Claude(?: \d(?:\.\d)?)?(?: (?:Opus|Sonnet|Haiku))?(?: \d(?:\.\d)?)?|"
              r"Gemini(?: \d(?:\.\d)?)?(?: (?:Pro|Flash|Ultra))?)\b")
_VERB = (r"\b(?:generated|generate|generating|generation|synthesi[sz]ed|distilled|produced|created|annotated|"
         r"rewritten|written|translated|labell?ed)\b")
# "generated with Qwen/Qwen2.5-72B-Instruct", "responses were produced by [Llama](https://huggingface.co/...)".
_SENTENCE = re.compile(_VERB + r"[^.;\n]{0,60}?\b(?:with|by|using|via|from)\b\s+(?:the\s+)?(?:model\s+)?"
                       r"[`*\[\"']{0,3}(?:" + _HUB + _ID + r"|" + _API_MODEL + r")", re.IGNORECASE)
# "we used Qwen/Qwen2-72B-Instruct to generate the answers", "prompting GPT-4 to write": the model comes first.
_USED = re.compile(r"\b(?:used|use|uses|using|prompted|prompting|with|by|via|ran|running)\s+(?:the\s+)?(?:model\s+)?"
                   r"[`*\[\"']{0,3}(?:" + _HUB + _ID + r"|" + _API_MODEL + r")[`*\]\"']{0,3}(?:\([^()\s]{0,200}\))?\s+"
                   r"(?:\w+\s+){0,2}?(?:to|for)\s+(?:the\s+)?(?:generat|synthes|produc|creat|writ|rewrit|annotat|label|"
                   r"distil|translat)", re.IGNORECASE)
_KEY = re.compile(r"""(?:^\s*-?\s*["']?|["'])(?:generator|generator_model|generation_model|generated_by|"""
                  r"""teacher_model|teacher|model_name|model_id|model|source_model|annotator_model|llm)["']?\s*[:=]\s*["'`]?"""
                  + _HUB + _ID, re.IGNORECASE)
_HUB_LINK = re.compile(r"https?://(?:www\.)?huggingface\.co/" + r"([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})"
                       r"(?![\w.-]*/(?!tree/|blob/|resolve/))")
_CONTEXT = re.compile(r"generat|synthe|distil|teacher|annotat|produced|rewrit", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|never|no|without)\b[^.;\n]{0,30}(?:generat|synthe|distil|produced|created)",
                      re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(?:py|json|jsonl|md|yaml|yml|txt|csv|parquet|ipynb|sh|zip|gz)$", re.IGNORECASE)


@dataclass(frozen=True)
class Generator:
    """A model a synthetic dataset's card names as the one that generated it."""

    model: str
    dataset: str
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {"model": self.model, "dataset": self.dataset, "source": self.provenance.describe()}


def _model_id(candidate: str, dataset_id: str) -> str | None:
    candidate = candidate.strip().rstrip(".,)")
    owner = candidate.split("/", 1)[0].lower()
    if "/" in candidate and (owner in _NOT_MODEL_OWNERS or _FILE_SUFFIX.search(candidate)
                             or candidate.lower() == dataset_id.lower()):
        return None
    return candidate or None


def _line_models(line: str, dataset_id: str) -> list[str]:
    if _NEGATED.search(line):
        return []  # "not generated by a model", "no synthetic data": a denial names no generator
    found = [(m.start(), m.group(1) or m.group(2)) for m in (*_SENTENCE.finditer(line), *_USED.finditer(line))]
    found += [(m.start(), m.group(1)) for m in _KEY.finditer(line)]
    if _CONTEXT.search(line):
        found += [(m.start(), m.group(1)) for m in _HUB_LINK.finditer(line)]
    return [model for _, c in sorted(found) if c and (model := _model_id(c, dataset_id))]


def dataset_generators(dataset_id: str, text: str, url: str | None) -> list[Generator]:
    """The generator models one synthetic dataset's README names, each once, in the order they appear."""
    out: list[Generator] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        for model in _line_models(line[:_MAX_LINE], dataset_id):
            if model.lower() in seen:
                continue
            seen.add(model.lower())
            out.append(Generator(model, dataset_id, Provenance(file="README.md", line=number, url=url,
                                                               note=f"dataset card of {dataset_id}")))
            if len(out) >= MAX_GENERATORS:
                return out
    return out


def synthetic_generators(evidence: Evidence) -> dict[str, list[Generator]]:
    """For each synthetic dataset whose README was read, the generator models it names (maybe none)."""
    results = evidence.hub.get("datasets")
    out: dict[str, list[Generator]] = {}
    for dataset_id, result in (results.items() if isinstance(results, dict) else ()):
        card = result.get("card") if isinstance(result, dict) and result.get("synthetic") else None
        if isinstance(card, dict) and card.get("status") == "found" and isinstance(card.get("text"), str):
            out[dataset_id] = dataset_generators(dataset_id, card["text"], card.get("url"))
    return out
