"""opencheck's own YAML data files: a damaged one is a ConfigError naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck._resources import load_packaged_mapping, rules_dir
from opencheck.errors import ConfigError


@pytest.mark.parametrize(("text", "expected"), [
    (None, ": cannot read the table: No such file or directory"),  # missing file
    ("a: [unclosed\n", ":2: cannot read the table: did not find expected ',' or ']'"),
    ("- a list\n", ": expected a mapping with a 'rows' mapping"),
    ("rows: [1, 2]\n", ": expected a mapping with a 'rows' mapping"),
])
def test_damaged_data_file_is_one_config_error(tmp_path: Path, text: str | None, expected: str) -> None:
    path = tmp_path / "table.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_packaged_mapping(path, "rows", "the table")
    assert str(caught.value) == f"{path}{expected}" and "\n" not in str(caught.value)


@pytest.mark.parametrize(("name", "key"), [("licenses.yaml", "licenses"), ("fingerprints.yaml", "licences"),
                                           ("libraries.yaml", "libraries"), ("benchmarks.yaml", "benchmarks"),
                                           ("training_datasets.yaml", "corpora"),
                                           ("base_models.yaml", "families")])
def test_shipped_data_files_load(name: str, key: str) -> None:
    assert load_packaged_mapping(rules_dir() / "licenses" / name, key, name)[key]
