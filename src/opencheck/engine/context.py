"""The evaluation context: evidence plus cached derived facts (licence classes, the MOT evaluation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opencheck.evidence import ComponentEvidence, ComponentStatus, Evidence, LicenceStatement

if TYPE_CHECKING:
    from opencheck.engine.pack_model import Pack
    from opencheck.licenses import Classification
    from opencheck.mot import MotResult


@dataclass
class Context:
    """What predicates and grading read; computed facts are cached so each is derived once."""

    evidence: Evidence
    pack: Pack | None = None
    _classes: dict[str, Classification] = field(default_factory=dict)
    assume_open: frozenset[str] = frozenset()  # components MOT scores as openly licensed (the grade's upper bound)
    _mot_result: MotResult | None = None
    _components: dict[str, ComponentEvidence] = field(default_factory=dict)
    _unknown: dict[str, str] | None = None

    def classify(self, raw: str) -> Classification:
        """opencheck's classification of a licence statement (cached)."""
        if raw not in self._classes:
            from opencheck.licenses import classify

            self._classes[raw] = classify(raw)
        return self._classes[raw]

    def mot(self) -> MotResult:
        """MOT's evaluation of this evidence, using the pack's component table when it has one (computed once)."""
        if self._mot_result is None:
            from opencheck.mot import MOT_COMPONENTS, evaluate_manifest
            from opencheck.mot.from_evidence import mot_manifest

            table = (self.pack.grading.get("components") if self.pack else None) or []
            components = _table_to_components(tuple(
                (c["name"], c["type"], c["class"], c["required"]) for c in table)) if table else MOT_COMPONENTS
            manifest = mot_manifest(self.evidence)
            if self.assume_open:
                _assume_open(manifest, self.assume_open)
            self._mot_result = evaluate_manifest(manifest, components=components)
        return self._mot_result

    def unknown(self, name: str) -> str | None:
        """Why a component's licence or presence is unknown (a look-up failed), or None when it is known."""
        if self._unknown is None:
            from opencheck.engine.unknowns import unknown_components

            self._unknown = unknown_components(self.evidence)
        return self._unknown.get(name)

    def unknown_names(self) -> list[str]:
        """Every component a failed look-up left unknown, sorted."""
        self.unknown("")
        return sorted(self._unknown or {})

    def component(self, name: str) -> ComponentEvidence:
        """The merged (declared over detected) view of a component, built once per evaluation."""
        if name not in self._components:
            self._components[name] = self.evidence.component(name)
        return self._components[name]

    def component_licence(self, name: str) -> LicenceStatement | None:
        """The licence statement that applies to a component (declared wins over detected)."""
        return self.component(name).licence

    def present(self, name: str) -> bool:
        """Whether a component is known to be present."""
        return self.component(name).status == ComponentStatus.PRESENT


def _assume_open(manifest: dict[str, Any], names: frozenset[str]) -> None:
    """Give the named components an open licence in a MOT manifest (the favourable reading of unknown facts)."""
    release = manifest.setdefault("release", {})
    components = release.setdefault("components", [])
    listed = {c.get("name"): c for c in components if isinstance(c, dict)}
    for name in sorted(names):
        if name in listed:
            listed[name]["license"] = "Apache-2.0"
        else:
            components.append({"name": name, "license": "Apache-2.0"})


def _table_to_components(table: tuple[tuple[str, str, int, bool], ...]) -> Any:
    from opencheck.mot import MOT_COMPONENTS, MotComponent

    ids = {c.name: c.id for c in MOT_COMPONENTS}
    return tuple(MotComponent(id=ids.get(n, 1000 + i), name=n, content_type=t, klass=c, required=r)
                 for i, (n, t, c, r) in enumerate(table))
