"""The 6 x N x D estimate: which figures of a card are read, and how a mixture of experts is handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.collect import collect
from opencheck.euaiact.compute import estimate, sci
from opencheck.euaiact.verdicts import assess


def _evidence(tmp_path: Path, body: str, config: str | None = None):
    folder = tmp_path / "m"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n\n# M\n\n" + body)
    if config:
        (folder / "config.json").write_text(config)
    return collect(str(folder))


@pytest.mark.parametrize(("body", "tokens"), [
    ("It was pretrained on 11.2T tokens.", 11.2e12),
    ("We pre-train it on 14.8 trillion diverse and high-quality\ntokens.", 14.8e12),
    ("Total seen tokens: **366B**", 366e9),
    ("Trained on 1,500B tokens of RefinedWeb.", 1.5e12),
    ("A context of 128B tokens.", None),  # a context length is not training data
    ("Sequence length of 2048 tokens, vocabulary of 250,680 tokens.", None),
])
def test_token_counts(tmp_path: Path, body: str, tokens: float | None) -> None:
    """Training-token figures are read (even across a line break); context and vocabulary sizes are not."""
    est = estimate(_evidence(tmp_path, body))
    assert (est.tokens.value if est.tokens else None) == tokens


def test_the_largest_token_figure_is_the_pretraining_one(tmp_path: Path) -> None:
    """Pre-training is the largest stated figure; a later fine-tuning figure does not replace it."""
    est = estimate(_evidence(tmp_path, "Pretrained on 2T tokens.\n\nFine-tuned on 10B tokens."))
    assert est.tokens is not None and est.tokens.value == 2e12 and est.tokens.provenance.line == 8


def test_moe_without_active_count_is_an_upper_bound(tmp_path: Path) -> None:
    """A mixture of experts with only its total stated: the estimate is an upper bound, and decides only below."""
    config = '{"architectures": ["MixtralForCausalLM"], "num_local_experts": 8}'
    high = assess(_evidence(tmp_path, "A 700B parameter model trained on 15T tokens.", config))
    assert high.estimate.upper_bound and high.estimate.mixture_of_experts
    assert high.systemic_risk.verdict == "undetermined" and "active parameter count" in high.systemic_risk.message
    low = assess(_evidence(tmp_path / "low", "A 7B parameter model trained on 1T tokens.", config))
    assert low.systemic_risk.verdict == "not likely" and low.gpai.verdict == "not likely"


def test_moe_active_count_is_used(tmp_path: Path) -> None:
    """"30.5B in total and 3.3B activated": the active count drives the estimate, the total is named."""
    est = estimate(_evidence(tmp_path, "A mixture-of-experts model: 30.5B in total and 3.3B activated, trained on "
                             "36T tokens."))
    assert est.parameters is not None and est.parameters.value == 3.3e9
    assert est.total_parameters is not None and est.total_parameters.value == 30.5e9
    assert "the total 3.05e10 is not used" in est.formula()
    assert est.flop == pytest.approx(6 * 3.3e9 * 36e12)


def test_non_generative_task_is_not_gpai(tmp_path: Path) -> None:
    """A classifier is not a GPAI model by the indicative criterion, whatever its compute."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\npipeline_tag: text-classification\n---\n\n"
                                      "A 7B parameter model trained on 10T tokens.\n")
    verdict = assess(collect(str(folder))).gpai
    assert verdict.verdict == "not likely" and verdict.deciding == "task"


def test_sci() -> None:
    """Compact scientific notation for messages."""
    assert [sci(v) for v in (2.07e23, 1e25, 162322944.0)] == ["2.07e23", "1e25", "1.62e8"]


def test_modified_model_notes_the_one_third_rule(tmp_path: Path) -> None:
    """A fine-tune (base_model set) is told when its modifier becomes a provider; a base model is not."""
    folder = tmp_path / "ft"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\nbase_model: org/base\n---\n# FT\n")
    assert any("more than a third" in n for n in assess(collect(str(folder))).notes)
    assert not any("more than a third" in n for n in assess(_evidence(tmp_path, "Trained on 1T tokens.")).notes)
