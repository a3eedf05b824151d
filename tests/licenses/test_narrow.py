"""A narrow `Licensing` (only the symbols that can occur in the text) parses exactly as license-expression's full one.

Compared on every SPDX key and alias in three spellings, on expressions and free text mixing them with keywords,
parentheses, `+`, WITH and characters no key allows, and on seeded random mixtures; answers and errors (type and
message, which reports quote) must match.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import license_expression
import pytest

from opencheck.licenses import expression, narrow
from opencheck.licenses.symbols import packaged_entries

FREE_TEXT = (
    "https://huggingface.co/datasets/example-org/tiny-web-corpus", "perplexity", "412.7", "",
    "Code and weights: Apache-2.0. Documentation: CC-BY-4.0. Training data: ODC-By-1.0",
    "Apache-2.0 (code and weights); CC-BY-4.0 (documentation); ODC-By-1.0 (data)",
    "MIT OR Apache-2.0", "(MIT OR Apache-2.0) AND BSD-3-Clause", "GPL-2.0-or-later WITH Classpath-exception-2.0",
    "GPL-2.0+ with classpath-exception-2.0", "mit and", "and", "( MIT", "MIT )", "gpl-3.0 or later",
    "Creative Commons Attribution 4.0", "apache 2.0", "Apache License 2.0", "LicenseRef-foo AND mit",
    "Apache-2.0 WITH", "WITH MIT", "MIT Apache-2.0", "cc-by-nc-sa-4.0 OR cc-by-4.0 AND (mit)", "llama2",
    "bsd-new", "LGPL-2.1+ OR gpl-2.0 WITH Linux-syscall-note", "foo/bar", "a&b", "MIT, Apache-2.0", "mit;",
)


def _outcome(lic: license_expression.Licensing, text: str) -> tuple[str, str]:
    try:
        parsed = lic.parse(text)
    except Exception as exc:  # the errors themselves are compared
        return type(exc).__name__, str(exc)
    if parsed is None:
        return "None", ""
    return type(parsed).__name__, repr(parsed)


@pytest.fixture(scope="module")
def full() -> license_expression.Licensing:
    """license-expression's own SPDX licensing."""
    return license_expression.get_spdx_licensing()


def _narrow_outcome(text: str) -> tuple[str, str]:
    lic = narrow.narrow_licensing(text)
    assert lic is not None  # the packaged symbols match the installed index (tests/licenses/test_symbols.py)
    return _outcome(lic, text)


def _spellings() -> Iterator[str]:
    entries = packaged_entries()
    assert entries is not None
    for entry in entries:
        for name in (entry["key"], *(entry["aliases"] or ())):
            if name:
                yield from {name, name.lower(), name.upper()}


def test_every_key_and_alias_parses_as_the_full_parser(full: license_expression.Licensing) -> None:
    names = list(_spellings())
    assert len(names) > 2000
    for text in names:
        assert _narrow_outcome(text) == _outcome(full, text), text


@pytest.mark.parametrize("text", FREE_TEXT)
def test_expressions_and_free_text_parse_as_the_full_parser(text: str, full: license_expression.Licensing) -> None:
    assert _narrow_outcome(text) == _outcome(full, text)


def test_random_mixtures_parse_as_the_full_parser(full: license_expression.Licensing) -> None:
    rng = random.Random(22)
    names = sorted(set(_spellings()))
    # Multi-word aliases are the ones a narrow parser could get wrong (a run of tokens, not one): mix them in often.
    spaced = [n for n in names if " " in n]
    words = ["and", "OR", "with", "WITH", "(", ")", "the", "license", "v2", "+", "code:", "data", "2.0", ";"]
    for _ in range(1500):
        parts = [rng.choice(rng.choice((names, spaced, words))) for _ in range(rng.randint(1, 6))]
        text = " ".join(parts)
        assert _narrow_outcome(text) == _outcome(full, text), text


def test_a_narrow_parser_leaves_the_full_one_as_it_was(full: license_expression.Licensing) -> None:
    holder = license_expression.LicenseWithExceptionSymbol
    before = {name: holder.__dict__.get(name) for name in ("TRUE", "FALSE", "NOT", "AND", "OR", "Symbol")}
    narrow.narrow_licensing("GPL-2.0-only WITH Classpath-exception-2.0")
    assert {name: holder.__dict__.get(name) for name in before} == before
    a, b = full.parse("MIT AND Apache-2.0"), full.parse("Apache-2.0 AND MIT")
    assert full.is_equivalent(a, b)


def test_parsing_and_known_keys_do_not_build_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> Any:
        raise AssertionError("the full SPDX Licensing was built")

    monkeypatch.setattr(expression, "licensing", refuse)
    assert str(expression.parse_raw("mit OR apache-2.0")) == "MIT OR Apache-2.0"
    assert expression.known_key("MIT") and not expression.known_key("perplexity")
    with pytest.raises(license_expression.ExpressionError):
        expression.parse_raw("https://example.org/licence")


def test_the_compiled_first_token_index_is_the_computed_one() -> None:
    from opencheck.data_cache import cache_path
    from opencheck.licenses.symbols import symbols_path

    entries = packaged_entries()
    assert entries is not None
    index = narrow._by_first_token()
    assert index == narrow._first_tokens(entries)
    assert cache_path(symbols_path(), "first-tokens").is_file()
