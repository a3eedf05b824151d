"""A draft of the Commission's public summary of training content, filled from public metadata with sources.

Every field of the template is present: filled (with its source), a hint to confirm, or "provider must state"
with one line on what to write. The Code of Practice's model documentation form fields the metadata fills are
listed too.
"""

from __future__ import annotations

from typing import Any

from opencheck.euaiact.compute import sci
from opencheck.euaiact.summary_check import metadata_datasets
from opencheck.euaiact.template import MODALITIES, TEMPLATE_DATE, TEMPLATE_TITLE, TEMPLATE_URL
from opencheck.euaiact.verdict_model import DISCLAIMER, SOURCES, Assessment
from opencheck.euaiact.verdicts import assess
from opencheck.evidence import Evidence, FileKind

FILLED, HINT, MUST = "filled", "hint", "provider must state"
SCHEMA_VERSION = 1


def _field(name: str, status: str, value: Any = None, source: str | None = None, guidance: str = "") -> dict[str, Any]:
    return {"name": name, "status": status, "value": value, "source": source, "guidance": guidance}


def _must(name: str, guidance: str) -> dict[str, Any]:
    return _field(name, MUST, guidance=guidance)


def _meta(evidence: Evidence) -> dict[str, Any]:
    return evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}


def _card_source(evidence: Evidence, key: str) -> str:
    card = evidence.card
    if card is not None and key in card.metadata:
        return card.key_provenance(key).describe()
    return f"Hub model info [{key}]"


def _model_name(evidence: Evidence) -> tuple[str, str]:
    t = evidence.target
    name = t.id + (f" @ {t.resolved_sha}" if t.resolved_sha else "")
    source = "Hub model info (id and commit)" if t.resolved_sha else f"{t.kind.value} target"
    return name, source


def _base_models(evidence: Evidence) -> list[str]:
    raw = evidence.hub.get("base_models")
    if isinstance(raw, dict):
        models = raw.get("models")
        return [m["id"] for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)] if isinstance(
            models, list) else []
    raw = _meta(evidence).get("base_model")
    if isinstance(raw, str):
        return [raw]
    return [str(x) for x in raw if isinstance(x, str)] if isinstance(raw, list) else []


def _relation(evidence: Evidence) -> str:
    """The card's or the Hub's `base_model_relation` (finetune, adapter, quantized, merge), or a prompt for it."""
    raw = evidence.hub.get("base_models")
    relation = raw.get("relation") if isinstance(raw, dict) else None
    relation = relation or _meta(evidence).get("base_model_relation")
    return str(relation) if isinstance(relation, str) else "state whether fine-tuned, merged, quantised or an adapter"


def _modalities(evidence: Evidence) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    tag = _meta(evidence).get("pipeline_tag") or evidence.hub.get("pipeline_tag")
    if isinstance(tag, str) and tag in MODALITIES:
        ins, outs = MODALITIES[tag]
        return tag, ins, outs
    return (tag if isinstance(tag, str) else None), (), ()


def _languages(evidence: Evidence) -> list[str]:
    raw = _meta(evidence).get("language")
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return [str(v) for v in values if isinstance(v, str)]


def size_range(tokens: float) -> str:
    """The template's text size range for a token count."""
    if tokens < 1e9:
        return "less than 1 billion tokens"
    if tokens <= 1e13:
        return "1 billion to 10 trillion tokens"
    return "more than 10 trillion tokens"


def _size_field(a: Assessment) -> dict[str, Any]:
    """1.3's size range when no token count is stated: a hint from the datasets' sizes if the range fits one band."""
    guess = a.estimate.tokens_estimate
    guidance = ("Text: less than 1 billion, 1 billion to 10 trillion, or more than 10 trillion tokens; other "
                "modalities in their own unit.")
    if guess is None:
        return _must("Training data size (per modality, as a range)", guidance)
    if guess.high is not None and size_range(guess.low) == size_range(guess.high):
        return _field("Training data size (text)", HINT, size_range(guess.low),
                      f"estimated from dataset sizes, not stated: {guess.describe()}",
                      f"An estimate ({guess.assumption}); state the measured figure.")
    return _must("Training data size (per modality, as a range)",
                 f"{guidance} The named datasets' sizes give {guess.describe()}, which spans more than one band.")


