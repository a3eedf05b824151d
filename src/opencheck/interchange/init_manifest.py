"""`opencheck init`: a starting `opencheck.yaml` (MOT's manifest format) pre-filled from detected evidence.

Components opencheck found become entries (licence normalised to an SPDX id, path or URL as component_path);
each component it could not establish appears as a commented-out entry with a TODO saying what evidence would
satisfy it, so the file stays valid against both opencheck's and MOT's schema. The text depends only on the
evidence, so a second run on an unchanged folder writes the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from opencheck.evidence import ComponentEvidence, ComponentStatus, Evidence, FileKind, Provenance, TargetKind
from opencheck.mot import MOT_COMPONENTS
from opencheck.mot.from_evidence import FRAMEWORK

# What evidence would establish each MOF component (shown next to its TODO).
SATISFIED_BY: dict[str, str] = {
    "Model architecture": "a config.json / model code describing the architecture",
    "Model parameters (Final)": "the final weights (e.g. model.safetensors) in the release",
    "Technical report": "a technical report file (e.g. technical_report.md or .pdf) or a link to one",
    "Evaluation results": "a model-index in the card, an eval results file or an Evaluation section with results",
    "Model card": "a README.md model card describing the model",
    "Data card": "a data card (DATA_CARD.md) or a Training Data section describing the datasets",
    "Sample model outputs": "a Sample Outputs section or file with example generations",
    "Training code": "the training code (e.g. train.py) or a link to its repository",
    "Inference code": "inference code (e.g. inference.py) or a supported library (library_name in the card)",
    "Evaluation code": "the evaluation code (e.g. evaluate.py) or a link to its repository",
    "Evaluation data": "the evaluation datasets, named in the card's model-index or released with the model",
    "Supporting libraries and tools": "the libraries and tools used (e.g. requirements.txt) or links to them",
    "Datasets": "the training datasets, named in the card (`datasets:`) or released with the model",
    "Data preprocessing code": "the data preprocessing code (e.g. preprocess_data.py) or a link to it",
    "Model parameters (Intermediate)": "intermediate checkpoints (checkpoint folders or step branches)",
    "Research paper": "a research paper (an arXiv link or tag, or a paper file)",
    "Model metadata": "machine-readable metadata such as config.json or card front matter",
}

# Hub pipeline tags whose MOT `release.type` is unambiguous.
PIPELINE_TYPES: dict[str, str] = {
    "text-generation": "language", "text2text-generation": "language", "fill-mask": "language",
    "translation": "language", "summarization": "language", "question-answering": "language",
    "text-classification": "language", "token-classification": "language",
    "image-classification": "vision", "object-detection": "vision", "image-segmentation": "vision",
    "text-to-image": "image", "image-to-image": "image", "unconditional-image-generation": "image",
    "automatic-speech-recognition": "audio", "text-to-speech": "audio", "audio-classification": "audio",
    "text-to-audio": "audio", "text-to-video": "video", "image-text-to-text": "multimodal",
    "visual-question-answering": "multimodal",
}

HEADER = (
    "# Openness manifest in MOT format (Model Openness Framework 1.0), written by `opencheck init`.\n"
    "# opencheck pre-filled it from what it detected: check every entry, fix what is wrong, then replace each\n"
    "# TODO by a real entry (uncomment it and fill it in) or delete it. `opencheck check .` reads this file.\n"
)
_PLAIN = re.compile(r"^[A-Za-z0-9_./()+][A-Za-z0-9 _./()+,@=-]*$")


def scalar(value: Any) -> str:
    """One YAML scalar: plain when that reads back identically, else a JSON (double-quoted) string."""
    if value is None:
        return "null"
    text = str(value)
    if _PLAIN.match(text) and not text.endswith(" ") and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str) -> str:
    clean = " ".join(text.split())
    return f"{indent}# {clean}\n"


def _spdx(raw: str) -> str | None:
    from opencheck.licenses import normalise

    return normalise(raw).expression


def _usable_file(evidence: Evidence, path: str) -> bool:
    files = {f.path for f in evidence.files}
    return path in files or any(f.startswith(path.rstrip("/") + "/") for f in files)


def _location(evidence: Evidence, prov: Provenance) -> str | None:
    """A component_path for one piece of evidence: a URL, or a file path (a Hub URL for Hub targets)."""
    if prov.url and prov.url.startswith(("http://", "https://")):
        return prov.url
    if prov.file and _usable_file(evidence, prov.file):
        if evidence.target.kind == TargetKind.HUB and evidence.hub.get("url"):
            return f"{evidence.hub['url']}/blob/{evidence.hub.get('sha') or 'main'}/{prov.file}"
        return prov.file
    return None


def _path_for(evidence: Evidence, comp: ComponentEvidence) -> str | None:
    if comp.name == "Datasets":
        # The dataset's own page says more than the card line that names it.
        names = [name for name, _ in evidence.datasets]
        for link in evidence.links:
            if link.kind == "dataset" and any(link.url.rstrip("/").endswith(f"/{n}") for n in names):
                return link.url
    for prov in comp.evidence:
        where = _location(evidence, prov)
        if where:
            return where
    return None


def _description(comp: ComponentEvidence) -> str:
    for prov in comp.evidence:
        if prov.note:
            return f"detected: {prov.note}"[:200]
    return "detected by opencheck"


def _release_fields(evidence: Evidence) -> list[str]:
    """`release` lines above the components, with TODO comments for facts the evidence does not give."""
    meta = evidence.card.metadata if evidence.card else {}
    lines = [f"  name: {scalar(evidence.target.id)}\n"]
    producer = evidence.target.id.split("/")[0] if evidence.target.kind == TargetKind.HUB else ""
    if not producer:
        lines.append("  # TODO: who released the model (an organisation or person); MOT requires `producer`.\n")
    lines.append(f"  producer: {scalar(producer)}\n")
    if evidence.target.resolved_sha:
        lines.append(f"  version: {scalar(evidence.target.resolved_sha)}\n")
    else:
        lines.append("  # version: ''  # TODO: the release version, e.g. 7B or v1.0\n")
    lines.append("  # date: ''  # TODO: the release date, YYYY-MM-DD\n")
    pipeline = evidence.hub.get("pipeline_tag") or meta.get("pipeline_tag")
    mot_type = PIPELINE_TYPES.get(pipeline) if isinstance(pipeline, str) else None
    if mot_type:
        lines.append(f"  type: {scalar(mot_type)}  # from pipeline_tag {pipeline}\n")
    else:
        lines.append("  # type: ''  # TODO: language, vision, image, audio, video, 3d, code, multimodal or other\n")
    archs = evidence.config.get("architectures")
    hint = f"; config.json says {', '.join(map(str, archs))}" if isinstance(archs, list) and archs else ""
    lines.append(f"  # architecture: ''  # TODO: e.g. transformer decoder, diffusion, other{hint}\n")
    from opencheck.detect.repo_roles import own_repository_links

    # The model's own repository, never a toolkit the card says it was evaluated or served with.
    repo = next((link.url for link in own_repository_links(evidence) if link.url.startswith(("http://", "https://"))),
                None)
    if repo:
        lines.append(f"  repository: {scalar(repo)}\n")
    if evidence.target.kind == TargetKind.HUB and evidence.hub.get("url"):
        lines.append(f"  huggingface: {scalar(evidence.hub['url'])}\n")
    lines.extend(_licence_block(evidence))
    return lines


def _licence_block(evidence: Evidence) -> list[str]:
    meta = evidence.card.metadata if evidence.card else {}
    raw = meta.get("license") if isinstance(meta.get("license"), str) else None
    if raw is None:
        raw = next((s.raw for s in evidence.licences if s.scope == "repository"), None)
    spdx = _spdx(raw) if raw else None
    licence_file = next((f.path for f in evidence.files_of(FileKind.LICENSE)), None)
    if not spdx:
        why = f"{raw!r} is not a known licence" if raw else "no licence was found"
        return [f"  # TODO: {why}; state the release licence as an SPDX id, e.g.\n",
                "  #   distribution: {name: Apache-2.0, path: LICENSE}\n",
                "  license: {}\n"]
    lines = ["  license:\n", f"    distribution: {{name: {scalar(spdx)}"]
    lines[-1] += f", path: {scalar(licence_file)}}}\n" if licence_file else "}\n"
    if spdx != raw:
        lines.insert(0, f"  # licence stated as {scalar(raw)}, written in its SPDX form\n")
    return lines


def _component_lines(evidence: Evidence, comp: ComponentEvidence) -> list[str]:
    lines: list[str] = []
    for prov in comp.evidence[:3]:
        lines.append(_comment(f"evidence: {prov.describe()}", "    "))
    lines.append(f"    - name: {scalar(comp.name)}\n")
    lines.append(f"      description: {scalar(_description(comp))}\n")
    spdx = _spdx(comp.licence.raw) if comp.licence else None
    if spdx:
        lines.append(f"      license: {scalar(spdx)}\n")
    else:
        why = f"licence {comp.licence.raw!r} is not a known licence" if comp.licence else "no licence found"
        lines.append(f"      # TODO: {why}; replace `unlicensed` by the component's SPDX licence id\n")
        lines.append("      license: unlicensed\n")
    path = _path_for(evidence, comp)
    if path:
        lines.append(f"      component_path: {scalar(path)}\n")
    return lines


def _todo_lines(comp: ComponentEvidence, required: bool, klass: int) -> list[str]:
    kind = "required" if required else "optional"
    roman = {3: "III", 2: "II", 1: "I"}[klass]
    lines = [f"    # TODO: {comp.name} ({kind}, Class {roman}) was not established.\n",
             _comment(f"Evidence that would satisfy it: {SATISFIED_BY.get(comp.name, 'a released artefact')}.",
                      "    ")]
    if comp.evidence and comp.evidence[0].note:
        lines.append(_comment(f"opencheck found: {comp.evidence[0].note}", "    "))
    lines += [f"    # - name: {scalar(comp.name)}\n",
              "    #   description: ''\n",
              "    #   license: ''  # SPDX id\n",
              "    #   component_path: ''  # file path or URL\n"]
    return lines


def init_manifest_text(evidence: Evidence) -> str:
    """The `opencheck.yaml` text for detected evidence (declared facts are ignored on purpose)."""
    out = [HEADER, "framework:\n"]
    out += [f"  {key}: {scalar(value)}\n" for key, value in FRAMEWORK.items()]
    out.append("release:\n")
    out += _release_fields(evidence)
    present = [c for c in MOT_COMPONENTS
               if (comp := evidence.components.get(c.name)) and comp.status == ComponentStatus.PRESENT]
    out.append("  components:" + (" []\n" if not present else "\n"))
    for mc in MOT_COMPONENTS:
        comp = evidence.components.get(mc.name) or ComponentEvidence(name=mc.name)
        if comp.status == ComponentStatus.PRESENT:
            out += _component_lines(evidence, comp)
        else:
            out += _todo_lines(comp, mc.required, mc.klass)
    return "".join(out)
