"""The rule engine: packs, predicates, evaluation and grading."""
