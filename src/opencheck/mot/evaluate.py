"""MOT's ModelEvaluator: licences resolved per component, classes I-III with progress and blockers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from opencheck.errors import ConfigError
from opencheck.mot.licences import is_mot_open, type_appropriate_licences
from opencheck.mot.model import (
    CLASS_ORDER,
    CONTENT_TYPES,
    INCLUDED,
    INVALID,
    LABELS,
    MISSING,
    MISSING_STATUS,
    MOT_COMPONENTS,
    RESEARCH_PAPER,
    TECHNICAL_REPORT,
    UNLICENSED,
    ComponentEntry,
    ComponentVerdict,
    MotComponent,
    MotResult,
    _Omitted,
)


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
    verdicts = _verdicts(components, _listed(entries, table, components), release_license)
    lists = _class_lists(components, verdicts)
    substituted, paper_status = _substitute_paper(table, verdicts, lists)
    required_count = {c: sum(1 for comp in components if comp.required and comp.klass == c)
                      for c in CLASS_ORDER}
    status1 = {name: v.status for name, v in verdicts.items()}
    progress = {c: _progress(c, required_count, lists[INCLUDED], status1) for c in (1, 2, 3)}
    mof_class = next((c for c in (1, 2, 3) if progress[c] == 100.0), 0)

    return MotResult(
        mof_class=mof_class,
        label=LABELS[mof_class],
        progress=progress,
        total_progress=(progress[1] + progress[2] + progress[3]) / 3,
        components=verdicts,
        included=lists[INCLUDED],
        missing=lists[MISSING_STATUS],
        invalid=lists[INVALID],
        unlicensed=lists[UNLICENSED],
        optional=lists[_OPTIONAL],
        not_type_appropriate=[n for n, v in verdicts.items() if v.warning],
        blockers={c: _blockers(c, components, verdicts) for c in CLASS_ORDER},
        paper_substitutes_report=substituted and paper_status == INCLUDED,
    )


def _listed(entries: Iterable[ComponentEntry], table: Mapping[str, MotComponent],
            components: Sequence[MotComponent]) -> dict[str, ComponentEntry]:
    """The entries by component name; an unknown name is an error."""
    listed: dict[str, ComponentEntry] = {}
    for entry in entries:
        if entry.name not in table:
            raise ConfigError(
                f"unknown MOF component name {entry.name!r}; expected one of: "
                + ", ".join(repr(c.name) for c in components)
            )
        # Like MOT's name-keyed storage, a repeated entry replaces the earlier one.
        listed[entry.name] = entry
    return listed


def _verdicts(components: Sequence[MotComponent], listed: Mapping[str, ComponentEntry],
              release_license: Mapping[str, Any]) -> dict[str, ComponentVerdict]:
    """Each component's status, licence and where the licence came from, in table order."""
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
    return verdicts


_OPTIONAL = "optional"  # the list of included optional components (no status of its own)


def _class_lists(components: Sequence[MotComponent],
                 verdicts: Mapping[str, ComponentVerdict]) -> dict[str, dict[int, list[str]]]:
    """Per status (included, missing, invalid, unlicensed, optional), the components counted for each class."""
    lists: dict[str, dict[int, list[str]]] = {
        status: {c: [] for c in CLASS_ORDER} for status in (INCLUDED, MISSING_STATUS, INVALID, UNLICENSED, _OPTIONAL)
    }
    for c in CLASS_ORDER:
        in_scope = [comp for comp in components if comp.klass >= c]
        for comp in (x for x in in_scope if x.required):
            lists[verdicts[comp.name].status][c].append(comp.name)
        for comp in (x for x in in_scope if not x.required):
            status = verdicts[comp.name].status
            if status == INCLUDED:
                lists[_OPTIONAL][c].append(comp.name)
            elif status != MISSING_STATUS:
                lists[status][c].append(comp.name)
    return lists


def _substitute_paper(table: Mapping[str, MotComponent], verdicts: Mapping[str, ComponentVerdict],
                      lists: dict[str, dict[int, list[str]]]) -> tuple[bool, str]:
    """handleTechnicalReportOmission: a listed paper fills the technical-report slot of classes III and II."""
    paper_status = verdicts[RESEARCH_PAPER].status if RESEARCH_PAPER in verdicts else MISSING_STATUS
    if not (TECHNICAL_REPORT in table and TECHNICAL_REPORT not in lists[INCLUDED][3]
            and paper_status in (INCLUDED, INVALID, UNLICENSED)):
        return False, paper_status
    for c in CLASS_ORDER:
        if TECHNICAL_REPORT in lists[MISSING_STATUS][c]:
            lists[MISSING_STATUS][c].remove(TECHNICAL_REPORT)
    for c in (2, 3):
        lists[paper_status][c].append(RESEARCH_PAPER)
    return True, paper_status


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
