"""The evaluation context: evidence plus cached derived facts (licence classes, the MOT evaluation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opencheck.evidence import ComponentEvidence, ComponentStatus, Evidence, LicenceStatement

if TYPE_CHECKING:
    from opencheck.engine.packs import Pack
    from opencheck.licenses import Classification
    from opencheck.mot import MotResult


@dataclass
class Context:
    """What predicates and grading read; computed facts are cached so each is derived once."""

    evidence: Evidence
    pack: Pack | None = None
    _classes: dict[str, Classification] = field(default_factory=dict)
    _mot_result: MotResult | None = None
    _components: dict[str, ComponentEvidence] = field(default_factory=dict)

    def classify(self, raw: str) -> Classification:
        """opencheck's classification of a licence statement (cached)."""
        if raw not in self._classes:
            from opencheck.licenses import classify

            self._classes[raw] = classify(raw)
        return self._classes[raw]

    def mot(self) -> MotResult:
        """MOT's evaluation of this evidence, using the pack's component table when it has one (computed once)."""
        if self._mot_result is None:
            from opencheck.mof_input import mot_manifest
            from opencheck.mot import MOT_COMPONENTS, evaluate_manifest

            table = (self.pack.grading.get("components") if self.pack else None) or []
            components = _table_to_components(tuple(
                (c["name"], c["type"], c["class"], c["required"]) for c in table)) if table else MOT_COMPONENTS
            self._mot_result = evaluate_manifest(mot_manifest(self.evidence), components=components)
        return self._mot_result

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


def _table_to_components(table: tuple[tuple[str, str, int, bool], ...]) -> Any:
    from opencheck.mot import MOT_COMPONENTS, MotComponent

    ids = {c.name: c.id for c in MOT_COMPONENTS}
    return tuple(MotComponent(id=ids.get(n, 1000 + i), name=n, content_type=t, klass=c, required=r)
                 for i, (n, t, c, r) in enumerate(table))
