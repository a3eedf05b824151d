"""The data family: training datasets (shipped files or named datasets, with their cards' licences) and metadata."""

from __future__ import annotations

from opencheck.detect.components.base import ComponentBuilder, config_file, file_provenance, folders
from opencheck.evidence import Evidence, FileKind, Provenance

_DATA_SUFFIXES = (".jsonl", ".json", ".parquet", ".arrow", ".csv", ".tsv", ".jsonl.gz", ".jsonl.zst", ".json.gz",
                  ".txt.gz", ".zst")
_DATA_DIRS = frozenset({"data", "dataset", "datasets", "training_data", "corpus"})
_DATA_KINDS = (FileKind.OTHER, FileKind.DOCUMENT, FileKind.TRAINING_CONFIG)


def _datasets(evidence: Evidence, built: ComponentBuilder) -> None:
    # Only the files of the kinds data can be (from the index of kinds), in path order, are looked at.
    data_files = [f for f in evidence.files_of(*_DATA_KINDS)
                  if f.path.lower().endswith(_DATA_SUFFIXES) and any(d in _DATA_DIRS for d in folders(f.path))]
    if data_files:
        built.present("Datasets", file_provenance(data_files, "data file in the repository")
                      + [p for _, p in evidence.datasets])
    elif evidence.datasets:
        built.present("Datasets", [Provenance(file=p.file, line=p.line, key=p.key, url=p.url, note=name)
                                   for name, p in evidence.datasets], shipped=False)
        licences = [s for name, _ in evidence.datasets for s in evidence.dataset_licences.get(name, [])]
        if licences:
            from opencheck.licenses.classify import classify

            # The data is only as open as its least open known part: FineWeb-Edu's ODC-By beside The Stack's terms
            # of use does not make the training data open.
            closed = [s for s in licences if not classify(s.raw).is_open]
            built.result["Datasets"].licence = (closed or licences)[0]
    else:
        built.missing("Datasets", usually_elsewhere=True, note="no named datasets and no data files")


def _metadata(evidence: Evidence, built: ComponentBuilder) -> None:
    card = evidence.card
    where: list[Provenance] = []
    if evidence.config:
        where.append(Provenance(file=config_file(evidence), key="config", note="model configuration"))
    where += file_provenance([f for f in evidence.files_of(FileKind.CONFIG) if f.path != "config.json"])
    if card is not None and card.metadata:
        where.append(Provenance(file=card.path, line=min(card.metadata_lines.values(), default=None),
                                note="model card front matter"))
    if where:
        built.present("Model metadata", where)
    else:
        built.missing("Model metadata", usually_elsewhere=False, note="no config.json or card front matter")


def detect_data(evidence: Evidence, built: ComponentBuilder) -> None:
    """Datasets and model metadata."""
    _datasets(evidence, built)
    _metadata(evidence, built)
