"""CycloneDX 1.6 ML-BOM (JSON) for a model, built with cyclonedx-python-lib.

cyclonedx-python-lib 11 has no model for `component.modelCard` or `component.data` (both are commented-out
TODOs in `cyclonedx.model.component`), so the document is built and serialised with the library and those two
fields are then added to the serialised JSON in the exact shape of the 1.6 schema; the tests validate the
result with the library's strict 1.6 JSON validator.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from opencheck import __version__
from opencheck.evidence import decimal_text
from opencheck.interchange.bom.common import TASK_IO, TOOL_NAME, Dataset, Licence, ModelFacts, stable_uuid

MODEL_REF = "model"


def _licences(licences: list[Licence] | tuple[Licence, ...]) -> list[Any]:
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

    known = [lic for lic in licences if lic.expression]
    if len(known) == 1 and len(licences) == 1:
        expr = known[0].expression or ""
        if " " in expr:  # an SPDX expression (A OR B): CycloneDX allows exactly one `expression` then
            return [LicenseExpression(expr)]
        if expr.startswith("LicenseRef-"):
            return [LicenseExpression(expr)]  # a LicenseRef is a valid SPDX expression, not a listed id
        return [DisjunctiveLicense(id=expr, url=_url(known[0].url))]
    out: list[Any] = []
    for lic in licences:
        expr = lic.expression
        if expr and " " not in expr and not expr.startswith("LicenseRef-"):
            out.append(DisjunctiveLicense(id=expr, url=_url(lic.url)))
        else:
            # Unknown or compound: keep the statement as a named licence rather than guessing an id.
            out.append(DisjunctiveLicense(name=expr or lic.raw, url=_url(lic.url)))
    return out


def _url(url: str | None) -> Any:
    from cyclonedx.model import XsUri

    return XsUri(url) if url and url.startswith(("http://", "https://")) else None


def _dataset_ref(ds: Dataset) -> str:
    return f"dataset-{ds.role}-{stable_uuid(ds.role, ds.id)[:8]}"


def _data_component(ds: Dataset) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
    from cyclonedx.model.component import Component, ComponentType

    refs = [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(ds.url))] if ds.url else []
    return Component(
        type=ComponentType.DATA, name=ds.id, bom_ref=_dataset_ref(ds), licenses=_licences(ds.licences),
        external_references=refs, properties=[Property(name="opencheck:dataset:role", value=ds.role)])


def _model_component(facts: ModelFacts) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
    from cyclonedx.model.component import Component, ComponentType, Pedigree
    from cyclonedx.model.contact import OrganizationalEntity
    from packageurl import PackageURL

    hashes = []
    properties = [Property(name="opencheck:weights:file", value=f"{path} sha256:{sha}")
                  for path, sha, _size in facts.files]
    if len(facts.files) == 1:
        # One weights file: its hash identifies the model artefact itself.
        hashes.append(HashType(alg=HashAlgorithm.SHA_256, content=facts.files[0][1]))
    if facts.parameters is not None:
        properties.append(Property(name="opencheck:parameters", value=str(facts.parameters)))
    if facts.release_time:
        properties.append(Property(name="opencheck:hub:lastModified", value=facts.release_time))
    if facts.base_model_relation:
        properties.append(Property(name="opencheck:base_model_relation", value=facts.base_model_relation))
    refs = []
    ref_types = {"model-card": ExternalReferenceType.MODEL_CARD, "paper": ExternalReferenceType.DOCUMENTATION,
                 "technical-report": ExternalReferenceType.DOCUMENTATION}
    for kind, url in facts.documentation:
        if url.startswith(("http://", "https://")):
            refs.append(ExternalReference(type=ref_types[kind], url=XsUri(url), comment=kind))
    refs.extend(ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(u)) for u in facts.vcs)
    if facts.download_location:
        refs.append(ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(facts.download_location)))
    if facts.homepage:
        refs.append(ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(facts.homepage)))
    pedigree = None
    if facts.base_models:
        ancestors = [Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=base,
                               bom_ref=f"base-model-{stable_uuid('base', base)[:8]}",
                               purl=PackageURL.from_string(f"pkg:huggingface/{base}") if "/" in base else None)
                     for base in facts.base_models]
        pedigree = Pedigree(ancestors=ancestors)
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, name=facts.name, bom_ref=MODEL_REF, version=facts.version,
        supplier=OrganizationalEntity(name=facts.supplier) if facts.supplier else None,
        purl=PackageURL.from_string(facts.purl) if facts.purl else None, hashes=hashes,
        licenses=_licences(facts.licences), external_references=refs, properties=properties, pedigree=pedigree)


def _model_card(facts: ModelFacts) -> dict[str, Any]:
    """`modelCard` in the 1.6 schema's shape (not modelled by the library)."""
    params: dict[str, Any] = {}
    if facts.task:
        params["task"] = facts.task
        if facts.task in TASK_IO:
            given, gives = TASK_IO[facts.task]
            params["inputs"], params["outputs"] = [{"format": given}], [{"format": gives}]
    if facts.model_type:
        params["architectureFamily"] = facts.model_type
    if facts.architecture:
        params["modelArchitecture"] = facts.architecture
    training = [ds for ds in facts.datasets if ds.role == "training"]
    if training:
        params["datasets"] = [{"ref": _dataset_ref(ds)} for ds in training]
    card: dict[str, Any] = {}
    if facts.approach:
        params["approach"] = {"type": facts.approach}
    if params:
        card["modelParameters"] = params
    if facts.metrics:
        metrics = []
        for m in facts.metrics:
            entry: dict[str, Any] = {"type": m.type, "value": m.value}
            slice_ = "/".join(x for x in (m.dataset, m.split) if x)
            if slice_:
                entry["slice"] = slice_
            metrics.append(entry)
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    considerations: dict[str, Any] = {}
    if facts.use_cases:
        considerations["useCases"] = list(facts.use_cases)
    if facts.limitations:
        considerations["technicalLimitations"] = list(facts.limitations)
    environment = _environment(facts)
    if environment:
        considerations["environmentalConsiderations"] = environment
    if considerations:
        card["considerations"] = considerations
    props = [{"name": f"opencheck:hyperparameter:{name}", "value": f"documented at {where}"}
             for name, where in facts.hyperparameters]
    if facts.approach_source:
        props.append({"name": "opencheck:approach:source", "value": facts.approach_source})
    if props:
        card["properties"] = props
    return card


