"""The packaged SPDX symbols give license-expression's own answers, and are current for the installed version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import license_expression
import pytest

from opencheck.licenses import symbols
from opencheck.licenses.expression import Leaf, convert, parse_tree
from opencheck.licenses.symbols import packaged_entries, single_key, spdx_entries, spdx_licensing, symbol_map

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")


@pytest.fixture(scope="module")
def reference() -> license_expression.Licensing:
    """license-expression's own SPDX licensing, built from its 1 MB index."""
    return license_expression.get_spdx_licensing()


def test_the_packaged_table_is_current_for_the_installed_license_expression() -> None:
    index = symbols.index_path()
    assert index is not None
    current = spdx_entries(json.loads(index.read_bytes()))
    # If this fails after upgrading license-expression: `python -m opencheck.licenses.symbols` rewrites the table.
    assert packaged_entries() == current


def test_every_lone_id_the_table_answers_is_license_expressions_answer(reference: license_expression.Licensing) -> None:
    entries = packaged_entries()
    assert entries is not None
    table = symbol_map(entries)
    assert len(table) > 2000
    checked = 0
    for lower, key in table.items():
        for text in {lower, lower.upper(), key}:
            if not TOKEN.fullmatch(text):
                assert single_key(text) is None
                continue
            assert single_key(text) == key
            assert parse_tree(text) == convert(reference.parse(text)), text
            checked += 1
    assert checked > 5000


def test_an_unknown_or_compound_text_is_left_to_license_expression() -> None:
    assert single_key("not-a-licence-at-all") is None
    assert single_key("MIT AND Apache-2.0") is None
    assert single_key("GPL-2.0+") is None
    assert parse_tree("not-a-licence-at-all") == Leaf("not-a-licence-at-all")


EXPRESSIONS = ["MIT", "mit AND apache-2.0", "GPL-2.0+ WITH Classpath-exception-2.0",
               "(MIT OR BSD-3-Clause) AND CC0-1.0",
               "Apache-2.0 (code and weights); CC-BY-4.0 (documentation); ODC-By-1.0 (data)", "gpl-3.0 or lgpl-2.1+",
               "Code and weights: Apache-2.0. Documentation: CC-BY-4.0.", "LicenseRef-custom AND MIT", "llama3"]


def test_the_licensing_built_from_the_table_parses_as_license_expressions(
        reference: license_expression.Licensing) -> None:
    ours = spdx_licensing()
    assert sorted(ours.known_symbols) == sorted(reference.known_symbols)
    for text in EXPRESSIONS:
        assert _outcome(ours, text) == _outcome(reference, text), text


def _outcome(licensing: license_expression.Licensing, text: str) -> str:
    try:
        return repr(licensing.parse(text))
    except Exception as exc:  # the refusal is part of the answer compared
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("damage", ["missing", "not json", "other index", "no list"])
def test_a_damaged_or_stale_table_is_not_used(damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "spdx-symbols.json"
    good = json.loads(symbols.symbols_path().read_text(encoding="utf-8"))
    content = {"missing": None, "not json": "{", "other index": json.dumps({**good, "index_sha256": "0" * 64}),
               "no list": json.dumps({**good, "spdx": {}})}[damage]
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(symbols, "symbols_path", lambda: path)
    assert packaged_entries.__wrapped__() is None  # type: ignore[attr-defined]
    monkeypatch.setattr(symbols, "packaged_entries", packaged_entries.__wrapped__)  # type: ignore[attr-defined]
    licensing = spdx_licensing()  # license-expression's own index instead
    assert str(licensing.parse("mit and apache-2.0")) == "MIT AND Apache-2.0"



def test_the_table_is_read_from_its_compact_compiled_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opencheck.data_cache import cache_path

    path = tmp_path / "spdx-symbols.json"
    path.write_bytes(symbols.symbols_path().read_bytes())
    monkeypatch.setattr(symbols, "symbols_path", lambda: path)
    first = packaged_entries.__wrapped__()  # type: ignore[attr-defined]
    compact = json.loads(cache_path(path, "compact").read_text(encoding="utf-8"))["data"]
    assert first is not None and len(compact["spdx"]) == len(first) and all(len(e) == 4 for e in compact["spdx"])
    # Read back from the compiled form (the table itself unparsable now would not matter), the same entries.
    assert packaged_entries.__wrapped__() == first == packaged_entries()  # type: ignore[attr-defined]
