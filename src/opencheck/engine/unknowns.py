"""Facts a failed look-up left unknown: which components' licence or presence the rules must not read as false.

A look-up that fails (GitHub refused or rate limited, a dataset card that timed out, the branch list not
fetched) is not an answer: "no licence fetched" is not "no licence". This module names the components whose
facts depend on such a failure, so predicates return inconclusive and grading can bound the grade.
"""

from __future__ import annotations

import re

from opencheck.engine.needs import COMPONENT_NEEDS, DATASETS, GITHUB, REFS
from opencheck.evidence import ComponentStatus, Evidence

_GITHUB_SLUG = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?:[/#?]|$)", re.IGNORECASE)
INTERMEDIATE = "Model parameters (Intermediate)"


def _slug(url: str | None) -> str | None:
    match = _GITHUB_SLUG.match(url or "")
    return f"{match.group(1)}/{match.group(2)}".lower() if match else None


def unknown_components(evidence: Evidence) -> dict[str, str]:
    """Component name -> why its licence (or presence) is unknown, for components a failed look-up feeds."""
    if not evidence.lookup_failures:
        return {}
    out: dict[str, str] = {}
    repos = {s.lower(): s for s in evidence.failed_subjects(GITHUB)}
    for name, needs in COMPONENT_NEEDS.items():
        comp = evidence.component(name)
        if GITHUB in needs and repos and comp.status == ComponentStatus.PRESENT and comp.licence is None:
            # Only a component linked to a repository whose licence could not be fetched is unknown.
            linked = sorted({repos[s] for p in comp.evidence if (s := _slug(p.url)) in repos})
            if linked:
                out[name] = f"licence unknown: the GitHub look-up of {', '.join(linked)} failed"
    if trees := failed_trees(evidence):
        # The linked repositories' file trees show training, preprocessing, evaluation and inference code: with a
        # tree not fetched, such code not found elsewhere may be there ("not found" is not "absent").
        for name in TREE_COMPONENTS:
            comp = evidence.component(name)
            if name not in out and comp.status != ComponentStatus.PRESENT and comp.origin != "declared":
                out[name] = f"unknown: the GitHub file tree look-up of {', '.join(trees)} failed"
    datasets = unknown_datasets(evidence)
    comp = evidence.component("Datasets")
    if datasets and comp.licence is None:
        out["Datasets"] = f"licence unknown: the dataset card look-up of {', '.join(datasets)} failed"
    if evidence.failed_subjects(REFS) and not evidence.checkpoints \
            and evidence.component(INTERMEDIATE).status != ComponentStatus.PRESENT:
        out[INTERMEDIATE] = "unknown: the branch list (checkpoint branches) could not be fetched"
    return out


TREE_COMPONENTS = ("Training code", "Data preprocessing code", "Evaluation code", "Inference code")


def failed_trees(evidence: Evidence) -> list[str]:
    """Linked GitHub repositories whose file tree could not be fetched (failed, or offline and not cached)."""
    trees = evidence.hub.get("github_trees")
    if not isinstance(trees, dict):
        return []
    return sorted(slug for slug, tree in trees.items()
                  if isinstance(tree, dict) and tree.get("status") in ("error", "unknown"))


def unknown_datasets(evidence: Evidence) -> list[str]:
    """Named training datasets whose card look-up failed and whose licence no other source gives."""
    failed = evidence.failed_subjects(DATASETS)
    names = dict.fromkeys(n for n, _ in evidence.datasets)
    return [n for n in names if n in failed and not evidence.dataset_licences.get(n)]


def not_looked_up(evidence: Evidence, name: str) -> str | None:
    """Why a present component has no licence when the GitHub look-up, which would read its linked repositories'
    licences, was not run (`--lookup none`, `--offline`, `--no-lookup github`); None otherwise.

    The verdict stays what the card and files show (look-ups off read facts from those alone), but "no licence is
    stated" would send the maintainer to state one, where the licence is in the repository opencheck did not ask.
    """
    if GITHUB in evidence.lookups_ran or GITHUB not in COMPONENT_NEEDS.get(name, ()):
        return None
    comp = evidence.component(name)
    if comp.status != ComponentStatus.PRESENT or comp.licence is not None:
        return None
    linked = sorted({s for p in comp.evidence if (s := _slug(p.url))})
    if not linked:
        return None
    return f"the licence of {', '.join(linked)} was not looked up"
