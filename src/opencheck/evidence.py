"""The evidence record: every fact a source found about a model, each with where it came from.

Sources (local folder, manifest, Hugging Face Hub, git) fill one `Evidence`; rules only read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

from opencheck.file_index import FilesCache, in_path_order, index_by_kind

_T = TypeVar("_T")


class TargetKind(str, Enum):
    """What kind of thing was checked."""

    LOCAL = "local"
    MANIFEST = "manifest"
    HUB = "hf"
    GIT = "git"


class ComponentStatus(str, Enum):
    """Whether a MOF component was found."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class FileKind(str, Enum):
    """Classification of a repository file."""

    WEIGHTS = "weights"
    WEIGHTS_INDEX = "weights-index"
    CONFIG = "config"
    TRAINING_CONFIG = "training-config"
    TOKENIZER = "tokenizer"
    CODE = "code"
    LICENSE = "license"
    MODEL_CARD = "model-card"
    DATA_CARD = "data-card"
    DOCUMENT = "document"
    PAPER = "paper"
    EVAL_RESULTS = "eval-results"
    CHECKPOINT = "checkpoint"
    MANIFEST = "manifest"
    OTHER = "other"


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: a file and line, a metadata key, or a URL."""

    file: str | None = None
    line: int | None = None
    key: str | None = None
    url: str | None = None
    note: str | None = None

    def sort_key(self) -> tuple[tuple[bool, Any], ...]:
        """A total order: an empty field sorts before a set one (None and str never compare directly)."""
        return tuple((value is not None, value if value is not None else 0 if name == "line" else "")
                     for name, value in (("file", self.file), ("line", self.line), ("key", self.key),
                                         ("url", self.url), ("note", self.note)))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Provenance):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Provenance):
            return NotImplemented
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Provenance):
            return NotImplemented
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Provenance):
            return NotImplemented
        return self.sort_key() >= other.sort_key()

    def describe(self) -> str:
        """Human-readable locator such as `README.md:3 (license)`."""
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.key:
            parts.append(f"[{self.key}]" if parts else self.key)
        if self.url:
            parts.append(f"<{self.url}>" if parts else self.url)
        text = " ".join(parts)
        if not text:
            return self.note or "(no location)"
        return f"{text}: {self.note}" if self.note else text

    def to_dict(self) -> dict[str, Any]:
        """Mapping without empty fields."""
        return {k: v for k, v in (("file", self.file), ("line", self.line), ("key", self.key),
                                  ("url", self.url), ("note", self.note)) if v is not None}


@dataclass(frozen=True)
class LicenceStatement:
    """A licence as some source stated it, before or after normalisation."""

    raw: str
    provenance: Provenance
    scope: str = "repository"  # repository | code | data | document | weights | <component name>
    origin: str = "detected"  # detected | declared


@dataclass(frozen=True)
class FileEntry:
    """One file of the checked repository."""

    path: str  # POSIX, relative to the target root
    size: int
    kind: FileKind
    sha256: str | None = None  # from Hub LFS metadata when known


@dataclass(frozen=True)
class LfsPointer:
    """A Git LFS pointer file: the published file's sha256 and size, whose content is not in this checkout."""

    oid: str  # sha256 hex of the real content
    size: int  # bytes of the real content

    def describe(self) -> str:
        """The sentence every finding about such a file carries."""
        return f"published through Git LFS; content not in this checkout (oid sha256:{self.oid}, {self.size:,} bytes)"


def with_lfs_note(provenance: Provenance, pointers: dict[str, LfsPointer]) -> Provenance:
    """The provenance, saying "published through Git LFS …" when it names a pointer file (once)."""
    found = pointers.get(provenance.file) if provenance.file else None
    if found is None or "Git LFS" in (provenance.note or ""):
        return provenance
    note = f"{provenance.note}; {found.describe()}" if provenance.note else found.describe()
    return replace(provenance, note=note)


@dataclass(frozen=True)
class ParsedConfig:
    """A training configuration file as read (YAML or JSON), for the hyperparameter detector."""

    path: str
    data: Any
    line_of: Callable[[tuple[str | int, ...]], int | None] | None = None  # key path -> line in the file


@dataclass(frozen=True)
class Section:
    """A Markdown section of a card, with the line its heading is on."""

    title: str
    level: int
    line: int
    text: str
    placeholder: bool = False