def _datasets(evidence: Evidence) -> list[dict[str, Any]]:
    found = evidence.hub.get("datasets") or {}
    out = []
    for dataset_id in metadata_datasets(evidence):
        info = found.get(dataset_id) or {}
        licences = evidence.dataset_licences.get(dataset_id) or []
        out.append({"id": dataset_id,
                    "link": info.get("url") or f"https://huggingface.co/datasets/{dataset_id}",
                    "licence": ", ".join(s.raw for s in licences) or None,
                    # Where the licence was read: the dataset's own card, or the model card / a linked repository.
                    "licence_source": "; ".join(s.provenance.describe() for s in licences) or None,
                    "size": ", ".join(info.get("size_categories") or []) or None,
                    "bytes": _train_bytes(info),
                    "synthetic": bool(info.get("synthetic")),
                    "gated": info.get("gated") not in (None, False, "false"),
                    "card": info.get("status", "not looked up")})
    return out


def _train_bytes(info: dict[str, Any]) -> int | None:
    """The bytes of a looked-up dataset's training splits, as its card's `dataset_info` states them."""
    from opencheck.euaiact.compute import dataset_bytes

    sized = dataset_bytes(info)
    return sized[0] if sized else None


def _section(number: str, title: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {"number": number, "title": title, "fields": fields}


def _general(evidence: Evidence, a: Assessment) -> list[dict[str, Any]]:
    org = evidence.target.id.split("/", 1)[0] if "/" in evidence.target.id else None
    name, name_source = _model_name(evidence)
    bases = _base_models(evidence)
    decl = a.declarations
    tag, ins, outs = _modalities(evidence)
    langs = _languages(evidence)
    tokens = a.estimate.tokens
    size_field = _size_field(a)
    market = (_field("Date of placement of the model on the Union market", FILLED, decl.placed_on_market,
                     f"declared in {decl.where}") if decl.placed_on_market else
              _must("Date of placement of the model on the Union market",
                    "The date the model was first made available in the EU (the Hub's creation date is only a hint)."))
    return [
        _section("1.1", "Provider identification", [
            _field("Provider name and contact details", HINT, org, "Hub organisation (confirm the legal entity)",
                   "The legal name of the provider and a contact address.") if org else
            _must("Provider name and contact details", "The legal name of the provider and a contact address."),
            _must("Authorised representative name and contact details",
                  "Only for providers established outside the EU; not needed for an open-source model without "
                  "systemic risk (Art. 54(6))."),
        ]),
        _section("1.2", "Model identification", [
            _field("Versioned model name(s)", FILLED, name, name_source),
            (_field("Model dependencies", FILLED, bases, _card_source(evidence, "base_model"),
                    f"How this model derives from them: {_relation(evidence)}.") if bases else
             _must("Model dependencies", "The models this one was fine-tuned or modified from, or 'none'.")),
            market,
        ]),
        _section("1.3", "Modalities, overall training data size and other characteristics", [
            (_field("Modalities", FILLED, {"input": list(ins), "output": list(outs)},
                    f"{_card_source(evidence, 'pipeline_tag')} = {tag}") if ins else
             _must("Modalities", "Text, image, audio and/or video the model was trained on.")),
            (_field("Training data size (text)", FILLED, size_range(tokens.value),
                    tokens.provenance.describe()) if tokens else size_field),
            _must("Types of content", "E.g. web pages, books, code, scientific articles, conversations."),
            _must("Latest date of data collection", "Month and year the training data was last collected."),
            (_field("Languages", FILLED, langs, _card_source(evidence, "language")) if langs else
             _must("Languages", "The languages of the training data.")),
            _must("Other overall characteristics of the training data", "Optional; anything else notable."),
        ]),
    ]


def _sources(evidence: Evidence, a: Assessment) -> list[dict[str, Any]]:
    data = _datasets(evidence)
    synthetic = [d["id"] for d in data if d["synthetic"]]
    public = ([_field("Publicly available datasets used", FILLED, "yes", _card_source(evidence, "datasets")),
               _field("Modalities of the public datasets", HINT, "as in 1.3", None,
                      "Confirm the modality of each public dataset."),
               _field("List of large publicly available datasets", FILLED, data,
                      "card `datasets:` metadata and each dataset's Hub card (licence, size category)"),
               _must("Description of other public datasets", "Public datasets not on the list above, described.")]
              if data else
              [_must("Publicly available datasets used", "Yes or no; the card lists no `datasets:` metadata."),
               _must("List of large publicly available datasets", "Each large public dataset with a link.")])
    return [
        _section("2.1", "Publicly available datasets", public),
        _section("2.2", "Private non-publicly available datasets obtained from third parties", [
            _must("Datasets commercially licensed from rightsholders", "Yes or no, and the modalities."),
            _must("Private datasets obtained from other third parties", "Yes or no, and a general description."),
        ]),
        _section("2.3", "Data crawled and scraped from online sources", [
            _must("Crawlers used", "Names of the crawlers run by or for the provider."),
            _must("Purposes and behaviour of the crawlers", "E.g. robots.txt honoured, paywalls and logins respected."),
            _must("Collection period", "From when to when the data was crawled."),
            _must("Type of content and online sources crawled", "A general description of the sources."),
            _must("Most relevant domain names", "The top domain names by the amount of content collected."),
        ]),
        _section("2.4", "User data", [
            _must("Data from user interactions with the model", "Yes or no, and which services."),
            _must("Data from other services of the provider", "Yes or no, and which services."),
        ]),
        _section("2.5", "Synthetic data", [
            (_field("Synthetic data used", HINT, synthetic, "dataset cards marked synthetic (a `synthetic` or "
                    "generation-pipeline tag, machine-generated text, or the dataset's name)",
                    "Confirm, and add synthetic data made by or for the provider.") if synthetic else
             _must("Synthetic data used", "Yes or no: data generated by or for the provider with AI models.")),
            _generators(evidence, synthetic),
        ]),
        _section("2.6", "Other sources of data", [
            _must("Other sources", "Any data source not covered above, or 'none'."),
        ]),
    ]


def _generators(evidence: Evidence, synthetic: list[str]) -> dict[str, Any]:
    """Template 2.5: the generator models the synthetic datasets' cards name, each with the card line."""
    from opencheck.detect.synthetic_data import synthetic_generators

    name = "Models used to generate synthetic data"
    found = synthetic_generators(evidence)
    named = [g.to_dict() for dataset_id in synthetic for g in found.get(dataset_id, [])]
    unread = [d for d in synthetic if d not in found]
    if not named:
        why = (f" (the cards of {', '.join(synthetic)} name none)" if synthetic and not unread else
               f" (the cards of {', '.join(unread)} were not read)" if unread else "")
        return _must(name, "The generator models, where they are public" + why + ".")
    tail = f"; not read: {', '.join(unread)}" if unread else ""
    return _field(name, HINT, named, "the synthetic datasets' cards (file:line of each)",
                  "Confirm each, and add the models used for synthetic data made by or for the provider" + tail + ".")


def _processing(a: Assessment) -> list[dict[str, Any]]:
    policy = next(d for d in a.duties if d.key == "copyright_policy")
    return [
        _section("3.1", "Respect of reservation of rights from the text and data mining exception or limitation", [
            _must("Signatory of the General-Purpose AI Code of Practice",
                  "Yes or no (the Commission publishes the list)."),
            (_field("Measures to honour text-and-data-mining opt-outs", HINT, policy.where, "copyright policy found",
                    "Summarise the measures of that policy here.") if policy.found else
             _must("Measures to honour text-and-data-mining opt-outs",
                   "How machine-readable opt-outs (robots.txt, metadata) were identified and honoured.")),
        ]),
        _section("3.2", "Removal of illegal content", [
            _must("Measures to avoid or remove illegal content", "E.g. filters for child sexual abuse material."),
        ]),
        _section("3.3", "Other information", [
            _field("Other information", MUST, guidance="Optional."),
        ]),
    ]


def _form(evidence: Evidence, a: Assessment) -> list[dict[str, Any]]:
    """Fields of the Code of Practice's model documentation form that public metadata fills."""
    name, name_source = _model_name(evidence)
    hashes = {f.path: f.sha256 for f in evidence.files_of(FileKind.WEIGHTS) if f.sha256}
    params = evidence.weights.parameters
    arch = (evidence.config or {}).get("architectures") or (evidence.config or {}).get("model_type")
    tag, ins, outs = _modalities(evidence)
    licence = _meta(evidence).get("license")
    est = a.estimate
    deps = _base_models(evidence)
    return [
        _field("Model name and version", FILLED, name, name_source),
        (_field("Model authenticity (sha256 of the distributed weight files)", FILLED, hashes,
                "Hub LFS metadata (per-file sha256)") if hashes else
         _must("Model authenticity", "A secure hash of each distributed file (e.g. sha256).")),
        (_field("Total parameter count (two significant figures)", FILLED, f"{float(f'{params:.2g}'):.2g}",
                (evidence.weights.provenance.describe() if evidence.weights.provenance else "weights metadata"))
         if params else _must("Total parameter count", "To at least two significant figures.")),
        (_field("Architecture", FILLED, arch, "config.json") if arch else
         _must("Architecture", "A general description of the architecture.")),
        (_field("Input and output modalities", FILLED, {"input": list(ins), "output": list(outs)},
                f"pipeline_tag = {tag}") if ins else
         _must("Input and output modalities", "Text, image, audio, video.")),
        (_field("Licence", FILLED, _licence_shown(evidence, licence), _card_source(evidence, "license")) if licence else
         _must("Licence", "The licence the model is distributed under.")),
        (_field("Model dependencies", FILLED, deps, _card_source(evidence, "base_model")) if deps else
         _must("Model dependencies", "Base models, or 'none'.")),
        (_field("Distribution channels", FILLED, evidence.hub.get("url"), "Hub repository") if evidence.hub.get("url")
         else _must("Distribution channels", "Where the model is distributed.")),
        (_field("Training compute (estimate)", HINT, f"{sci(est.flop)} FLOP", est.formula(),
                "An estimate (6 x parameters x tokens); state the measured figure.") if est.flop else
         _field("Training compute (estimate from dataset sizes)", HINT, est.flop_range_text(), est.range_text(),
                "A range from the named datasets' sizes, not a stated token count; state the measured figure.")
         if est.flop_range() else
         _must("Training compute", "FLOP used for training.")),
        (_field("Energy used for training", FILLED, evidence.footprint.energy.describe(),
                evidence.footprint.energy.provenance.describe()) if evidence.footprint.energy else
         _must("Energy used for training", "Measured or estimated energy, in kWh.")),
        _must("Acceptable use policy", "A link, if there is one."),
        _must("Training process", "The main training stages and design choices."),
    ]


def _licence_shown(evidence: Evidence, licence: Any) -> Any:
    """The card's licence; `other` with the `license_name` it points at, which is the actual licence."""
    name = _meta(evidence).get("license_name")
    return f"other ({name})" if licence == "other" and isinstance(name, str) and name else licence


def build_summary(evidence: Evidence, generated_at: str) -> dict[str, Any]:
    """The draft as a JSON-ready mapping (schemas/eu-summary.schema.json)."""
    a = assess(evidence)
    sections = [*_general(evidence, a), *_sources(evidence, a), *_processing(a)]
    fields = [f for s in sections for f in s["fields"]]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "eu-training-content-summary-draft",
        "disclaimer": f"{DISCLAIMER} A draft from public metadata: the provider completes, checks and publishes it.",
        "template": {"title": TEMPLATE_TITLE, "published": TEMPLATE_DATE, "url": TEMPLATE_URL},
        "generated_at": generated_at,
        "model": {"id": evidence.target.id, "kind": evidence.target.kind.value,
                  "revision": evidence.target.resolved_sha},
        "header": [_must("Version of the summary", "E.g. 1.0; increase it with every update."),
                   _must("Date of last update", "The date this summary was last updated.")],
        "sections": sections,
        "counts": {s: sum(1 for f in fields if f["status"] == s) for s in (FILLED, HINT, MUST)},
        "model_documentation_form": _form(evidence, a),
        "existing_summary": a.summary_check.to_dict() if a.summary_check else None,
        "existing_summary_note": a.summary_note,
        "sources": [{"title": t, "date": d, "url": u} for t, d, u in SOURCES],
    }
