"""A model made from a base model whose terms bind its derivatives keeps the base's licence for its weights.

A community fine-tune of Llama 2 whose card says `license: apache-2.0` is still under the Llama 2 licence: its
weights are Llama Materials, which no licensee may relicense. The base models come from the card's `base_model`
key (or the Hub's base models) and from a card sentence that says the model was fine-tuned from, based on or
quantised from a linked Hub model; their licences from `rules/licenses/base_models.yaml`, which lists the families
whose terms are not open.
"""

from __future__ import annotations

import re

from opencheck.detect.base_families import base_families
from opencheck.detect.base_model import adapter_base_model, base_model_ids, base_model_source
from opencheck.detect.base_prose import about_other_models, names_another_model, prose_bases
from opencheck.detect.sentences import sentence_before
from opencheck.evidence import Evidence, LicenceStatement, Provenance

# In a weights statement's note: the licence is the base model's, which the model's publisher cannot change.
INHERITED = "weights made from it stay under those terms, whatever licence this card states"
_HUB_MODEL = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/)"
                        r"([\w.-]+/[\w.-]+)/?$", re.IGNORECASE)
# Words that say the model was made from the model linked after them in the same sentence.
_MADE_FROM = re.compile(r"\b(?:fine[\s-]?tun\w*|finetun\w*|based\s+on|derived\s+from|built\s+(?:on|upon)|"
                        r"quanti[sz]\w*|distill\w*|merge[sd]?\s+(?:of|from)|initiali[sz]ed\s+from|"
                        r"continued?\s+pre-?train\w*\s+(?:of|from)|adapter\s+(?:for|of)|original\s+model)\b",
                        re.IGNORECASE)




def family_licence(model_id: str) -> str | None:
    """The licence the packaged table gives a base model's family, or None when it lists none for it.

    A copy of a family's weights republished under another owner (unsloth/Meta-Llama-3.1-8B-Instruct,
    NousResearch/Llama-2-7b-hf, a quantiser's TheBloke/Llama-2-7B-GGUF) keeps the family's name and is the same
    Llama Materials: its repository name matched against the family's name decides too.
    """
    name = model_id.split("/", 1)[1] if "/" in model_id else None
    for family in base_families():
        if family.match.match(model_id) or (name and family.republished is not None
                                            and family.republished.match(name)):
            return family.licence
    return None


def _linked_bases(evidence: Evidence) -> list[tuple[str, Provenance]]:
    """Hub models a card sentence says this model was made from: the first model link after a cue word."""
    card = evidence.card
    if card is None:
        return []
    lines = card.text.splitlines()
    found: list[tuple[str, Provenance]] = []
    for link in evidence.links:
        match = _HUB_MODEL.match(link.url)
        line = link.provenance.line
        if not match or link.provenance.file != card.path or not line or line > len(lines):
            continue
        text = lines[line - 1]
        at = text.find(link.url)
        before = text[:at] if at >= 0 else text
        # Only the sentence the link is in, and only a cue before it ("fine-tuned from [X]"), with no other model
        # link between the cue and this one ("fine-tuned from [A], compared with [B]" names A only).
        sentence = sentence_before(before)
        cues = list(_MADE_FROM.finditer(sentence))
        if not cues or "huggingface.co/" in sentence[cues[-1].end():] \
                or about_other_models(sentence[:cues[-1].start()]) \
                or names_another_model(sentence[:cues[-1].start()], evidence):
            continue
        found.append((match.group(1), Provenance(file=card.path, line=line, url=link.url,
                                                 note=f"the card says the model was made from {match.group(1)}")))
    return found


def named_base_models(evidence: Evidence) -> list[tuple[str, Provenance]]:
    """(Hub id, where) for each base model the card's `base_model`, the Hub or a card sentence names."""
    card = evidence.card
    if evidence.hub.get("base_models") is not None:
        where = Provenance(key="baseModels", note="the Hub's base models")
    elif card is not None and card.metadata.get("base_model") is not None:
        where = card.key_provenance("base_model")
    elif adapter_base_model(evidence) is not None:
        where = Provenance(file="adapter_config.json", key="base_model_name_or_path",
                           note="the PEFT adapter's base model")
    else:
        where = Provenance(key="base_model")
    found = [(model_id, where) for model_id in base_model_ids(base_model_source(evidence))]
    seen = {model_id.lower() for model_id, _ in found}
    for model_id, provenance in _linked_bases(evidence):
        if model_id.lower() not in seen and model_id.lower() != evidence.target.id.lower():
            seen.add(model_id.lower())
            found.append((model_id, provenance))
    return found


def base_model_licences(evidence: Evidence) -> list[LicenceStatement]:
    """A weights licence statement for each named base model whose family's terms the table lists."""
    statements: list[LicenceStatement] = []
    for model_id, where in named_base_models(evidence):
        licence = family_licence(model_id)
        if licence is None:
            continue
        note = f"base model {model_id} is published under {licence}; {INHERITED}"
        statements.append(LicenceStatement(raw=licence, scope="weights", provenance=Provenance(
            file=where.file, line=where.line, key=where.key, url=where.url or f"https://huggingface.co/{model_id}",
            note=note)))
    if not statements:
        # No Hub id names a listed family: a base model named only in words ("Base model: Llama 2") decides.
        for name, licence, where in prose_bases(evidence)[:1]:
            statements.append(LicenceStatement(raw=licence, scope="weights", provenance=Provenance(
                file=where.file, line=where.line, note=f"the card says the model was made from {name}, published "
                f"under {licence}; {INHERITED}")))
    return statements


def detect_base_licences(evidence: Evidence) -> None:
    """Give the weights their base model's licence when the model's own stated licence would be open."""
    statements = base_model_licences(evidence)
    if not statements:
        return
    from opencheck.licenses import classify

    own = next((s for scope in ("weights", "data", "repository") for s in evidence.licences if s.scope == scope),
               None)
    if own is not None and not classify(own.raw).is_open:
        return  # the card already states terms that are not open: those are the ones it must be judged by
    # The first base model named decides (a merge lists its main base first). It goes before the card's own
    # weights statements (the weights components take the first one) but after the repository's first statement.
    at = next((i for i, s in enumerate(evidence.licences) if s.scope == "weights"), len(evidence.licences))
    evidence.licences.insert(max(at, 1), statements[0])