@dataclass
class ModelCard:
    """A parsed README / model card."""

    path: str
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> line in the file
    sections: list[Section] = field(default_factory=list)
    body_start_line: int = 1
    text: str = ""

    def key_provenance(self, key: str) -> Provenance:
        """Provenance of a top-level front-matter key."""
        return Provenance(file=self.path, line=self.metadata_lines.get(key), key=key)


@dataclass(frozen=True)
class Link:
    """A URL found in a card or metadata, with what it probably points at."""

    url: str
    kind: str  # paper | code-repository | dataset | technical-report | license | other
    provenance: Provenance
    text: str = ""


@dataclass
class ComponentEvidence:
    """What is known about one MOF component."""

    name: str
    status: ComponentStatus = ComponentStatus.UNKNOWN
    licence: LicenceStatement | None = None
    evidence: list[Provenance] = field(default_factory=list)
    origin: str = "detected"  # detected | declared | both


@dataclass(frozen=True)
class Problem:
    """A non-fatal problem met while collecting evidence; it becomes a finding."""

    code: str  # e.g. front-matter-invalid, file-unreadable, symlink-outside
    message: str
    provenance: Provenance
    severity: str = "warning"


# The optional look-ups, in the order reports list them.
LOOKUP_NAMES = ("refs", "datasets", "github", "arxiv", "documents")
# Problems that say an optional look-up got no answer (its facts are unknown; the repository itself read fine).
LOOKUP_PROBLEM_CODES = frozenset({"hub-refs-unavailable", "dataset-unavailable", "github-unavailable",
                                  "arxiv-unavailable", "document-unavailable"})


@dataclass(frozen=True)
class LookupFailure:
    """One optional look-up request that got no usable answer: the facts it would give are unknown, not false."""

    lookup: str  # refs | datasets | github
    subject: str  # the repository, dataset or branch list asked about
    message: str  # one line: why (refused, timed out, rate limited, HTTP 500, invalid JSON, ...)


@dataclass
class GitInfo:
    """Facts from a git work tree."""

    commit: str | None = None
    dirty: bool = False
    remotes: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)  # local and remote-tracking (`origin/x`), as read
    # A fact, not raw evidence: the branches named like checkpoints, filled by detect/checkpoints.py.
    checkpoint_branches: list[str] = field(default_factory=list)


@dataclass
class WeightsInfo:
    """What is known about the weights without reading tensor data."""

    files: list[str] = field(default_factory=list)
    parameters: int | None = None
    dtypes: dict[str, int] = field(default_factory=dict)
    provenance: Provenance | None = None
    gated: bool = False
    gate: Provenance | None = None  # where the gate is stated (the Hub's `gated`, or the card's extra_gated_* keys)


