"""Defusing CI workflow commands looks for its literals first: the same output as running both patterns on every
text, and a text without "::" or "##" (a usual report) is never scanned by the position-by-position pattern."""

from __future__ import annotations

import itertools
import re

import pytest

from opencheck.output import inert

PIECES = ("::", "##[", "##vso[", "##VSO[", "#", ":", "\n", "\r", " ", "\t", "\u00a0", "\ufeff", "\x1b[31m", "error",
          "x", "&", "::add-mask::", "a::b")


def _ungated(text: str, xml: bool) -> str:
    """What the two patterns give when run unconditionally (the behaviour before the gate)."""
    if xml:
        text = inert._WORKFLOW_COMMAND.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2)[0])};{m.group(2)[1:]}", text)
        return inert._AZURE_COMMAND.sub(r"#&#35;\1", text)
    text = inert._WORKFLOW_COMMAND.sub(rf"\1{inert.COMMAND_MARK}\2", text)
    return inert._AZURE_COMMAND.sub(rf"##{inert.COMMAND_MARK}\1", text)


def test_the_gate_gives_the_ungated_answer_for_every_short_combination() -> None:
    compared = 0
    for size in (1, 2, 3):
        for parts in itertools.product(PIECES, repeat=size):
            text = "".join(parts)
            assert inert.inert_commands(text) == _ungated(text, xml=False), repr(text)
            assert inert._xml_inert_commands(text) == _ungated(text, xml=True), repr(text)
            compared += 1
    assert compared == len(PIECES) + len(PIECES) ** 2 + len(PIECES) ** 3


class _Counting:
    """A pattern that counts its substitutions."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls = pattern, 0

    def sub(self, replacement: object, text: str) -> str:
        self.calls += 1
        return self.pattern.sub(replacement, text)  # type: ignore[arg-type]


@pytest.mark.parametrize("function", [inert.inert_commands, inert.inert_json, inert.inert_xml])
def test_a_report_without_command_literals_is_not_scanned(monkeypatch: pytest.MonkeyPatch, function: object) -> None:
    workflow, azure = _Counting(inert._WORKFLOW_COMMAND), _Counting(inert._AZURE_COMMAND)
    monkeypatch.setattr(inert, "_WORKFLOW_COMMAND", workflow)
    monkeypatch.setattr(inert, "_AZURE_COMMAND", azure)
    report = '{\n  "url": "https://example.org/a#b",\n  "note": "ratio 3:2 # not a command"\n}\n' * 500
    assert function(report) == report  # type: ignore[operator]
    assert (workflow.calls, azure.calls) == (0, 0)
    hostile = report + "::error::x\n"
    assert function(hostile) != hostile  # type: ignore[operator]
    assert workflow.calls == 1
