"""Safe YAML/JSON loading: plain data, line numbers, and one-line `FILE:LINE: message` errors."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from opencheck.errors import InputError
from opencheck.yaml_loading import load_json_file, load_json_text, load_yaml, load_yaml_file

LOCATED = re.compile(r"^[^\n]+:\d+: [^\n]+$")

MANIFEST = """\
framework:
  name: Model Openness Framework
  version: '1.0'
  date: 2024-12-15
release:
  name: demo
  license:
    distribution:
      name: Apache-2.0
  components:
    - name: Model architecture
      license: MIT
    - name: Datasets
"""


def error_of(text: str | bytes, **kwargs: int) -> str:
    with pytest.raises(InputError) as info:
        load_yaml(text, "opencheck.yaml", **kwargs)
    message = str(info.value)
    assert LOCATED.match(message), message
    assert message.startswith("opencheck.yaml:")
    return message


def test_plain_data_and_dates_as_strings() -> None:
    doc = load_yaml(MANIFEST, "m.yaml")
    assert doc.data["framework"]["date"] == "2024-12-15"
    assert isinstance(doc.data["framework"]["date"], str)
    assert doc.data["release"]["components"][1] == {"name": "Datasets"}
    stamped = load_yaml("t: 2001-12-14t21:59:43.10-05:00\n", "x").data
    assert stamped == {"t": "2001-12-14T21:59:43.100000-05:00"}


def test_line_numbers() -> None:
    doc = load_yaml(MANIFEST, "m.yaml")
    assert doc.line_of(()) == 1
    assert doc.line_of(("framework", "date")) == 4
    assert doc.line_of(("release", "license", "distribution", "name")) == 9
    assert doc.line_of(("release", "components", 0)) == 11
    assert doc.line_of(("release", "components", 0, "license")) == 12
    assert doc.line_of(("release", "components", 1, "name")) == 13
    # Falls back to the nearest ancestor.
    assert doc.line_of(("release", "components", 1, "license")) == 13
    assert doc.line_of(["release", "nope", "deeper"]) == 5
    assert doc.location(("release", "name")) == "m.yaml:6"


def test_keys_are_strings() -> None:
    assert load_yaml("1.0: a\non: b\nnull: c\n", "x").data == {"1.0": "a", "on": "b", "null": "c"}


def test_empty_document() -> None:
    doc = load_yaml("# nothing\n", "x")
    assert doc.data is None
    assert doc.line_of(("a",)) is None


def test_duplicate_key() -> None:
    message = error_of("release:\n  name: a\n  license: MIT\n  version: '1'\n\n\n  license: Apache-2.0\n")
    assert message.startswith("opencheck.yaml:7: duplicate key 'license'")


def test_python_tag_rejected() -> None:
    message = error_of("a: 1\nb: !!python/object/apply:os.system ['echo pwned']\n")
    assert message.startswith("opencheck.yaml:2: unsupported YAML tag '!!python/object/apply:os.system'")


@pytest.mark.parametrize("text", ["a: !custom x\n", "a: !!binary aGk=\n", "a: !!set {x}\n", "!foo {a: 1}\n"])
def test_other_tags_rejected(text: str) -> None:
    assert "unsupported YAML tag" in error_of(text)


def test_billion_laughs_rejected_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    message = error_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 5
    assert "more than 100000 nodes" in message


def test_recursive_alias_rejected() -> None:
    assert "nesting deeper than" in error_of("a: &a [*a]\n")


def test_deep_nesting_rejected() -> None:
    assert "nesting deeper than 200 levels" in error_of("[" * 5000 + "]" * 5000)
    block = "".join("  " * i + "k:\n" for i in range(250))
    assert error_of(block).startswith("opencheck.yaml:200: nesting deeper than 200 levels")


def test_moderate_nesting_allowed() -> None:
    assert load_yaml("[" * 150 + "]" * 150, "x").data is not None


def test_oversize_rejected_before_parsing() -> None:
    # Invalid YAML, so the size check must fire first to produce this message.
    assert "larger than the 100-byte limit" in error_of(": [" * 50, max_bytes=100)
    assert "larger than" in error_of(b"a" * 101, max_bytes=100)


def test_oversize_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 100)
    with pytest.raises(InputError, match=r"^big\.yaml:1: file is larger"):
        load_yaml_file(path, display_name="big.yaml", max_bytes=50)


def test_non_utf8_rejected() -> None:
    assert error_of(b"a: 1\nb: caf\xe9\n").startswith("opencheck.yaml:2: not valid UTF-8")
    assert "not valid UTF-8" in error_of("a: 1\n".encode("utf-16"))


def test_utf8_bom_accepted() -> None:
    assert load_yaml(b"\xef\xbb\xbfa: caf\xc3\xa9\n", "x").data == {"a": "café"}


def test_syntax_error_is_one_line() -> None:
    assert error_of("a: b\n c: d\n").startswith("opencheck.yaml:2:")
    assert "single document" in error_of("a: 1\n---\nb: 2\n")
    assert error_of("a: [1, 2\n")


def test_control_character_rejected() -> None:
    assert error_of("a: 1\nb: x\x00\n").startswith("opencheck.yaml:2: unacceptable character")


def test_merge_keys_rejected() -> None:
    assert "merge keys" in error_of("a: &a {x: 1}\nb:\n  <<: *a\n")


def test_collection_keys_rejected() -> None:
    assert "mapping keys must be plain scalars" in error_of("? [a]\n: b\n")


def test_file_loading(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    doc = load_yaml_file(path, display_name="shown.yaml")
    assert doc.source == "shown.yaml"
    assert doc.data["release"]["name"] == "demo"
    with pytest.raises(InputError, match=r"^missing\.yaml:1: cannot read file"):
        load_yaml_file(tmp_path / "nope.yaml", display_name="missing.yaml")


def test_json_loading_with_lines() -> None:
    doc = load_json_text('{\n  "a": 1,\n  "b": {"c": [1,\n 2]}\n}\n', "x.json")
    assert doc.data == {"a": 1, "b": {"c": [1, 2]}}
    assert doc.line_of(("b", "c", 1)) == 4


def test_json_duplicate_key() -> None:
    with pytest.raises(InputError, match=r"^x\.json:3: duplicate key 'a'"):
        load_json_text('{"x": {"a": 1},\n "a": 1,\n "a": 2}', "x.json")


def test_json_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^x\.json:2: invalid JSON"):
        load_json_text('{"a": 1,\n }', "x.json")
    with pytest.raises(InputError, match=r"^x\.json:1: file is larger"):
        load_json_text("[" + "1," * 100 + "1]", "x.json", max_bytes=50)
    with pytest.raises(InputError, match="nesting too deep"):
        load_json_text("[" * 100_000 + "]" * 100_000, "x.json")
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_json_text(b'{"a": "\xff"}', "x.json")
    path = tmp_path / "f.json"
    path.write_text('{"a": [1]}', encoding="utf-8")
    assert load_json_file(path).data == {"a": [1]}


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 1


def test_nesting_bound_never_underestimates() -> None:
    """The C composer is only trusted when the bound says the document is shallow enough; the bound must hold."""
    import yaml
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from opencheck.yaml_loading import _nesting_bound

    leaves = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none())
    trees = st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=3)),
        max_leaves=30)

    @settings(max_examples=80, deadline=None)
    @given(trees, st.booleans())
    def check(tree: object, flow: bool) -> None:
        text = yaml.safe_dump(tree, default_flow_style=flow)
        assert _nesting_bound(text) >= _depth(tree)

    check()


def test_deep_documents_take_the_bounded_path_and_fail_cleanly() -> None:
    deep = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 400))
    with pytest.raises(InputError, match="nesting deeper than"):
        load_yaml(deep + " " * 400 + "c: 1\n", "deep.yaml")
    assert load_yaml("x: [1, [2, [3]]]\n", "ok.yaml").data == {"x": [1, [2, [3]]]}
