"""Facts for an AI bill of materials, taken from an evidence record (shared by the CycloneDX and SPDX writers).

Only what the evidence states is carried over; a fact that is not known stays None or empty, and each writer
leaves it out or marks it `noAssertion` as its format prescribes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from opencheck.detect.base_model import base_model_ids, base_model_source
from opencheck.detect.datasets import model_index_results
from opencheck.evidence import Evidence, Figure, FileKind, Provenance, TargetKind

HF_HOST = "https://huggingface.co"
TOOL_NAME = "opencheck"

# Card sections whose text answers "what is it for" / "what are its limits" (HF model card template titles).
# A parent "Uses" section contains its sub-sections' text, so only the specific titles are taken.
USE_SECTIONS = ("direct use", "downstream use", "intended use", "intended uses", "use cases")
OUT_OF_SCOPE_SECTIONS = ("out-of-scope use", "out of scope use", "out-of-scope uses", "misuse")
LIMITATION_SECTIONS = ("bias, risks, and limitations", "limitations", "risks and limitations", "bias",
                       "technical limitations")
MAX_SECTION_CHARS = 4000

# What a Hugging Face pipeline task takes and gives (the task's definition, huggingface.co/tasks), written as
# CycloneDX modelParameters inputs/outputs formats. Tasks not listed get no inputs/outputs rather than a guess.
TASK_IO: dict[str, tuple[str, str]] = {
    "text-generation": ("text", "text"),
    "text2text-generation": ("text", "text"),
    "fill-mask": ("text", "text"),
    "summarization": ("text", "text"),
    "translation": ("text", "text"),
    "question-answering": ("text", "text"),
    "table-question-answering": ("table", "text"),
    "text-classification": ("text", "label"),
    "token-classification": ("text", "label"),
    "zero-shot-classification": ("text", "label"),
    "sentence-similarity": ("text", "number"),
    "feature-extraction": ("text", "embedding"),
    "text-to-image": ("text", "image"),
    "image-to-text": ("image", "text"),
    "image-text-to-text": ("image and text", "text"),
    "image-classification": ("image", "label"),
    "object-detection": ("image", "bounding boxes"),
    "image-segmentation": ("image", "mask"),
    "automatic-speech-recognition": ("audio", "text"),
    "text-to-speech": ("text", "audio"),
    "text-to-audio": ("text", "audio"),
    "audio-classification": ("audio", "label"),
    "text-to-video": ("text", "video"),
}


@dataclass(frozen=True)
class Licence:
    """A licence as stated and, when known, as an SPDX expression."""

    raw: str
    expression: str | None  # SPDX id, expression or LicenseRef-...; None when it could not be normalised
    url: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A dataset the model was trained or evaluated on."""

    id: str
    role: str  # training | evaluation
    licences: tuple[Licence, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Metric:
    """One evaluation result from the card's model-index."""

    type: str
    value: str
    dataset: str | None = None
    split: str | None = None
    task: str | None = None


@dataclass
class ModelFacts:
    """What a BOM can say about the model, all taken from the evidence."""

    key: str  # stable identity: target id plus commit, the seed of BOM ids
    name: str
    version: str | None  # commit sha when known
    supplier: str | None
    hub_id: str | None
    download_location: str | None
    homepage: str | None
    purl: str | None
    licences: list[Licence] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    base_models: list[str] = field(default_factory=list)
    base_model_relation: str | None = None
    task: str | None = None
    architecture: str | None = None
    model_type: str | None = None
    hyperparameters: list[tuple[str, str]] = field(default_factory=list)  # (name, where documented)
    metrics: list[Metric] = field(default_factory=list)
    use_cases: list[str] = field(default_factory=list)
    limitations: list[str] = field(default_factory=list)
    energy: Figure | None = None  # training (or fine-tuning) energy in kWh, as the card states it
    co2: Figure | None = None  # emissions in tCO2eq
    activity: str = "training"  # CycloneDX energy activity the figures belong to: training | fine-tuning
    co2_notes: dict[str, str] = field(default_factory=dict)  # co2_eq_emissions' source, location, hardware
    approach: str | None = None  # CycloneDX approach type the card states
    approach_source: str | None = None
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (path, sha256, size) for weights
    parameters: int | None = None
    release_time: str | None = None  # SPDX DateTime (UTC, no fractions)
    created_time: str | None = None
    documentation: list[tuple[str, str]] = field(default_factory=list)  # (kind, url or path)
    vcs: list[str] = field(default_factory=list)


def stable_uuid(*parts: str) -> str:
    """A UUID (version-5 layout) derived from the given parts, so the same input gives the same BOM."""
    digest = bytearray(hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def licence_of(raw: str, url: str | None = None) -> Licence:
    """Normalise a stated licence to an SPDX expression when possible."""
    from opencheck.licenses import normalise

    raw = raw.strip()
    return Licence(raw=raw, expression=normalise(raw).expression if raw else None, url=url)


def spdx_datetime(value: Any) -> str | None:
    """`YYYY-MM-DDThh:mm:ssZ` from an ISO timestamp such as the Hub's `2024-01-15T10:00:00.000Z`."""
    if not isinstance(value, str):
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|\+00:00)?$", value.strip())
    if not match:
        return None
    return f"{match.group(1)}T{match.group(2)}Z"


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def _model_licences(evidence: Evidence) -> list[Licence]:
    """The repository licence as the card metadata (or, failing that, a licence file) states it."""
    meta = evidence.card.metadata if evidence.card else evidence.hub.get("card_data") or {}
    link = _text(meta.get("license_link"))
    raw = meta.get("license")
    values = raw if isinstance(raw, list) else [raw]
    out: list[Licence] = []
    for value in values:
        text = _text(value)
        if not text:
            continue
        if text == "other" and _text(meta.get("license_name")):
            # The Hub's custom-licence convention: `other` plus a name, which becomes a LicenseRef.
            name = re.sub(r"[^A-Za-z0-9.\-]+", "-", str(meta["license_name"]).strip()).strip("-")
            out.append(Licence(raw=f"other ({meta['license_name']})", expression=f"LicenseRef-{name}", url=link))
            continue
        out.append(licence_of(text, link))
    if not out:
        # No metadata licence: a licence file identified by its text is the next best statement.
        for statement in evidence.licences:
            if statement.scope == "repository" and statement.provenance.note and "identified" in (
                    statement.provenance.note or ""):
                out.append(licence_of(statement.raw))
                break
    return out


def _declared_dataset(evidence: Evidence, component: str) -> tuple[tuple[Licence, ...], Provenance | None]:
    """The licence a manifest declares for a data component (Datasets, Evaluation data), and where."""
    declared = evidence.declared.get(component)
    if declared is None:
        return (), None
    where = declared.evidence[0] if declared.evidence else None
    return ((licence_of(declared.licence.raw),) if declared.licence else ()), where


def _datasets(evidence: Evidence, meta: dict[str, Any], base_url: str | None) -> list[Dataset]:
    out: list[Dataset] = []
    seen: set[tuple[str, str]] = set()
    hub_datasets = evidence.hub.get("datasets") if isinstance(evidence.hub.get("datasets"), dict) else {}
    # A dataset's own licence (its Hub card) comes first; the manifest's licence for the whole data component
    # covers each dataset that has none.
    declared_training, training_where = _declared_dataset(evidence, "Datasets")
    declared_evaluation, evaluation_where = _declared_dataset(evidence, "Evaluation data")
    named = [d for d, p in evidence.datasets if isinstance(d, str) and p != training_where]
    for dataset_id, prov in evidence.datasets:
        if not isinstance(dataset_id, str) or ("training", dataset_id) in seen:
            continue
        from_manifest = training_where is not None and prov == training_where
        if from_manifest and dataset_id == "declared training data" and (named or not declared_training):
            continue  # the manifest named no dataset: only worth a component when it carries the licence
        seen.add(("training", dataset_id))
        lic = tuple(licence_of(s.raw) for s in evidence.dataset_licences.get(dataset_id, [])) or declared_training
        info = hub_datasets.get(dataset_id) or {}
        url = info.get("url") if isinstance(info.get("url"), str) else None
        if url is None and from_manifest and (prov.url or "").startswith(("http://", "https://")):
            url = prov.url
        if url is None:
            url = next((link.url for link in evidence.links if link.kind == "dataset"
                        and link.url.rstrip("/").endswith(f"/{dataset_id}")), None)
        if url is None and base_url and re.fullmatch(r"[\w.\-]+/[\w.\-]+", dataset_id):
            url = f"{base_url}/datasets/{dataset_id}"
        out.append(Dataset(id=dataset_id, role="training", licences=lic, url=url))
    for result in model_index_results(meta.get("model-index") or evidence.hub.get("model_index")):
        ds = result.get("dataset") if isinstance(result.get("dataset"), dict) else {}
        dataset_id = _text(ds.get("type")) or _text(ds.get("name"))
        if dataset_id and ("evaluation", dataset_id) not in seen:
            seen.add(("evaluation", dataset_id))
            out.append(Dataset(id=dataset_id, role="evaluation", licences=declared_evaluation))
    if declared_evaluation and evaluation_where is not None and not any(d.role == "evaluation" for d in out):
        url = evaluation_where.url if (evaluation_where.url or "").startswith(("http://", "https://")) else None
        out.append(Dataset(id=evaluation_where.note or "declared evaluation data", role="evaluation",
                           licences=declared_evaluation, url=url))
    return out


def _metrics(model_index: Any) -> list[Metric]:
    out: list[Metric] = []
    for result in model_index_results(model_index):
        ds = result.get("dataset") if isinstance(result.get("dataset"), dict) else {}
        task = result.get("task") if isinstance(result.get("task"), dict) else {}
        for metric in result.get("metrics") or []:
            if not isinstance(metric, dict):
                continue
            kind = _text(metric.get("type")) or _text(metric.get("name"))
            value = _text(metric.get("value"))
            if kind and value:
                out.append(Metric(type=kind, value=value, dataset=_text(ds.get("name")) or _text(ds.get("type")),
                                  split=_text(ds.get("split")), task=_text(task.get("type"))))
    return out


def _section_texts(evidence: Evidence, titles: tuple[str, ...]) -> list[str]:
    if evidence.card is None:
        return []
    out: list[str] = []
    for section in evidence.card.sections:
        if section.placeholder or section.title.strip().lower() not in titles:
            continue
        text = section.text.strip()
        if text:
            out.append(text if len(text) <= MAX_SECTION_CHARS else text[:MAX_SECTION_CHARS] + " …")
    return out


def _co2_notes(meta: dict[str, Any]) -> dict[str, str]:
    co2 = meta.get("co2_eq_emissions")
    if not isinstance(co2, dict):
        return {}
    return {k: str(v) for k, v in sorted(co2.items())
            if k in ("source", "geographical_location", "hardware_used", "training_type") and _text(v)}


def _activity(training_type: str | None, fine_tuned: bool) -> str:
    """CycloneDX's activity for the stated figures: the card's training_type, else what the model is."""
    if training_type:
        return "fine-tuning" if "fine" in training_type.lower() else "training"
    return "fine-tuning" if fine_tuned else "training"


def model_facts(evidence: Evidence) -> ModelFacts:
    """Collect the BOM-relevant facts of an evidence record."""
    target = evidence.target
    meta: dict[str, Any] = dict(evidence.card.metadata) if evidence.card else dict(
        evidence.hub.get("card_data") or {})
    sha = target.resolved_sha or (evidence.git.commit if evidence.git else None)
    is_hub = target.kind == TargetKind.HUB
    endpoint = str(evidence.hub.get("endpoint") or HF_HOST).rstrip("/")
    where = _locations(evidence, sha, endpoint)
    base_raw = base_model_source(evidence)
    base_models = base_model_ids(base_raw)
    relation = _text(meta.get("base_model_relation")) or (
        _text(base_raw.get("relation")) if isinstance(base_raw, dict) else None)
    architectures = evidence.config.get("architectures")
    architecture = ", ".join(a for a in architectures if isinstance(a, str)) if isinstance(
        architectures, list) else None
    footprint = evidence.footprint
    files = [(f.path, f.sha256, f.size) for f in evidence.files_of(FileKind.WEIGHTS) if f.sha256]
    return ModelFacts(
        key=f"{target.kind.value}:{target.id}@{sha or target.revision or ''}",
        name=target.id,
        version=sha,
        **where,
        licences=_model_licences(evidence),
        datasets=_datasets(evidence, meta, endpoint if is_hub else None),
        base_models=sorted(set(base_models)),
        base_model_relation=relation,
        task=_text(evidence.hub.get("pipeline_tag")) or _text(meta.get("pipeline_tag")),
        architecture=architecture or None,
        model_type=_text(evidence.config.get("model_type")),
        hyperparameters=sorted((n, p.describe()) for n, p in evidence.hyperparameters.items()),
        metrics=_metrics(meta.get("model-index") or evidence.hub.get("model_index")),
        use_cases=_section_texts(evidence, USE_SECTIONS),
        limitations=[*_section_texts(evidence, LIMITATION_SECTIONS),
                     *(f"Out of scope: {t}" for t in _section_texts(evidence, OUT_OF_SCOPE_SECTIONS))],
        energy=footprint.energy,
        co2=footprint.co2,
        activity=_activity(footprint.training_type, bool(base_models)),
        co2_notes=_co2_notes(meta),
        approach=evidence.approach[0] if evidence.approach else None,
        approach_source=evidence.approach[1].describe() if evidence.approach else None,
        files=sorted((p, s, n) for p, s, n in files if s),
        parameters=evidence.weights.parameters,
        release_time=spdx_datetime(evidence.hub.get("last_modified")),
        created_time=spdx_datetime(evidence.hub.get("created_at")),
    )


def _locations(evidence: Evidence, sha: str | None, endpoint: str) -> dict[str, Any]:
    """Where the model lives and who supplies it: Hub id, supplier, URLs, purl, documents and code repositories."""
    target = evidence.target
    hub_id = target.id if target.kind == TargetKind.HUB else None
    supplier = hub_id.split("/")[0] if hub_id and "/" in hub_id else None
    if target.kind == TargetKind.MANIFEST and evidence.manifest:
        release = evidence.manifest.get("release") or {}
        supplier = _text(release.get("producer")) or supplier
    download = None
    purl = None
    homepage = None
    if hub_id:
        homepage = f"{endpoint}/{hub_id}"
        download = f"{endpoint}/{hub_id}/tree/{sha}" if sha else homepage
        purl = f"pkg:huggingface/{hub_id}" + (f"@{sha}" if sha else "")
    from opencheck.detect.repo_roles import own_repository_links

    # The model's own code repositories: an evaluation toolkit or a serving engine the card links is not its VCS.
    vcs = sorted({link.url for link in own_repository_links(evidence) if link.url.startswith(("http://", "https://"))})
    docs: list[tuple[str, str]] = []
    for link in evidence.links:
        if link.kind in ("paper", "technical-report") and (link.kind, link.url) not in docs:
            docs.append((link.kind, link.url))
    if evidence.card is not None:
        docs.insert(0, ("model-card", f"{homepage}/blob/{sha or 'main'}/{evidence.card.path}" if homepage
                        else evidence.card.path))
    return {"supplier": supplier, "hub_id": hub_id, "download_location": download, "homepage": homepage,
            "purl": purl, "documentation": docs, "vcs": vcs}
