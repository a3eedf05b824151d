"""Report disagreements between licence statements from different sources (card, LICENSE file, manifest)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opencheck.licenses.expression import licensing
from opencheck.licenses.normalise import NormalisedLicence, normalise


@dataclass(frozen=True)
class LicenceConflict:
    """Two sources that state different licences for the same thing."""

    first_source: str
    first_raw: str
    first_expression: str
    second_source: str
    second_raw: str
    second_expression: str

    @property
    def message(self) -> str:
        """One line naming both sources."""
        return (
            f"{self.first_source} says {self.first_expression} but "
            f"{self.second_source} says {self.second_expression}"
        )


def describe_source(source: object) -> str:
    """A readable name for a provenance-like object (uses `.describe()` when it has one)."""
    describe = getattr(source, "describe", None)
    if callable(describe):
        try:
            return str(describe())
        except Exception:  # a foreign object's describe() must not break conflict reporting
            pass
    return str(source)


def _same(a: str, b: str) -> bool:
    """Equivalent expressions ('MIT AND Apache-2.0' == 'Apache-2.0 AND MIT')."""
    if a == b:
        return True
    try:
        lic = licensing()
        return bool(lic.is_equivalent(lic.parse(a), lic.parse(b)))
    except Exception:  # unparsable means we cannot prove them equal: treat as different
        return False


def _as_pair(item: Any) -> tuple[str, object]:
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0]), item[1]
    raw = getattr(item, "raw", None)
    if raw is not None:  # a LicenceStatement
        return str(raw), getattr(item, "provenance", item)
    raise TypeError(f"expected (raw, source) or a LicenceStatement, got {type(item).__name__}")


def find_conflicts(statements: Iterable[tuple[str, object] | Any]) -> list[LicenceConflict]:
    """Pairs of sources stating different licences; unknown statements are skipped, not conflicts."""
    groups: list[
        tuple[str, str, str]
    ] = []  # (expression, raw, source) of the first statement of each licence
    for item in statements:
        raw, source = _as_pair(item)
        norm: NormalisedLicence = normalise(raw)
        if norm.expression is None:
            continue
        if not any(_same(norm.expression, expr) for expr, _, _ in groups):
            groups.append((norm.expression, raw, describe_source(source)))
    return [
        LicenceConflict(src_a, raw_a, expr_a, src_b, raw_b, expr_b)
        for i, (expr_a, raw_a, src_a) in enumerate(groups)
        for expr_b, raw_b, src_b in groups[i + 1 :]
    ]
