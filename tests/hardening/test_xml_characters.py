"""Characters XML 1.0 forbids even as references (U+FFFE, U+FFFF, lone surrogates) never reach the HTML or JUnit
report, whatever card value or file name carries them."""

from __future__ import annotations

from pathlib import Path

from tests.hardening.helpers import run_cli

from opencheck.exit_status import ExitStatus
from opencheck.output.inert import inert_xml

FORBIDDEN = ("\ufffe", "\uffff", "\ud800")


def test_noncharacters_in_card_values_and_names_are_replaced(tmp_path: Path) -> None:
    # Fixed: the HTML report kept U+FFFE and U+FFFF as they were (the XML gate replaced only C0 controls).
    (tmp_path / "README.md").write_text('---\nlicense: "mit\ufffe\uffff"\ndatasets: ["o/d\ufffe"]\n---\n'
                                        "# M\ufffe\uffff\n", encoding="utf-8")
    (tmp_path / "x\uffff\ufffe.safetensors").write_bytes(b"xx")
    for fmt in ("html", "junit"):
        result = run_cli(["check", str(tmp_path), "-p", "mof", "-f", fmt])
        assert result.code == ExitStatus.SUCCESS, result.err
        assert not any(c in result.out for c in FORBIDDEN), fmt
    assert inert_xml("a\ufffeb\uffffc\ud800d") == "a\ufffdb\ufffdc\ufffdd"
