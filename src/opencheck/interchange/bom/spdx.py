"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, written as plain JSON (no SPDX library needed).

Unknown facts are left out, and unknown licences point to `NoAssertionLicense`, as SPDX prescribes. The
AI profile's restrictions ask for `suppliedBy`, `releaseTime`, `software_downloadLocation` and
`software_packageVersion`; SPDX 3 has no "no assertion" value for those, so they are omitted when the evidence
does not state them (e.g. a local folder without a commit) rather than invented.
"""

from __future__ import annotations

import json
from typing import Any

from opencheck import __version__
from opencheck.evidence import decimal_text
from opencheck.interchange.bom.common import TOOL_NAME, Dataset, Licence, ModelFacts, stable_uuid

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
CREATION_INFO = "_:creationinfo"
NO_ASSERTION_LICENSE = "expandedlicensing_NoAssertionLicense"
PROFILES = ["core", "software", "simpleLicensing", "ai", "dataset"]


class _Graph:
    """Collects elements with ids derived from the document namespace (deterministic)."""

    def __init__(self, facts: ModelFacts) -> None:
        self.ns = f"https://opencheck.dev/spdxdocs/{stable_uuid('spdx', facts.key)}#"
        self.elements: list[dict[str, Any]] = []
        self.licences: dict[str, str] = {}  # expression -> element id
        self.relationships = 0

    def id(self, local: str) -> str:
        return f"{self.ns}{local}"

    def add(self, element: dict[str, Any]) -> str:
        element.setdefault("creationInfo", CREATION_INFO)
        self.elements.append(element)
        return str(element["spdxId"])

    def relate(self, source: str, kind: str, targets: list[str], comment: str | None = None) -> None:
        if not targets:
            return
        self.relationships += 1
        rel: dict[str, Any] = {"type": "Relationship", "spdxId": self.id(f"relationship-{self.relationships}"),
                               "from": source, "relationshipType": kind, "to": targets}
        if comment:
            rel["comment"] = comment
        self.add(rel)

    def licence(self, licences: list[Licence] | tuple[Licence, ...]) -> str:
        """The element for a declared licence: a LicenseExpression, or NoAssertionLicense when unknown."""
        known = [lic for lic in licences if lic.expression]
        if not known or len(known) != len(licences):
            return NO_ASSERTION_LICENSE
        parts = [lic.expression or "" for lic in known]
        expression = parts[0] if len(parts) == 1 else " AND ".join(
            f"({p})" if " " in p else p for p in parts)
        if expression in self.licences:
            return self.licences[expression]
        element: dict[str, Any] = {"type": "simplelicensing_LicenseExpression",
                                   "spdxId": self.id(f"license-{len(self.licences) + 1}"),
                                   "simplelicensing_licenseExpression": expression}
        custom = [{"type": "DictionaryEntry", "key": lic.expression, "value": lic.url} for lic in known
                  if lic.expression and lic.expression.startswith("LicenseRef-") and lic.url]
        if custom:
            element["simplelicensing_customIdToUri"] = custom
        self.licences[expression] = self.add(element)
        return self.licences[expression]


def _training_information(facts: ModelFacts) -> str:
    """What the AI profile has no property for, as text: emissions (energyQuantity is energy, not CO2), approach."""
    parts = []
    if facts.co2 is not None:
        notes = "; ".join(f"{k}: {v}" for k, v in facts.co2_notes.items())
        parts.append(f"{facts.activity} emissions: {decimal_text(facts.co2.value)} tCO2eq, stated at "
                     f"{facts.co2.provenance.describe()} as {facts.co2.stated}" + (f"; {notes}" if notes else ""))
    if facts.energy is not None:
        parts.append(f"{facts.activity} energy: {decimal_text(facts.energy.value)} kWh, stated at "
                     f"{facts.energy.provenance.describe()} as {facts.energy.stated}")
    if facts.approach:
        parts.append(f"learning approach: {facts.approach} ({facts.approach_source})")
    return "\n".join(parts)


def _dataset(graph: _Graph, ds: Dataset, index: int) -> str:
    element: dict[str, Any] = {
        "type": "dataset_DatasetPackage",
        "spdxId": graph.id(f"dataset-{index}"),
        "name": ds.id,
        "software_primaryPurpose": "data",
        "dataset_datasetType": ["noAssertion"],  # the evidence never states the kind of data
    }
    if ds.url:
        element["software_downloadLocation"] = ds.url
    ident = graph.add(element)
    graph.relate(ident, "hasDeclaredLicense", [graph.licence(ds.licences)])
    graph.relate(ident, "hasConcludedLicense", [NO_ASSERTION_LICENSE])
    return ident


def _model_element(graph: _Graph, facts: ModelFacts, supplier: str | None) -> dict[str, Any]:
    model: dict[str, Any] = {"type": "ai_AIPackage", "spdxId": graph.id("model"), "name": facts.name,
                             "software_primaryPurpose": "model"}
    if facts.version:
        model["software_packageVersion"] = facts.version
    if facts.download_location:
        model["software_downloadLocation"] = facts.download_location
    if facts.homepage:
        model["software_homePage"] = facts.homepage
    if facts.purl:
        model["software_packageUrl"] = facts.purl
    if supplier:
        model["suppliedBy"] = supplier
    if facts.release_time:
        model["releaseTime"] = facts.release_time
    if facts.created_time:
        model["builtTime"] = facts.created_time
    types = [t for t in (facts.architecture, facts.model_type) if t]
    if types:
        model["ai_typeOfModel"] = types
    if facts.task:
        model["ai_domain"] = [facts.task]
    if facts.use_cases:
        model["ai_informationAboutApplication"] = "\n\n".join(facts.use_cases)
    if facts.limitations:
        model["ai_limitation"] = "\n\n".join(facts.limitations)
    if facts.hyperparameters:
        model["ai_hyperparameter"] = [{"type": "DictionaryEntry", "key": name, "value": f"documented at {where}"}
                                      for name, where in facts.hyperparameters]
    if facts.metrics:
        model["ai_metric"] = [{"type": "DictionaryEntry",
                               "key": "/".join(x for x in (m.dataset, m.split, m.type) if x), "value": m.value}
                              for m in facts.metrics]
    if facts.energy is not None:
        kind = "ai_finetuningEnergyConsumption" if facts.activity == "fine-tuning" else "ai_trainingEnergyConsumption"
        model["ai_energyConsumption"] = {"type": "ai_EnergyConsumption", kind: [{
            "type": "ai_EnergyConsumptionDescription", "ai_energyQuantity": decimal_text(facts.energy.value),
            "ai_energyUnit": "kilowattHour"}]}
    training = _training_information(facts)
    if training:
        model["ai_informationAboutTraining"] = training
    refs = [{"type": "ExternalRef", "externalRefType": "documentation" if kind != "model-card" else "other",
             "locator": [url], "comment": kind}
            for kind, url in facts.documentation if url.startswith(("http://", "https://"))]
    refs += [{"type": "ExternalRef", "externalRefType": "vcs", "locator": [url]} for url in facts.vcs]
    if refs:
        model["externalRef"] = refs
    if len(facts.files) == 1:
        model["verifiedUsing"] = [{"type": "Hash", "algorithm": "sha256", "hashValue": facts.files[0][1]}]
    return model


def spdx_document(facts: ModelFacts, timestamp: str) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document as a JSON-ready mapping."""
    graph = _Graph(facts)
    creation = {"type": "CreationInfo", "@id": CREATION_INFO, "specVersion": SPEC_VERSION, "created": timestamp,
                "createdBy": [graph.id("opencheck")], "createdUsing": [graph.id("opencheck-tool")]}
    graph.add({"type": "SoftwareAgent", "spdxId": graph.id("opencheck"), "name": TOOL_NAME})
    graph.add({"type": "Tool", "spdxId": graph.id("opencheck-tool"), "name": f"{TOOL_NAME} {__version__}"})
    supplier = None
    if facts.supplier:
        supplier = graph.add({"type": "Organization", "spdxId": graph.id("supplier"), "name": facts.supplier})
    model = _model_element(graph, facts, supplier)
    model_id = graph.add(model)
    graph.relate(model_id, "hasDeclaredLicense", [graph.licence(facts.licences)])
    # opencheck states what it found, not a legal conclusion.
    graph.relate(model_id, "hasConcludedLicense", [NO_ASSERTION_LICENSE])
    trained = [_dataset(graph, ds, i) for i, ds in enumerate(facts.datasets, 1) if ds.role == "training"]
    tested = [_dataset(graph, ds, i) for i, ds in enumerate(facts.datasets, 1) if ds.role == "evaluation"]
    graph.relate(model_id, "trainedOn", trained)
    graph.relate(model_id, "testedOn", tested)
    bases = []
    for i, base in enumerate(facts.base_models, 1):
        element: dict[str, Any] = {"type": "ai_AIPackage", "spdxId": graph.id(f"base-model-{i}"), "name": base,
                                   "software_primaryPurpose": "model"}
        if "/" in base:
            element["software_packageUrl"] = f"pkg:huggingface/{base}"
        bases.append(graph.add(element))
        # The AI profile wants one declared and one concluded licence on every AIPackage; the base model's
        # licence is not part of this evidence.
        graph.relate(bases[-1], "hasDeclaredLicense", [NO_ASSERTION_LICENSE])
        graph.relate(bases[-1], "hasConcludedLicense", [NO_ASSERTION_LICENSE])
    graph.relate(model_id, "descendantOf", bases, comment=facts.base_model_relation)
    files = []
    if len(facts.files) > 1:
        for i, (path, sha, _size) in enumerate(facts.files, 1):
            files.append(graph.add({"type": "software_File", "spdxId": graph.id(f"file-{i}"), "name": path,
                                    "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": sha}]}))
    graph.relate(model_id, "hasDistributionArtifact", files)
    document = {"type": "SpdxDocument", "spdxId": graph.id("document"), "creationInfo": CREATION_INFO,
                "name": f"AI BOM of {facts.name}", "profileConformance": PROFILES,
                "rootElement": [model_id],
                "element": sorted(str(e["spdxId"]) for e in graph.elements if e["type"] != "SpdxDocument")}
    graph.elements.append(document)
    return {"@context": CONTEXT, "@graph": [creation, *graph.elements]}


def spdx_json(facts: ModelFacts, timestamp: str) -> str:
    """The SPDX 3.0.1 document as deterministic JSON text."""
    return json.dumps(spdx_document(facts, timestamp), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
