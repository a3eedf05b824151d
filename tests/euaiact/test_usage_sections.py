"""The exemption's usage condition: a card section about running the model is usage information."""

from __future__ import annotations

import pytest

from opencheck.euaiact.verdicts import _usage_condition
from opencheck.evidence import Evidence, Target, TargetKind
from opencheck.sources.card import parse_card


def _usage(title: str) -> str:
    card, _ = parse_card(f"# Model\n\n## {title}\n\nSome text about it.\n")
    evidence = Evidence(target=Target(TargetKind.HUB, "org/model"), card=card)
    return _usage_condition(evidence).state


@pytest.mark.parametrize("title", ["Run the model", "Running the model", "How to run", "Running with vLLM",
                                   "Usage", "Quick start", "Inference"])
def test_a_section_about_running_or_using_the_model_is_usage(title: str) -> None:
    assert _usage(title) == "met"


@pytest.mark.parametrize("title", ["Training runs", "Training run", "Runtime", "Model details"])
def test_a_section_about_training_runs_or_runtime_is_not(title: str) -> None:
    assert _usage(title) == "not met"
