"""Safetensors headers are read without touching tensor data, and hostile headers are refused."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest
from tests.sources.helpers import safetensors_bytes, write_safetensors

from opencheck.sources.safetensors_header import (
    parse_safetensors_index,
    read_safetensors_header,
    read_safetensors_index,
)


def test_counts_parameters_per_dtype(tmp_path: Path) -> None:
    path = write_safetensors(
        tmp_path / "model.safetensors",
        {
            "embed": ("BF16", [32, 8]),
            "norm": ("F32", [8]),
            "scalar": ("F32", []),
            "empty": ("F16", [0, 4]),
        },
        metadata={"format": "pt"},
    )
    summary, problems = read_safetensors_header(path, "model.safetensors")
    assert problems == []
    assert summary is not None
    assert summary.parameters == 256 + 8 + 1
    assert summary.dtypes == {"BF16": 256, "F32": 9, "F16": 0}
    assert summary.tensors == 4
    assert summary.metadata == {"format": "pt"}


def test_huge_claimed_header_is_refused_without_allocation(tmp_path: Path) -> None:
    path = tmp_path / "evil.safetensors"
    path.write_bytes(struct.pack("<Q", 2**60) + b"{}")
    summary, problems = read_safetensors_header(path, "evil.safetensors")
    assert summary is None
    assert problems[0].code == "safetensors-invalid"
    assert str(2**60) in problems[0].message
    assert problems[0].provenance.file == "evil.safetensors"


def test_header_longer_than_file_or_cap(tmp_path: Path) -> None:
    path = tmp_path / "short.safetensors"
    path.write_bytes(struct.pack("<Q", 100) + b"{}")
    assert read_safetensors_header(path)[0] is None
    good = write_safetensors(tmp_path / "ok.safetensors", {"w": ("F32", [2])})
    summary, problems = read_safetensors_header(good, max_header_bytes=4)
    assert summary is None and "limit 4" in problems[0].message


@pytest.mark.parametrize(
    "payload", [b"{not json", b"[1, 2]", b'{"w": {"dtype": "F32", "shape": [-1]}}', b'{"w": 3}', b"\xff\xfe"]
)
def test_malformed_headers(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", len(payload)) + payload)
    summary, problems = read_safetensors_header(path, "bad.safetensors")
    assert summary is None
    assert problems[0].code == "safetensors-invalid"


def test_too_short_and_truncated(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.safetensors"
    tiny.write_bytes(b"\x01\x02")
    assert read_safetensors_header(tiny)[1][0].code == "safetensors-invalid"
    data = safetensors_bytes({"w": ("F32", [1000])})
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[:-100])  # an interrupted download
    summary, problems = read_safetensors_header(cut)
    assert summary is not None and summary.parameters == 1000
    assert [p.code for p in problems] == ["safetensors-truncated"]


def test_fifo_is_not_opened_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    summary, problems = read_safetensors_header(fifo)
    assert summary is None and problems[0].code == "unreadable"


def test_index(tmp_path: Path) -> None:
    index = {
        "metadata": {"total_size": 1234},
        "weight_map": {
            "a": "model-00001-of-00002.safetensors",
            "b": "model-00002-of-00002.safetensors",
            "c": "model-00001-of-00002.safetensors",
        },
    }
    path = tmp_path / "model.safetensors.index.json"
    path.write_text(json.dumps(index))
    parsed, problems = read_safetensors_index(path, "model.safetensors.index.json")
    assert problems == [] and parsed is not None
    assert parsed.total_size == 1234
    assert parsed.shards == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    assert parsed.tensors == 3


def test_index_errors_and_cap() -> None:
    assert parse_safetensors_index(b"{", "i.json")[1][0].code == "weights-index-invalid"
    assert parse_safetensors_index(b'{"metadata": {}}', "i.json")[1][0].code == "weights-index-invalid"
    big = b'{"weight_map": {}}' + b" " * 100
    assert parse_safetensors_index(big, "i.json", max_bytes=50)[1][0].code == "weights-index-invalid"
    deep = b"[" * 100_000 + b"]" * 100_000
    assert parse_safetensors_index(deep, "i.json")[1][0].code == "weights-index-invalid"
