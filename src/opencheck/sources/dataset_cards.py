"""What a dataset's Hub answer says beyond its licence, and the README of a synthetic dataset.

The EU training-content summary names synthetic datasets and the models that generated them (template 2.5), and
the compute estimate can fall back on the named datasets' sizes. Both read raw facts stored here: the split sizes
of the card's `dataset_info`, whether the Hub marks the dataset synthetic, and (for a synthetic one only) its README
text, fetched once and cached for a day like every look-up answer. What the text names is for detect/.
"""

from __future__ import annotations

from typing import Any

from opencheck.errors import SourceError
from opencheck.evidence import Evidence, Provenance
from opencheck.sources.hub_client import HubSession, card_data, siblings
from opencheck.sources.lookup_calls import cached_extra, lookup_failed, store_extra

DATASET_CARDS = "dataset-cards"  # a need, under the datasets look-up: read synthetic datasets' READMEs
MAX_SPLITS = 64  # split sizes kept per dataset: bounds what a hostile card can make us store
MAX_CARD_CHARS = 200_000  # of a dataset README kept for detect/ (the card reader caps the download too)
_ABSENT = "opencheck_absent"
def split_sizes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The byte size of each split the card's `dataset_info` states: [{config, split, num_bytes}]."""
    info = card_data(data).get("dataset_info")
    configs = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    out: list[dict[str, Any]] = []
    for config in configs:
        if not isinstance(config, dict) or not isinstance(config.get("splits"), list):
            continue
        name = config.get("config_name") if isinstance(config.get("config_name"), str) else "default"
        for split in config["splits"]:
            size = split.get("num_bytes") if isinstance(split, dict) else None
            if isinstance(size, int) and not isinstance(size, bool) and size >= 0 and isinstance(
                    split.get("name"), str):
                out.append({"config": name[:100], "split": split["name"][:100], "num_bytes": size})
            if len(out) >= MAX_SPLITS:
                return out
    return out


def content_kinds(data: dict[str, Any]) -> list[str]:
    """What the dataset holds, raw: the Hub's `modality:` tags and the dtypes of the card's `dataset_info` features."""
    kinds = [t.split(":", 1)[1] for t in data.get("tags") or [] if isinstance(t, str) and t.startswith("modality:")]
    info = card_data(data).get("dataset_info")
    for config in info if isinstance(info, list) else [info] if isinstance(info, dict) else []:
        features = config.get("features") if isinstance(config, dict) else None
        for feature in features if isinstance(features, list) else []:
            if not isinstance(feature, dict):
                continue
            dtype = feature.get("dtype")
            # `dtype: image`, `dtype: {audio: {sampling_rate: 16000}}`, or a nested `list:` / `struct:` column.
            if isinstance(dtype, dict):
                kinds.extend(str(k) for k in dtype)
            else:
                kinds.append(str(dtype) if isinstance(dtype, str) else min(map(str, feature.keys() - {"name"}),
                                                                        default=""))
    return sorted(set(k[:40] for k in kinds if k))[:MAX_SPLITS]


def synthetic_card(hub: HubSession, evidence: Evidence, dataset_id: str, data: dict[str, Any], *,
                   offline: bool) -> dict[str, Any]:
    """The README of a synthetic dataset: {"status": "found", "text"} | {"status": absent-reason} | unknown."""
    sha = data.get("sha") if isinstance(data.get("sha"), str) else "main"
    key = f"dataset-card--{dataset_id}@{sha}"
    url = f"{hub.endpoint}/datasets/{dataset_id}/blob/{sha}/README.md"
    cached = cached_extra(hub, key, offline)
    if isinstance(cached, dict) and (isinstance(cached.get("text"), str) or cached.get(_ABSENT)):
        return _shown(cached, url)
    readme = next((s for s in siblings(data) if s["rfilename"] == "README.md"), None)
    if readme is None:
        return {"status": "absent", "url": url}  # the Hub lists no README: nothing to ask for
    if offline:
        lookup_failed(evidence, "datasets", dataset_id, "dataset-unavailable",
                      f"README of dataset {dataset_id}: offline and not cached", Provenance(url=url))
        return {"status": "unknown", "url": url}
    try:
        status, text = hub.readme(f"datasets/{dataset_id}", sha, readme)
    except SourceError as exc:
        lookup_failed(evidence, "datasets", dataset_id, "dataset-unavailable", str(exc), Provenance(url=url))
        return {"status": "unknown", "url": url}
    payload: dict[str, Any] = {"text": text[:MAX_CARD_CHARS]} if text is not None else {_ABSENT: status}
    store_extra(hub, key, payload)  # a missing README is remembered too
    return _shown(payload, url)


def _shown(payload: dict[str, Any], url: str) -> dict[str, Any]:
    if isinstance(payload.get("text"), str):
        return {"status": "found", "text": payload["text"], "url": url}
    return {"status": str(payload.get(_ABSENT)), "url": url}
