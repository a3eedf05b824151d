"""Which parts of the publisher's own linked repository speak for this model.

A publisher's repository is read whole, but not everything in it is this model's code: LLM360's amber-train also
holds the fine-tuning scripts of AmberChat and AmberSafe (folders named for those derived models), and its
Analysis360 repository holds analyses of the models (notebooks that load a model to measure it, an unlearning
method's `training.py`), which evaluate a model but neither train, prepare data for nor serve it.
"""

from __future__ import annotations

import re

# A repository named for analyses, demos or examples: its files measure or show a model.
_ANALYSIS_REPOSITORY = re.compile(r"analys[ei]s|demos?\b|examples?\b|tutorials?|notebooks?|cookbook|playground",
                                  re.IGNORECASE)
# What a derived model adds to its base model's name (AmberChat, AmberSafe, OLMo-7B-Instruct).
_VARIANT = r"(?:chat|instruct|it|safe|sft|dpo|rlhf|ppo|rm|reward|coder?|math|vl|vision|distill\w*)"


def model_name_keys(target_id: str) -> tuple[str, ...]:
    """The forms a folder may use for the model's name: the whole name and its first word, lower-case alphanumerics
    (`LLM360/Amber` -> amber; `allenai/OLMo-7B` -> olmo7b, olmo)."""
    name = target_id.rsplit("/", 1)[-1]
    keys = [re.sub(r"[^a-z0-9]", "", name.lower())]
    first = re.split(r"[^A-Za-z0-9]+|(?<=[A-Za-z])(?=\d)", name)[0].lower()
    keys.append(first)
    return tuple(dict.fromkeys(k for k in keys if len(k) >= 4))


def scoped_roles(slug: str, path: str, roles: frozenset[str], names: tuple[str, ...]) -> frozenset[str]:
    """The roles a file of the publisher's repository `slug` gives this model: none in a folder named for a derived
    model, only evaluation in a repository of analyses or demos."""
    if not roles:
        return roles
    for folder in path.lower().split("/")[:-1]:
        plain = re.sub(r"[^a-z0-9]", "", folder)
        if any(plain != key and re.fullmatch(re.escape(key) + _VARIANT, plain) for key in names):
            return frozenset()
    if _ANALYSIS_REPOSITORY.search(slug.rsplit("/", 1)[-1]):
        return roles & {"evaluation"}
    return roles
