"""Property tests: normalise, classify and identify_text never raise, whatever the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from opencheck.licenses import COMPONENT_TYPES, LicenceClass, classify, identify_text, normalise, suitability

# Licence-ish fragments make the parser's interesting paths (operators, parentheses) likely.
FRAGMENTS = st.sampled_from(
    [
        "MIT",
        "AND",
        "OR",
        "WITH",
        "(",
        ")",
        "+",
        "apache-2.0",
        "LicenseRef-x",
        "Apache 2.0",
        "Classpath-exception-2.0",
        "other",
        ":",
        ",",
        "llama2",
        "DocumentRef-a:",
    ]
)
LICENCEISH = st.lists(FRAGMENTS, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), LICENCEISH), st.one_of(st.none(), st.text(max_size=40)))
def test_normalise_and_classify_never_raise(raw: str, name: str | None) -> None:
    norm = normalise(raw, license_name=name)
    result = classify(norm)
    assert isinstance(result.licence_class, LicenceClass)
    assert (norm.expression is None) == (result.expression is None)
    for kind in COMPONENT_TYPES:
        suitability(result, kind)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_identify_text_never_raises(text: str) -> None:
    match = identify_text(text)
    assert 0.0 <= match.score <= 1.0