def _measure(value: float) -> int | float:
    """A JSON number without float noise (104000 rather than 104000.0, 0.000012 rather than 1.2e-05)."""
    number = float(decimal_text(value))
    return int(number) if number.is_integer() else number


def _environment(facts: ModelFacts) -> dict[str, Any]:
    """`environmentalConsiderations`: an energy consumption when the card states the energy, else properties.

    An `energyConsumptions` entry requires a kWh cost and energy providers, so one is written only when the card
    states the energy; the provider is then recorded as unknown (an empty organisation, source `unknown`)
    rather than guessed. Emissions without energy stay properties, never an invented kWh figure.
    """
    notes = [{"name": f"opencheck:co2_eq_emissions:{k}", "value": v} for k, v in facts.co2_notes.items()]
    sources = [{"name": f"opencheck:{what}:source", "value": f"{figure.provenance.describe()} (stated as "
                f"{figure.stated})"} for what, figure in (("energy", facts.energy), ("co2", facts.co2)) if figure]
    if facts.energy is not None:
        kwh = {"value": _measure(facts.energy.value), "unit": "kWh"}
        entry: dict[str, Any] = {
            "activity": facts.activity,
            "energyProviders": [{"organization": {}, "energySource": "unknown", "energyProvided": dict(kwh)}],
            "activityEnergyCost": kwh,
        }
        if facts.co2 is not None:
            entry["co2CostEquivalent"] = {"value": _measure(facts.co2.value), "unit": "tCO2eq"}
        entry["properties"] = sources + notes
        return {"energyConsumptions": [entry]}
    if facts.co2 is not None:
        return {"properties": [{"name": "opencheck:co2_eq_emissions:tCO2eq", "value": decimal_text(facts.co2.value)},
                               *sources, *notes]}
    return {}


def _timestamp(timestamp: str) -> datetime:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def cyclonedx_document(facts: ModelFacts, timestamp: str) -> dict[str, Any]:
    """The CycloneDX 1.6 document as a JSON-ready mapping."""
    from uuid import UUID

    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.dependency import Dependency
    from cyclonedx.model.tool import ToolRepository
    from cyclonedx.output.json import JsonV1Dot6

    model = _model_component(facts)
    data = [_data_component(ds) for ds in facts.datasets]
    tools = ToolRepository(components=[Component(type=ComponentType.APPLICATION, name=TOOL_NAME,
                                                 version=__version__)])
    bom = Bom(
        serial_number=UUID(stable_uuid("cyclonedx", facts.key)),
        metadata=BomMetaData(tools=tools, timestamp=_timestamp(timestamp), component=model),
        components=data,
    )
    bom.dependencies.add(Dependency(ref=model.bom_ref, dependencies=[Dependency(ref=c.bom_ref) for c in data]))
    for comp in data:
        bom.dependencies.add(Dependency(ref=comp.bom_ref))
    doc: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    card = _model_card(facts)
    if card:
        doc["metadata"]["component"]["modelCard"] = card
    by_ref = {ds_ref: ds for ds_ref, ds in ((_dataset_ref(d), d) for d in facts.datasets)}
    for comp in doc.get("components", []):
        ds = by_ref.get(comp.get("bom-ref"))
        if ds is not None:
            entry: dict[str, Any] = {"type": "dataset", "name": ds.id}
            if ds.url:
                entry["contents"] = {"url": ds.url}
            comp["data"] = [entry]
    return doc


def cyclonedx_json(facts: ModelFacts, timestamp: str) -> str:
    """The CycloneDX 1.6 document as deterministic JSON text."""
    return json.dumps(cyclonedx_document(facts, timestamp), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
