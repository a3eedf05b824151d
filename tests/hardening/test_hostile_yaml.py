"""Hostile YAML and JSON in all four places opencheck reads it: card front matter, manifests, rule packs and
`.opencheck.yml`. Manifests, packs and config end in exit 2 with one `FILE:LINE:` error; front matter becomes a
`front-matter-invalid` finding at its line and the check goes on.

Loader-level cases (alias bombs, tags, depth, size) are in tests/test_yaml_loading.py; these go through the CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.hardening.helpers import check_json, memory_peak, one_line_error, run_cli

from opencheck.exit_status import ExitStatus

MB = 1024 * 1024
_LAUGHS = "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 10)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
)
# Every document starts with a harmless line, so the hostile part is on line 2 (line 3 of a card, after `---`).
HOSTILE = {
    "billion-laughs": ("x: 1\n" + _LAUGHS + "\n", r"too large: more than \d+ nodes"),
    "deep-flow": ("x: 1\ny: " + "[" * 5000 + "]" * 5000 + "\n", "nesting deeper"),
    "deep-block": ("x: 1\n" + "".join(" " * i + f"k{i}:\n" for i in range(210)) + " " * 210 + "v: 1\n",
                   "nesting deeper"),
    "recursive-alias": ("x: 1\ny: &a [*a]\n", "(nesting deeper|found undefined alias)"),
    "python-object": ("x: 1\ny: !!python/object/apply:os.system ['touch /tmp/opencheck-pwned']\n",
                      "unsupported YAML tag '!!python/object/apply:os.system'"),
    "python-name": ("x: 1\ny: !!python/name:os.system\n", "unsupported YAML tag"),
    "custom-tag": ("x: 1\ny: !vault secret\n", "unsupported YAML tag '!vault'"),
    "binary-tag": ("x: 1\ny: !!binary aGVsbG8=\n", "unsupported YAML tag '!!binary'"),
    "duplicate-key": ("x: 1\nx: 2\n", "duplicate key 'x'"),
    "huge-hex-int": ("x: 1\ny: 0x" + "f" * 5000 + "\n", "too large"),
    "huge-decimal-int": ("x: 1\ny: " + "9" * 5000 + "\n", "invalid scalar"),
    "merge-key": ("x: &a {a: 1}\ny: {<<: *a}\n", "merge keys"),
}
LINE_OF_ISSUE = {"billion-laughs": None, "recursive-alias": None, "deep-block": None, "merge-key": 2}


def _expected_line(name: str) -> int | None:
    return LINE_OF_ISSUE.get(name, 2)


def _located(line: str, file_name: str, expected: int | None, pattern: str) -> None:
    match = re.match(rf"^opencheck: error: (?:.*/)?{re.escape(file_name)}:(\d+): (.*)$", line)
    assert match, line
    if expected is not None:
        assert int(match.group(1)) == expected, line
    assert re.search(pattern, match.group(2)), line
    assert len(line) < 400  # one readable line, never the 5,000-digit value


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_front_matter_is_a_finding_at_its_line_and_the_check_goes_on(tmp_path: Path, name: str) -> None:
    document, pattern = HOSTILE[name]
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text(f"---\n{document}---\n# Model\n\n## Training Data\n\nThe Pile.\n")
    report = check_json(root)
    problems = [p for p in report["problems"] if p["code"] == "front-matter-invalid"]
    assert len(problems) == 1, report["problems"]
    assert problems[0]["location"]["file"] == "README.md"
    expected = _expected_line(name)
    line = problems[0]["location"]["line"]
    assert line == expected + 1 if expected is not None else 2 <= line <= document.count("\n") + 1
    assert re.search(pattern, problems[0]["message"]), problems[0]["message"]
    # The body was still read: the "Training Data" section is evidence for the Datasets component.
    datasets = next(c for c in report["components"] if c["name"] == "Datasets")
    assert datasets["status"] != "absent"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_manifest_is_one_located_error(tmp_path: Path, name: str) -> None:
    document, pattern = HOSTILE[name]
    manifest = tmp_path / "model.yaml"
    manifest.write_text(document)
    line = one_line_error(run_cli(["check", str(manifest), "-p", "mof"]), ExitStatus.USAGE_ERROR)
    _located(line, "model.yaml", _expected_line(name), pattern)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_rule_pack_is_one_located_error(tmp_path: Path, name: str) -> None:
    document, pattern = HOSTILE[name]
    (tmp_path / "pack.yaml").write_text(document)
    (tmp_path / "m").mkdir()
    line = one_line_error(run_cli(["check", str(tmp_path / "m"), "-p", str(tmp_path / "pack.yaml")]),
                          ExitStatus.USAGE_ERROR)
    _located(line, "pack.yaml", _expected_line(name), pattern)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_project_config_is_one_located_error(tmp_path: Path, name: str) -> None:
    document, pattern = HOSTILE[name]
    root = tmp_path / "m"
    root.mkdir()
    (root / ".opencheck.yml").write_text(document)
    line = one_line_error(run_cli(["check", str(root)], cwd=tmp_path), ExitStatus.USAGE_ERROR)
    _located(line, ".opencheck.yml", _expected_line(name), pattern)


def test_billion_laughs_front_matter_in_bounded_memory(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text(f"---\n{HOSTILE['billion-laughs'][0]}---\n# Model\n")
    with memory_peak() as peak:
        report = check_json(root)
        # 10**9 expanded nodes would be tens of GB; the node cap stops at 100,000.
        assert peak() < 100 * MB, peak()
    assert [p["code"] for p in report["problems"]] == ["front-matter-invalid"]


def test_huge_strings_are_bounded_by_the_file_caps(tmp_path: Path) -> None:
    big = "x: '" + "a" * (2 * MB) + "'\n"
    (tmp_path / "model.yaml").write_text(big)
    line = one_line_error(run_cli(["check", str(tmp_path / "model.yaml")]), ExitStatus.USAGE_ERROR)
    assert "limit is 1000000" in line
    root = tmp_path / "m"
    root.mkdir()
    (root / ".opencheck.yml").write_text(big)
    line = one_line_error(run_cli(["check", str(root)], cwd=tmp_path), ExitStatus.USAGE_ERROR)
    assert ".opencheck.yml:1:" in line and "limit is 1000000" in line
    # A 1.5 MB string in front matter is under the card cap: read, and the check goes on.
    (root / ".opencheck.yml").unlink()
    (root / "README.md").write_text("---\nlicense: mit\nnote: '" + "a" * (3 * MB // 2) + "'\n---\n# M\n")
    report = check_json(root)
    assert report["problems"] == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"a": ' + "1" * 5000 + "}", "invalid JSON"),  # fixed: a ValueError escaped as an internal error
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100_000 + "]" * 100_000, "nesting too deep"),
        ('{"a": "' + "b" * 1000 + "", "invalid JSON"),
    ],
)
def test_hostile_config_json_is_a_finding(tmp_path: Path, content: str, fragment: str) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "config.json").write_text(content)
    report = check_json(root)
    problems = [p for p in report["problems"] if p["code"] == "config-invalid"]
    assert len(problems) == 1 and fragment in problems[0]["message"], report["problems"]
    json.dumps(report)
