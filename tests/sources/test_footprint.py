"""Energy, emissions and learning approach read from model cards: converted, located, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.detect.approach import stated_approach
from opencheck.detect.footprint import footprint
from opencheck.sources.card import parse_card

HUB = Path(__file__).resolve().parents[1] / "fixtures" / "hub"


def _card(text: str):
    card, problems = parse_card(text)
    assert problems == []
    return card


@pytest.mark.parametrize(("sentence", "kwh"), [
    ("Training consumed 1,250 kWh of electricity.", 1250.0),
    ("The total energy used was 1.5 MWh.", 1500.0),
    ("Energy consumption: 3.6 MJ.", 1.0),
    ("Power draw over the run came to 7.2 GJ.", 2000.0),
    ("Electricity use was 0.002 GWh in total.", 2000.0),
    ("It used 500 Wh of energy.", 0.5),
])
def test_energy_sentences_convert_to_kwh(sentence: str, kwh: float) -> None:
    result = footprint(_card(f"# Model\n\n{sentence}\n"), ["org/model"])
    assert result.energy is not None and result.energy.value == pytest.approx(kwh)
    assert result.energy.unit == "kWh" and result.energy.provenance.line == 3
    assert result.co2 is None


@pytest.mark.parametrize(("sentence", "tonnes"), [
    ("Estimated total emissions were 539 tCO2eq, all offset.", 539.0),
    ("Training emitted 12.5 kg CO2eq.", 0.0125),
    ("Carbon footprint: 3 tonnes of CO2.", 3.0),
    ("The run emitted 150 g CO₂e.", 0.00015),
])
def test_emission_sentences_convert_to_tonnes(sentence: str, tonnes: float) -> None:
    result = footprint(_card(f"# Model\n\n{sentence}\n"), ["org/model"])
    assert result.co2 is not None and result.co2.value == pytest.approx(tonnes)
    assert result.co2.unit == "tCO2eq" and result.co2.provenance.line == 3


def test_front_matter_grams_win_over_text() -> None:
    text = ("---\nco2_eq_emissions:\n  emissions: 2500\n  training_type: fine-tuning\n---\n"
            "# M\n\nWe estimate 9 tCO2eq of emissions.\n")
    result = footprint(_card(text), ["m"])
    assert result.co2 is not None and result.co2.value == pytest.approx(0.0025)
    assert result.co2.provenance.key == "co2_eq_emissions.emissions" and result.co2.provenance.line == 2
    assert result.training_type == "fine-tuning"


def test_negated_ambiguous_and_unitless_statements_state_nothing() -> None:
    negated = footprint(_card("# M\n\nNo emissions of 5 tCO2eq were measured. We did not use 3 MWh.\n"), ["m"])
    assert negated.energy is None and negated.co2 is None
    two = footprint(_card("# M\n\nStage one used 3 MWh of energy.\n\nStage two used 5 MWh of energy.\n"), ["m"])
    assert two.energy is None  # two different figures: which one is the model's is not stated
    watts = footprint(_card("# M\n\nGPUs with a power draw of 400W ran for 3 days.\n"), ["m"])
    assert watts.energy is None  # power is not energy
    intensity = footprint(_card("# M\n\nThe grid's carbon intensity is 0.4 kg CO2e per kWh.\n"), ["m"])
    assert intensity.energy is None and intensity.co2 is None  # an intensity is neither energy nor emissions


TABLE = """# Model

| Model | GPU Type | Power Consumption From GPUs | Carbon Intensity (kg CO₂e/KWh) | Carbon Emissions (tCO₂eq) |
|-------|----------|------------------------------|--------------------------------|---------------------------|
| Demo 7B Twin | MI250X | 135 MWh | 0* | 0* |
| Demo 7B | A100 | 104 MWh | 0.656 | 75.05 |

In total the family emitted 80 tCO2eq of emissions.
"""


def test_table_row_naming_the_model_is_taken_and_the_family_total_is_not() -> None:
    result = footprint(_card(TABLE), ["org/Demo-7B"])
    assert result.energy is not None and result.energy.value == 104_000.0 and result.energy.provenance.line == 6
    assert result.co2 is not None and result.co2.value == pytest.approx(75.05) and result.co2.stated.startswith("75.05")
    twin = footprint(_card(TABLE), ["org/Demo-7B-Twin"])
    assert twin.energy is not None and twin.energy.value == 135_000.0
    # A model the table does not name gets neither a row nor the family's total.
    other = footprint(_card(TABLE), ["org/Demo-70B"])
    assert other.energy is None and other.co2 is None


def test_packaging_suffix_still_matches_the_row() -> None:
    text = ("# M\n\n| | Time (GPU hours) | Power Consumption (W) | Carbon Emitted (tCO2eq) |\n|---|---|---|---|\n"
            "| Llama 2 7B | 184320 | 400 | 31.22 |\n| Llama 2 13B | 368640 | 400 | 62.44 |\n")
    result = footprint(_card(text), ["meta-llama/Llama-2-7b-hf"])
    assert result.co2 is not None and result.co2.value == pytest.approx(31.22) and result.co2.provenance.line == 5
    assert result.energy is None  # watts are power, not energy


def test_olmo_fixture_card() -> None:
    card = _card((HUB / "allenai" / "OLMo-7B" / "README.md").read_text())
    result = footprint(card, ["allenai/OLMo-7B"])
    assert result.energy is not None and result.energy.value == 104_000.0 and result.energy.stated == "104 MWh"
    assert result.co2 is not None and result.co2.value == pytest.approx(75.05)
    assert result.energy.provenance.line == 105


@pytest.mark.parametrize(("text", "fine_tuned", "expected"), [
    ("GPT-X is an autoregressive language model trained on the Pile.", False, "self-supervised"),
    ("It was trained on a causal language modeling task (i.e., predict the next token).", False,
     "self-supervised"),
    ("We then applied supervised fine-tuning on chat data. Finally RLHF aligned it.", True,
     "reinforcement-learning"),
    ("We then applied supervised fine-tuning on chat data.", True, "supervised"),
    ("Our model hasn't been fine-tuned through reinforcement learning from human feedback.", False, None),
    ("A model for text.", False, None),
])
def test_stated_approach(text: str, fine_tuned: bool, expected: str | None) -> None:
    result = stated_approach(_card(f"# M\n\n{text}\n"), fine_tuned=fine_tuned)
    if expected is None:
        assert result is None
    else:
        assert result is not None and result[0] == expected and result[1].line == 3


def test_pretrained_model_is_described_by_its_pretraining() -> None:
    text = "# M\n\nAn auto-regressive language model. The chat variant uses supervised fine-tuning (SFT) and RLHF.\n"
    result = stated_approach(_card(text), fine_tuned=False)
    assert result is not None and result[0] == "self-supervised"
