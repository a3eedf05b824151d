"""Training energy and CO2 emissions a model card states, converted to kWh and tonnes of CO2eq.

Cards state these in three ways: the Hub's `co2_eq_emissions` front matter (grams), a sentence ("Estimated total
emissions were 539 tCO2eq", "training used 1.2 MWh") or a table with a row per model (OLMo's "Power Consumption"
/ "Carbon Emissions" columns). A figure is taken only when it is unambiguous: a table row must name this model
(or be the table's only row), and a sentence figure must be the only one of its kind in the card. A negated
sentence ("no emissions were measured") states nothing. Every figure keeps the line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from opencheck.detect.sentences import TABLE_ROW, stated_sentences
from opencheck.evidence import Figure, Footprint, ModelCard, Provenance

# Energy units to kWh.
ENERGY_UNITS = {"wh": 0.001, "kwh": 1.0, "mwh": 1_000.0, "gwh": 1_000_000.0, "kj": 1 / 3_600,
                "mj": 1 / 3.6, "gj": 1_000 / 3.6, "tj": 1_000_000 / 3.6}
# Mass-of-CO2eq units to tonnes.
MASS_UNITS = {"g": 1e-6, "grams": 1e-6, "gram": 1e-6, "kg": 1e-3, "kilograms": 1e-3, "t": 1.0, "tonnes": 1.0,
              "tonne": 1.0, "tons": 1.0, "ton": 1.0, "metric tons": 1.0, "mt": 1.0}
TONNES_PER_GRAM = 1e-6

# A number starts only where a digit run starts, and is bounded: otherwise a long run of digits makes every
# position a start and each start rescan the run (quadratic time on a hostile card).
_NUMBER = r"(?<![\d.,])(\d{1,3}(?:,\d{3}){1,6}(?:\.\d{1,12})?|\d{1,15}(?:\.\d{1,12})?)"
_ENERGY = re.compile(_NUMBER + r"\s*(gwh|mwh|kwh|wh|tj|gj|mj|kj)\b", re.IGNORECASE)
_CO2_UNIT = r"(metric tons|tonnes?|tons?|kilograms|kg|grams?|g|t|mt)"
_CO2 = re.compile(_NUMBER + r"\s*" + _CO2_UNIT + r"\s*(?:of\s+)?(?:co2|co₂)(?:[- ]?e(?:q|quivalent)?\b|\b)",
                  re.IGNORECASE)
_PER = re.compile(r"\s*(/|per\b)", re.IGNORECASE)
_ENERGY_CONTEXT = re.compile(r"energy|power|electricity|consum", re.IGNORECASE)
_EMISSION_CONTEXT = re.compile(r"emission|emitted|footprint|carbon|co2|co₂", re.IGNORECASE)
_HEADER_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{2,}")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", " ", text.lower()).strip()


def _energy_in(text: str) -> tuple[float, str] | None:
    match = _ENERGY.search(text)
    if not match:
        return None
    return _number(match.group(1)) * ENERGY_UNITS[match.group(2).lower()], match.group(0)


def _co2_in(text: str, header_unit: str | None = None) -> tuple[float, str] | None:
    for match in _CO2.finditer(text):
        if _PER.match(text, match.end()):
            continue  # "0.4 kg CO2e per kWh" is a carbon intensity, not emissions
        return _number(match.group(1)) * MASS_UNITS[match.group(2).lower()], match.group(0)
    if header_unit is not None:
        bare = re.fullmatch(r"\**" + _NUMBER + r"\**", text.strip().replace(" ", ""))
        if bare:
            return _number(bare.group(1)) * MASS_UNITS[header_unit], f"{bare.group(1)} {header_unit}CO2eq"
    return None


def _header_mass_unit(header: str) -> str | None:
    """The mass unit of an emissions column header such as 'Carbon Emissions (tCO₂eq)'."""
    if not _EMISSION_CONTEXT.search(header) or "/" in header:  # kg CO2e/kWh is an intensity, not emissions
        return None
    match = re.search(r"\(\s*" + _CO2_UNIT + r"\s*co", header, re.IGNORECASE)
    return match.group(1).lower() if match else None


def _cells(line: str) -> list[str]:
    row = TABLE_ROW.match(line)
    return [c.strip() for c in row.group(1).split("|")] if row else []


def _tables(lines: Sequence[str], first: int) -> Iterable[tuple[list[str], list[tuple[int, list[str]]]]]:
    """Markdown tables from line `first` on, as (header cells, [(line number, cells)])."""
    i = first - 1
    while i < len(lines) - 1:
        header = _cells(lines[i])
        if header and _HEADER_RULE.match(lines[i + 1]):
            rows = []
            j = i + 2
            while j < len(lines) and (cells := _cells(lines[j])):
                rows.append((j + 1, cells))
                j += 1
            yield header, rows
            i = j
        else:
            i += 1


# Suffixes of converted or packaged checkpoints that a card's table does not repeat ("Llama-2-7b-hf").
_PACKAGING_SUFFIXES = (" hf", " base", " v0.1", " v1")


def _names(model_names: Sequence[str]) -> set[str]:
    out = set()
    for name in model_names:
        for variant in (_norm(name), _norm(name.rsplit("/", 1)[-1])):
            out.add(variant)
            out.update(variant.removesuffix(s) for s in _PACKAGING_SUFFIXES if variant.endswith(s))
    return {n for n in out if n}


def _from_tables(card: ModelCard, lines: Sequence[str], first: int,
                 names: set[str]) -> tuple[Figure | None, Figure | None, bool, bool]:
    """Figures from a table row naming this model, and whether a per-model table named other models only."""
    energy = co2 = None
    other_energy = other_co2 = False
    for header, rows in _tables(lines, first):
        energy_cols = [k for k, h in enumerate(header) if _ENERGY_CONTEXT.search(h) and "/" not in h]
        co2_cols = [(k, unit) for k, h in enumerate(header) if (unit := _header_mass_unit(h))]
        if not energy_cols and not co2_cols:
            continue
        chosen = [row for row in rows if row[1] and _norm(row[1][0].replace("*", "")) in names]
        if not chosen and len(rows) == 1:
            chosen = rows
        if len(chosen) != 1:
            # Several models and none (or more than one) is this one: not ours to pick, and a total stated
            # elsewhere in the card is then likely the family's, not this model's.
            other_energy |= bool(energy_cols)
            other_co2 |= bool(co2_cols)
            continue
        line, cells = chosen[0]
        where = Provenance(file=card.path, line=line, note=lines[line - 1].strip()[:160])
        for k in energy_cols:
            found = _energy_in(cells[k]) if k < len(cells) else None
            if found and energy is None:
                energy = Figure(found[0], "kWh", found[1], where)
        for k, unit in co2_cols:
            found = _co2_in(cells[k], unit) if k < len(cells) else None
            if found and co2 is None:
                co2 = Figure(found[0], "tCO2eq", found[1], where)
    return energy, co2, other_energy, other_co2


def _from_sentences(card: ModelCard) -> tuple[Figure | None, Figure | None]:
    energies: list[Figure] = []
    emissions: list[Figure] = []
    for number, sentence in stated_sentences(card, skip_tables=True):
        where = Provenance(file=card.path, line=number, note=sentence.strip()[:160])
        found = _energy_in(sentence)
        if found and _ENERGY_CONTEXT.search(sentence):
            energies.append(Figure(found[0], "kWh", found[1], where))
        found = _co2_in(sentence)
        if found and _EMISSION_CONTEXT.search(sentence.replace(found[1], "")):
            emissions.append(Figure(found[0], "tCO2eq", found[1], where))
    return _the_one(energies), _the_one(emissions)


def _the_one(figures: list[Figure]) -> Figure | None:
    """The figure when every sentence states the same value; None when none does or they disagree."""
    return figures[0] if len({f.value for f in figures}) == 1 else None


def _from_front_matter(card: ModelCard) -> tuple[Figure | None, str | None]:
    co2 = card.metadata.get("co2_eq_emissions")
    grams = co2.get("emissions") if isinstance(co2, dict) else co2
    training_type = co2.get("training_type") if isinstance(co2, dict) else None
    training_type = training_type.strip() if isinstance(training_type, str) and training_type.strip() else None
    if isinstance(grams, bool) or not isinstance(grams, (int, float)) or grams < 0:
        return None, training_type
    key = "co2_eq_emissions.emissions" if isinstance(co2, dict) else "co2_eq_emissions"
    where = Provenance(file=card.path, line=card.metadata_lines.get("co2_eq_emissions"), key=key)
    return Figure(float(grams) * TONNES_PER_GRAM, "tCO2eq", f"{grams} g", where), training_type


def footprint(card: ModelCard | None, model_names: Sequence[str] = ()) -> Footprint:
    """The training energy and emissions the card states; front matter wins over text, tables over sentences."""
    if card is None:
        return Footprint()
    lines = card.text.splitlines()
    first = max(card.body_start_line, 1)
    meta_co2, training_type = _from_front_matter(card)
    table_energy, table_co2, other_energy, other_co2 = _from_tables(card, lines, first, _names(model_names))
    text_energy, text_co2 = _from_sentences(card)
    energy = table_energy or (None if other_energy else text_energy)
    co2 = meta_co2 or table_co2 or (None if other_co2 else text_co2)
    return Footprint(energy=energy, co2=co2, training_type=training_type)

