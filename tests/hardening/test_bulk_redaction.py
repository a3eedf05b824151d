"""A report's long lists (100,000 file entries) are checked for secrets in one pass, never less strictly (issue 22)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from opencheck.evidence import FileEntry, FileKind, Provenance
from opencheck.output.redact import REDACTED, Redactor, scrub_data

SECRET_TEXTS = [
    "hf_abcdefghijklmnopqrstuvwxyz0123",
    "weights/ghp_abcdefghijklmnopqrstuvwxyz0123.bin",
    "Authorization: Bearer abc.def-ghi",
    "https://user:p4ssw0rd@host.example/repo.git",
    "GET /x?token=sekrit-value",
    "AWS key AKIAABCDEFGHIJKLMNOP in a log",
    "HF_TOKEN=hf_short0123",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
    "the exact value s3cr3t-v4lue-from-env somewhere",
]


def _entries(odd: str, at: int, total: int = 200) -> list[FileEntry]:
    return [FileEntry(path=odd if i == at else f"data/part{i:06d}.py", size=i, kind=FileKind.CODE)
            for i in range(total)]


@pytest.mark.parametrize("text", SECRET_TEXTS)
@pytest.mark.parametrize("at", [0, 57, 199])
def test_a_secret_anywhere_in_a_long_list_is_redacted_as_one_by_one(text: str, at: int) -> None:
    redactor = Redactor(["s3cr3t-v4lue-from-env"])
    for items in (_entries(text, at), [Provenance(file=f"f{i}", note=text if i == at else "ok") for i in range(200)],
                  [text if i == at else f"line {i}" for i in range(200)]):
        fast = scrub_data(items, redactor.scrub, redactor.clean)
        slow = scrub_data(items, redactor.scrub)
        assert fast == slow and fast is not items
        assert REDACTED in repr(fast)


def _counting_scrubber() -> tuple[list[int], Callable[[str], str], Callable[[list[str]], bool]]:
    """A scrub and a bulk clean-check that record the length of every text they are asked to scrub."""
    calls: list[int] = []
    redactor = Redactor(["s3cr3t-v4lue-from-env"])

    def scrub(text: str) -> str:
        calls.append(len(text))
        return redactor.scrub(text)

    def clean(texts: list[str]) -> bool:
        joined = "\n".join(texts)
        return scrub(joined) == joined

    return calls, scrub, clean


def test_a_clean_long_list_costs_one_scrub_not_one_per_entry() -> None:
    calls, scrub, clean = _counting_scrubber()
    items = _entries("README.md", 0, 10_000)
    assert scrub_data(items, scrub, clean) is items
    assert len(calls) == 1


def test_a_match_across_two_entries_falls_back_to_one_by_one() -> None:
    # Joined, "authorization:" and the next entry look like a header; one by one neither is a secret.
    items = ["x"] * 40 + ["authorization:", "abcd1234efgh"] + ["y"] * 40
    redactor = Redactor()
    assert not redactor.clean(items)
    assert scrub_data(items, redactor.scrub, redactor.clean) == items


def test_short_lists_and_nested_records_take_the_usual_path() -> None:
    redactor = Redactor()
    nested = [{"token": "ghp_abcdefghijklmnopqrstuvwxyz0123"}] * 40
    assert scrub_data(nested, redactor.scrub, redactor.clean)[0]["token"] == REDACTED
    short = ["hf_abcdefghijklmnopqrstuvwxyz0123"]
    assert scrub_data(short, redactor.scrub, redactor.clean) == [REDACTED]


def test_the_bulk_check_never_reads_fields_declared_as_numbers() -> None:
    # A local file's size costs a stat to read (sources/local_walk.py): checking paths for secrets must not ask.
    from dataclasses import dataclass

    reads: list[int] = []

    @dataclass(frozen=True)
    class Counted:
        path: str
        size: int

        def __getattribute__(self, name: str) -> object:
            if name == "size":
                reads.append(1)
            return object.__getattribute__(self, name)

    items = [Counted(f"data/part{i:06d}.py", i) for i in range(100)]
    redactor = Redactor()
    assert scrub_data(items, redactor.scrub, redactor.clean) is items and reads == []
    secret = [*items[:50], Counted("hf_abcdefghijklmnopqrstuvwxyz0123", 1), *items[50:]]
    assert REDACTED in repr(scrub_data(secret, redactor.scrub, redactor.clean))  # text fields are still checked


def test_equal_texts_are_scrubbed_once_per_call_with_the_same_result_and_unchanged_objects_kept() -> None:
    """A batch outcome repeats its row keys and values once per pack: each distinct text costs one scrub."""
    redactor = Redactor(["s3cr3t-v4lue-from-env"])
    seen: list[str] = []

    def counting(text: str) -> str:
        seen.append(text)
        return redactor.scrub(text)

    secret = "token s3cr3t-v4lue-from-env"
    # Equal texts built at run time, so they are distinct objects (constants would be one interned object).
    rows = [{"weights_licence_class": "".join(["open", "-licence"]), "note": "".join(["token ", secret[6:]]),
             "target": "".join(["org/", "model-name"])} for _ in range(3)]
    outcome = {"rows": rows, "report": secret}
    scrubbed = scrub_data(outcome, counting)
    assert sorted(seen) == sorted({"rows", "report", "weights_licence_class", "note", "target", "open-licence",
                                   secret, "org/model-name"})
    assert scrubbed == {"rows": [{"weights_licence_class": "open-licence", "note": f"token {REDACTED}",
                                  "target": "org/model-name"}] * 3, "report": f"token {REDACTED}"}
    # A text that needed no change is its own object in the copy, not the first equal one met.
    assert all(new["target"] is old["target"] for new, old in zip(scrubbed["rows"], rows, strict=True))
    clean = [{"target": "".join(["org/", "model-name"])} for _ in range(3)]
    assert scrub_data(clean, counting) is clean


def _report_like(odd: str, where: str) -> dict[str, object]:
    """A nested tree shaped like a report: records, tuples, a dict, a long list of file entries."""
    files = _entries(odd if where == "files" else "README.md", 3, 100)
    return {
        odd if where == "key" else "target": "examples/open-model",
        "rules": [Provenance(file="README.md", line=i, note=odd if (where, i) == ("note", 7) else f"rule {i}")
                  for i in range(12)],
        "components": (("Model card", odd if where == "tuple" else "present"), ("Datasets", None)),
        "files": files,
        "counts": {"files": 100, "bytes": 1.5},
    }


@pytest.mark.parametrize("text", SECRET_TEXTS)
@pytest.mark.parametrize("where", ["key", "note", "tuple", "files"])
def test_a_secret_anywhere_in_a_tree_is_redacted_as_one_by_one(text: str, where: str) -> None:
    redactor = Redactor(["s3cr3t-v4lue-from-env"])
    tree = _report_like(text, where)
    fast = scrub_data(tree, redactor.scrub, redactor.clean)
    assert fast == scrub_data(tree, redactor.scrub) and fast is not tree
    assert REDACTED in repr(fast)


def test_a_clean_tree_costs_one_scrub_not_one_per_string() -> None:
    calls, scrub, clean = _counting_scrubber()
    tree = _report_like("ordinary words", "note")
    assert scrub_data(tree, scrub, clean) is tree
    assert len(calls) == 1