def decimal_text(value: float) -> str:
    """A number as plain decimal text without float noise: 1.2e-05 -> '0.000012', 104000.0 -> '104000'."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Figure:
    """A quantity a card states, converted to kWh (energy) or tCO2eq (emissions), with where it was stated."""

    value: float
    unit: str  # kWh | tCO2eq
    stated: str  # the text as written, e.g. "104 MWh"
    provenance: Provenance

    def describe(self) -> str:
        """The converted value and what the card wrote, e.g. `104000 kWh (stated as 104 MWh)`."""
        return f"{decimal_text(self.value)} {self.unit} (stated as {self.stated})"


@dataclass(frozen=True)
class Footprint:
    """The training energy and emissions a card states, each None when not stated unambiguously."""

    energy: Figure | None = None
    co2: Figure | None = None
    training_type: str | None = None  # co2_eq_emissions.training_type (pre-training, fine-tuning), if given


@dataclass
class Target:
    """What was checked."""

    kind: TargetKind
    id: str
    path: str | None = None
    revision: str | None = None
    resolved_sha: str | None = None


@dataclass
class Evidence:
    """Everything sources found about one model; the only input rules see."""

    target: Target
    files: list[FileEntry] = field(default_factory=list)
    card: ModelCard | None = None
    licences: list[LicenceStatement] = field(default_factory=list)
    licence_texts: dict[str, str] = field(default_factory=dict)  # licence file path -> text (capped)
    links: list[Link] = field(default_factory=list)
    components: dict[str, ComponentEvidence] = field(default_factory=dict)  # detected, by MOF name
    declared: dict[str, ComponentEvidence] = field(default_factory=dict)  # from a manifest, by MOF name
    manifest: dict[str, Any] | None = None  # the raw manifest (MOT format)
    manifest_path: str | None = None
    manifest_line_of: Callable[[tuple[str | int, ...]], int | None] | None = None  # manifest key path -> line
    hyperparameters: dict[str, Provenance] = field(default_factory=dict)  # name -> where documented
    datasets: list[tuple[str, Provenance]] = field(default_factory=list)  # dataset ids / names
    dataset_licences: dict[str, list[LicenceStatement]] = field(default_factory=dict)
    checkpoints: list[tuple[str, Provenance]] = field(default_factory=list)  # intermediate checkpoints
    footprint: Footprint = field(default_factory=Footprint)  # training energy and emissions the card states
    approach: tuple[str, Provenance] | None = None  # learning approach the card states (CycloneDX vocabulary)
    weights: WeightsInfo = field(default_factory=WeightsInfo)
    lfs_pointers: dict[str, LfsPointer] = field(default_factory=dict)  # path -> pointer, for files not checked out
    git: GitInfo | None = None
    hub: dict[str, Any] = field(default_factory=dict)  # raw Hub facts (gated, tags, pipeline_tag, ...)
    config: dict[str, Any] = field(default_factory=dict)  # config.json, if any
    adapter_config: dict[str, Any] = field(default_factory=dict)  # a PEFT adapter's adapter_config.json (local)
    training_configs: list[ParsedConfig] = field(default_factory=list)  # parsed training configs (local folders)
    problems: list[Problem] = field(default_factory=list)
    eu_declarations: dict[str, Any] = field(default_factory=dict)  # `eu-ai-act:` of the configuration file
    eu_declarations_file: str | None = None
    requests: int = 0  # HTTP requests spent collecting
    lookups_ran: list[str] = field(default_factory=list)  # optional look-ups attempted (refs, datasets, github)
    lookup_failures: list[LookupFailure] = field(default_factory=list)  # requests of those that failed

    @property
    def lookups_failed(self) -> list[str]:
        """The look-ups with at least one failed request, in LOOKUP_NAMES order."""
        failed = {f.lookup for f in self.lookup_failures}
        return [name for name in LOOKUP_NAMES if name in failed]

    def failed_subjects(self, lookup: str) -> set[str]:
        """What a look-up could not fetch (dataset ids, GitHub owner/name slugs, the branch list)."""
        return {f.subject for f in self.lookup_failures if f.lookup == lookup}

    def files_of(self, *kinds: FileKind) -> list[FileEntry]:
        """Files of the given kinds, in path order."""
        return in_path_order(self.files_by_kind(), kinds, self.files)

    def files_by_kind(self) -> dict[FileKind, list[FileEntry]]:
        """The files of each kind present, in list order (`index_by_kind`), built once per file list."""
        return self.from_files(index_by_kind)

    def from_files(self, function: Callable[[list[FileEntry]], _T]) -> _T:
        """`function(self.files)`, computed once per file list (file_index.FilesCache) for the passes over it."""
        return self._files_cache().get(self.files, function)

    def knows_from_files(self, function: Callable[[list[FileEntry]], _T], value: _T) -> None:
        """Record `value` as `function(self.files)`, when whoever built the list has it already (the local source)."""
        self._files_cache().put(self.files, function, value)

    def _files_cache(self) -> FilesCache:
        cache = self.__dict__.get("_from_files")
        if cache is None:
            cache = self.__dict__["_from_files"] = FilesCache()
        return cache  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        # The cache is derived (and keyed by functions): a pickled or copied record computes it again.
        state = dict(self.__dict__)
        state.pop("_from_files", None)
        return state

    def component(self, name: str) -> ComponentEvidence:
        """The merged view of a component: declared facts win, detected ones fill gaps."""
        declared = self.declared.get(name)
        detected = self.components.get(name)
        if declared and detected:
            merged = ComponentEvidence(
                name=name,
                status=declared.status if declared.status != ComponentStatus.UNKNOWN else detected.status,
                licence=declared.licence or detected.licence,
                evidence=[*declared.evidence, *detected.evidence],
                origin="both" if declared.origin == "declared" else _merged_origin(declared.origin, detected),
            )
            return merged
        if declared:
            return declared
        if detected:
            return detected
        return ComponentEvidence(name=name)


def _merged_origin(declared: str, detected: ComponentEvidence) -> str:
    """Origin of a component supplied by a curated reference (`reference`): `+detected` only when also found."""
    return f"{declared}+detected" if detected.status == ComponentStatus.PRESENT else declared
