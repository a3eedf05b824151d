"""Compiled JSON forms of packaged data: read back only when made from the same bytes; damaged, stale or unstorable
forms are ignored; a folder that cannot be written only costs time; packs and the licence table are unchanged."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from opencheck import data_cache
from opencheck._resources import load_packaged_mapping, load_packaged_yaml, rules_dir
from opencheck.data_cache import cache_path, compiled, json_exact
from opencheck.errors import ConfigError
from opencheck.licenses import data as licence_data
from opencheck.rulepacks import load as pack_load


class Counting:
    """A build function that counts its calls."""

    def __init__(self, value: Any) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_a_compiled_form_is_written_then_read_instead_of_building(tmp_path: Path) -> None:
    source = tmp_path / "table.yaml"
    source.write_text("x: 1\n")
    build = Counting({"x": [1, 2.5, "y", None, True]})
    assert compiled(source, "yaml", "k1", build) == build.value
    assert compiled(source, "yaml", "k1", build) == build.value
    assert build.calls == 1
    assert cache_path(source, "yaml") == tmp_path / "__pycache__" / "table.yaml.yaml.json"
    assert json.loads(cache_path(source, "yaml").read_text())["key"] == "k1"


def test_another_key_rebuilds_and_replaces_the_form(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    compiled(source, "yaml", "old", Counting({"v": "old"}))
    fresh = Counting({"v": "new"})
    assert compiled(source, "yaml", "new", fresh) == {"v": "new"} and fresh.calls == 1
    assert compiled(source, "yaml", "new", Counting(None)) == {"v": "new"}  # the replaced form is read back


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[]", b'{"format": "other", "key": "k", "data": 1}',
                                    b'{"format": "opencheck-data-cache-1", "key": "k"}', b"\xff\xfe"])
def test_a_damaged_form_is_ignored_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    source = tmp_path / "t.yaml"
    path = cache_path(source, "yaml")
    path.parent.mkdir()
    path.write_bytes(damage)
    build = Counting({"ok": 1})
    assert compiled(source, "yaml", "k", build) == {"ok": 1} and build.calls == 1
    assert compiled(source, "yaml", "k", Counting(None)) == {"ok": 1}


@pytest.mark.parametrize("value", [{"d": datetime.date(2024, 1, 2)}, {1: "int key"}, {"t": (1, 2)},
                                   {"f": float("nan")}, {"s": {1, 2}}, [b"bytes"]])
def test_what_json_cannot_hold_exactly_is_never_stored(tmp_path: Path, value: Any) -> None:
    source = tmp_path / "t.yaml"
    assert not json_exact(value)
    build = Counting(value)
    assert compiled(source, "yaml", "k", build) == value
    assert compiled(source, "yaml", "k", build) == value
    assert build.calls == 2 and not cache_path(source, "yaml").exists()


def test_a_folder_where_the_cache_cannot_go_only_costs_time(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    (tmp_path / "__pycache__").write_text("a file where the cache folder would be")
    build = Counting({"a": 1})
    assert compiled(source, "yaml", "k", build) == {"a": 1}
    assert compiled(source, "yaml", "k", build) == {"a": 1}
    assert build.calls == 2 and list(tmp_path.iterdir()) == [tmp_path / "__pycache__"]


def test_packaged_yaml_follows_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "table.yaml"
    path.write_text("rows: {a: 1}\n")
    assert load_packaged_yaml(path) == {"rows": {"a": 1}}
    assert load_packaged_yaml(path) == {"rows": {"a": 1}}  # from the compiled form
    path.write_text("rows: {a: 2}\n")
    assert load_packaged_yaml(path) == {"rows": {"a": 2}}
    path.write_text("rows: [unclosed\n")
    with pytest.raises(ConfigError, match=r"table\.yaml:2: cannot read the table"):
        load_packaged_mapping(path, "rows", "the table")


def test_packaged_yaml_with_a_date_is_parsed_every_time(tmp_path: Path) -> None:
    path = tmp_path / "table.yaml"
    path.write_text("rows: {when: 2024-12-15}\n")
    assert load_packaged_yaml(path) == {"rows": {"when": datetime.date(2024, 12, 15)}}
    assert load_packaged_yaml(path) == {"rows": {"when": datetime.date(2024, 12, 15)}}


@pytest.mark.parametrize("pack", pack_load.builtin_pack_names())
def test_every_builtin_pack_reads_the_same_from_its_compiled_form(pack: str) -> None:
    path = pack_load.builtin_packs_dir() / f"{pack}.yaml"
    parsed = yaml.load(path.read_bytes(), Loader=yaml.SafeLoader)
    assert pack_load._read_builtin(path, pack)[0] == parsed
    assert pack_load._read_builtin(path, pack)[0] == parsed  # the second read is the compiled form


def test_the_licence_tables_loose_index_is_the_computed_one() -> None:
    path = licence_data.table_path()
    table = licence_data.load_table()
    assert table.loose == licence_data._loose_index(table.entries)
    stored = json.loads(cache_path(path, "loose-index").read_text())
    assert stored["data"] == table.loose and stored["format"] == data_cache.FORMAT


def test_shipped_data_files_load_the_same_through_their_compiled_forms() -> None:
    for path in sorted((rules_dir() / "licenses").glob("*.yaml")):
        parsed = yaml.load(path.read_bytes(), Loader=yaml.SafeLoader)
        assert load_packaged_yaml(path) == parsed
        assert load_packaged_yaml(path) == parsed


def _fresh_digests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    store = tmp_path / "pycache" / "file-digests.json"
    monkeypatch.setattr(data_cache, "_digests_path", lambda: store)
    monkeypatch.setattr(data_cache, "_digest_memo", {})
    return store


def test_a_file_digest_is_remembered_by_size_and_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import os

    store = _fresh_digests(monkeypatch, tmp_path)
    source = tmp_path / "index.json"
    source.write_bytes(b'{"a": 1}')
    os.utime(source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert data_cache.file_digest(source) == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert store.is_file()
    # A new process (memo empty) reads the stored digest instead of hashing: the same size and time are trusted,
    # as Python trusts a source file's for its bytecode.
    monkeypatch.setattr(data_cache, "_digest_memo", {})
    source.write_bytes(b'{"b": 2}')
    os.utime(source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert data_cache.file_digest(source) == hashlib.sha256(b'{"a": 1}').hexdigest()
    # Edited (a new time) or grown: hashed afresh.
    os.utime(source, ns=(1_700_000_001_000_000_000, 1_700_000_001_000_000_000))
    assert data_cache.file_digest(source) == hashlib.sha256(b'{"b": 2}').hexdigest()
    source.write_bytes(b'{"b": 22}')
    os.utime(source, ns=(1_700_000_001_000_000_000, 1_700_000_001_000_000_000))
    assert data_cache.file_digest(source) == hashlib.sha256(b'{"b": 22}').hexdigest()


def test_a_file_changed_just_now_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    store = _fresh_digests(monkeypatch, tmp_path)
    source = tmp_path / "fresh.yaml"
    source.write_bytes(b"x: 1\n")  # its time is now: a second write within the same time stamp could go unseen
    assert data_cache.file_digest(source) == hashlib.sha256(b"x: 1\n").hexdigest()
    assert not store.exists() and str(source) not in data_cache._digest_memo


def test_a_damaged_digest_store_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import os

    store = _fresh_digests(monkeypatch, tmp_path)
    store.parent.mkdir()
    store.write_text("{not json")
    source = tmp_path / "t.json"
    source.write_bytes(b"[]")
    os.utime(source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert data_cache.file_digest(source) == hashlib.sha256(b"[]").hexdigest()
    assert json.loads(store.read_text())["data"][str(source)][2] == hashlib.sha256(b"[]").hexdigest()
