"""Read, validate and index a folder of curated references; regenerate the shipped index.

A reference folder holds `sources.json` (where each set came from: repository, commit, date, licence),
`mot/models/*.yml` (MOT manifests), `osai/projects/*.yaml` (Opening up ChatGPT assessments), each set's `LICENSE`,
and `index.json`, which this module builds from the rest. `python -m opencheck.references.build` rewrites the
shipped `index.json`; a test checks it is current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from opencheck.errors import ConfigError
from opencheck.references.keys import hub_id, name_key

INDEX_FORMAT: Final = 1
MOT_FOLDER: Final = ("mot", "models")
OSAI_FOLDER: Final = ("osai", "projects")
# The index's 14 features, by group, in the order its tables show them.
OSAI_DIMENSIONS: Final[tuple[tuple[str, str, str], ...]] = (
    ("availability", "opencode", "Open code"),
    ("availability", "llmdata", "LLM data"),
    ("availability", "llmweights", "LLM weights"),
    ("availability", "rldata", "RL data"),
    ("availability", "rlweights", "RL weights"),
    ("availability", "license", "Licence"),
    ("documentation", "code", "Code documentation"),
    ("documentation", "architecture", "Architecture"),
    ("documentation", "preprint", "Preprint"),
    ("documentation", "paper", "Paper"),
    ("documentation", "modelcard", "Model card"),
    ("documentation", "datasheet", "Datasheet"),
    ("access", "package", "Package"),
    ("access", "api", "API"),
)
OSAI_CLASSES: Final = ("open", "partial", "closed")
_TEMPLATES: Final = frozenset({"a_sample.yaml", "_sample.yaml", "a_submission_template.yaml"})


def _read_yaml(path: Path, shown: str) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None


def read_mot(path: Path, shown: str | None = None) -> dict[str, Any]:
    """One MOT manifest, validated the way MOT's evaluator reads it; ConfigError naming the file otherwise."""
    from opencheck.mot import evaluate_manifest

    shown = shown or str(path)
    doc = _read_yaml(path, shown)
    if not isinstance(doc, dict) or not isinstance(doc.get("release"), dict):
        raise ConfigError(f"{shown}: not a MOT manifest (expected a mapping with a 'release' mapping)")
    release = doc["release"]
    if not isinstance(release.get("name"), str) or not release["name"].strip():
        raise ConfigError(f"{shown}: release.name must be a non-empty string")
    for key in ("producer", "huggingface", "repository", "date"):
        if release.get(key) is not None and not isinstance(release[key], str):
            raise ConfigError(f"{shown}: release.{key} must be a string")
    try:
        evaluate_manifest(doc)
    except ConfigError as exc:
        raise ConfigError(f"{shown}: {exc}") from None
    return doc


def read_osai(path: Path, shown: str | None = None) -> dict[str, Any]:
    """One Opening up ChatGPT assessment, validated; ConfigError naming the file otherwise."""
    shown = shown or str(path)
    doc = _read_yaml(path, shown)
    if not isinstance(doc, dict) or not isinstance(doc.get("project"), dict):
        raise ConfigError(f"{shown}: not an index assessment (expected a mapping with a 'project' mapping)")
    if doc["project"].get("name") is not None and not isinstance(doc["project"]["name"], str):
        raise ConfigError(f"{shown}: project.name must be a string")
    if doc.get("org") is not None and not isinstance(doc["org"], dict):
        raise ConfigError(f"{shown}: org must be a mapping")
    for _group, key, _title in OSAI_DIMENSIONS:
        block = doc.get(key)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise ConfigError(f"{shown}: {key} must be a mapping with a 'class'")
        klass = block.get("class")
        if klass not in (None, "") and (not isinstance(klass, str) or klass.strip() not in OSAI_CLASSES):
            raise ConfigError(f"{shown}: {key}.class must be open, partial or closed, not {klass!r}")
    return doc


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                   and p.name.lower() not in _TEMPLATES), key=lambda p: p.name)


def mot_record(doc: dict[str, Any], rel: str) -> dict[str, Any]:
    """The index entry of one MOT manifest."""
    release = doc["release"]
    hub = hub_id(release.get("huggingface"))
    return {"source": "mot", "file": rel, "name": release["name"].strip(),
            "producer": (release.get("producer") or "").strip(), "hub": [hub] if hub else [], "base_hub": [],
            "key": name_key(release["name"], release.get("producer"))}


def osai_record(doc: dict[str, Any], rel: str) -> dict[str, Any]:
    """The index entry of one assessment: the system's own Hub ids, and its base model's (`llmweights`)."""
    project, org = doc["project"], doc.get("org") or {}

    def link(key: str) -> str | None:
        block = doc.get(key)
        return hub_id(block.get("link")) if isinstance(block, dict) else None

    own = sorted({h for h in (hub_id(project.get("link")), link("rlweights")) if h})
    base = sorted({h for h in (link("llmweights"),) if h and h not in own})
    # A few assessments leave the name empty (a tool rather than a model): the file name stands in.
    name = (project.get("name") or "").strip() or Path(rel).stem
    return {"source": "osai", "file": rel, "name": name,
            "producer": (org.get("name") or "").strip() if isinstance(org.get("name"), str) else "",
            "hub": own, "base_hub": base, "key": name_key(name, org.get("name"))}


def read_sources(root: Path) -> dict[str, Any]:
    """`sources.json` of a reference folder."""
    path = root / "sources.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the reference sources: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of reference sets")
    return data


def build_index(root: Path) -> dict[str, Any]:
    """The index of a reference folder, every file validated (the first bad one raises ConfigError)."""
    records: list[dict[str, Any]] = []
    sources = read_sources(root)
    counts: dict[str, int] = {}
    for source, parts, suffixes, reader, recorder in (
            ("mot", MOT_FOLDER, (".yml", ".yaml"), read_mot, mot_record),
            ("osai", OSAI_FOLDER, (".yaml", ".yml"), read_osai, osai_record)):
        folder = root.joinpath(*parts)
        if not folder.is_dir():
            continue
        found = _files(folder, suffixes)
        counts[source] = len(found)
        for path in found:
            rel = "/".join((*parts, path.name))
            records.append(recorder(reader(path, rel), rel))  # type: ignore[operator]
    return {"format": INDEX_FORMAT,
            "sources": {k: {**v, "records": counts.get(k, 0)} for k, v in sorted(sources.items()) if k in counts},
            "records": records}


def index_text(index: dict[str, Any]) -> str:
    """The index as written to `index.json`: compact, one record a line, deterministic."""
    head = json.dumps({"format": index["format"], "sources": index["sources"]}, sort_keys=True, ensure_ascii=False)
    lines = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in index["records"]]
    return head[:-1] + ', "records": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    """Rewrite the shipped index from the shipped reference files."""
    from opencheck._resources import rules_dir

    root = rules_dir() / "references"  # the shipped copy (store.packaged_root; build is what store reads with)
    (root / "index.json").write_text(index_text(build_index(root)), encoding="utf-8")


if __name__ == "__main__":
    main()
