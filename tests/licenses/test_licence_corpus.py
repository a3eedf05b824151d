"""The licence corpus: every statement normalises and classifies as expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from opencheck.licenses import LicenceClass, classify, identify_text, normalise
from opencheck.licenses.normalise import NormalisedLicence

HERE = Path(__file__).parent
CORPUS: list[dict[str, Any]] = yaml.safe_load((HERE / "corpus.yaml").read_text(encoding="utf-8"))[
    "statements"
]
LONG = "Apache " * 2000  # a very long string: not a licence id, not a licence text


def _ident(case: dict[str, Any]) -> str:
    label = case.get("file") or case.get("raw", "")
    if case.get("license_name"):
        label = f"{label}+{case['license_name']}"
    return repr(label[:40])


def _normalised(case: dict[str, Any]) -> NormalisedLicence:
    if "file" in case:
        text = (HERE / "texts" / case["file"]).read_text(encoding="utf-8")
        match = identify_text(text)
        return NormalisedLicence(
            raw=case["file"],
            expression=match.licence_id,
            exact=False,
            suggestion=match.licence_id,
            how=f"identified ({match.score})" if match.licence_id else "unknown text",
        )
    raw = LONG if case["raw"] == "@@LONG@@" else case["raw"]
    return normalise(raw, license_name=case.get("license_name"))


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 80


@pytest.mark.parametrize("case", CORPUS, ids=_ident)
def test_corpus_statement(case: dict[str, Any]) -> None:
    norm = _normalised(case)
    assert norm.expression == case["expression"], norm.how
    if "exact" in case:
        assert norm.exact is case["exact"]
    result = classify(norm)
    assert result.licence_class is LicenceClass(case["class"]), result.reason
    assert result.is_open is result.licence_class.is_open
    if norm.expression is None:
        assert "unknown" in norm.how
    elif not norm.exact and "file" not in case:
        assert norm.suggestion == norm.expression


def test_unknown_quotes_the_text() -> None:
    norm = normalise("Totally Bespoke Licence v9")
    assert norm.expression is None
    assert "Totally Bespoke Licence v9" in norm.how
    assert "Totally Bespoke Licence v9" in classify(norm).reason
