"""Values in a checked folder's configuration that the operating system or Python refuses as they are: a pack name
longer than a file name may be, a NUL in a pack path, an integer past Python's 4,300-digit limit in
`pyproject.toml`. Each is one `opencheck: error:` line with exit 2, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.hardening.helpers import one_line_error, run_cli

from opencheck.exit_status import ExitStatus

CARD = "---\nlicense: apache-2.0\n---\n# Tiny model\n"
LONG = "a" * 5000  # past NAME_MAX (255) and PATH_MAX (4096): stat() raises ENAMETOOLONG


@pytest.mark.parametrize(("name", "text", "says"), [
    (".opencheck.yml", f'packs: ["{LONG}"]\n', "unknown rule pack"),
    (".opencheck.yml", f'packs: ["{"a/" * 3000}x.yaml"]\n', "rule pack"),
    (".opencheck.yml", 'packs: ["./x\\x00.yaml"]\n', "$.packs[0]"),
    ("pyproject.toml", "[tool.opencheck]\nfail_under = 1" + "0" * 5000 + "\n", "invalid TOML"),
    ("pyproject.toml", "[tool.opencheck]\npacks = [\"" + LONG + "\"]\n", "unknown rule pack"),
])
def test_configuration_values_the_os_refuses_are_one_error_line(tmp_path: Path, name: str, text: str,
                                                                 says: str) -> None:
    # Fixed: ENAMETOOLONG from the built-in pack look-up, ValueError("embedded null byte") from the confinement
    # check and ValueError from tomllib's int() escaped as internal errors (exit 3).
    (tmp_path / "README.md").write_text(CARD, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    line = one_line_error(run_cli(["check", str(tmp_path)], cwd=tmp_path), ExitStatus.USAGE_ERROR)
    assert says in line


def test_a_pack_name_too_long_for_a_file_name_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD, encoding="utf-8")
    line = one_line_error(run_cli(["check", str(tmp_path), "-p", LONG]), ExitStatus.USAGE_ERROR)
    assert "unknown rule pack" in line


def test_init_of_a_path_too_long_for_the_system_is_a_usage_error(tmp_path: Path) -> None:
    line = one_line_error(run_cli(["init", "a/" * 3000, "-o", str(tmp_path / "o.yaml")], cwd=tmp_path),
                          ExitStatus.USAGE_ERROR)
    assert "too long" in line
