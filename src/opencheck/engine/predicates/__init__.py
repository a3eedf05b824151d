"""The small set of predicates rule conditions are built from, registered by name; each returns an `Outcome`.

Importing this package imports every predicate module, so PREDICATES is complete before a pack is checked.
"""

from __future__ import annotations

from opencheck.engine.predicates import card, components, licences  # noqa: F401  (importing registers them)
from opencheck.engine.predicates.combine import evaluate_condition
from opencheck.engine.predicates.registry import PREDICATES, Predicate, predicate

__all__ = ["PREDICATES", "Predicate", "evaluate_condition", "predicate"]
