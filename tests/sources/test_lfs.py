"""Git LFS pointer files in a clone made without `git lfs`: published weights, named as such, never parsed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from tests.clirunner import run_cli
from tests.sources.helpers import write_safetensors

from opencheck.collect import collect
from opencheck.evidence import FileKind
from opencheck.interchange.bom import build_bom
from opencheck.sources.lfs import parse_lfs_pointer, read_lfs_pointer

CARD = "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# Model\n\nA model.\n"


def pointer(content_name: str, size: int = 4_943_000_000) -> tuple[bytes, str]:
    """A pointer file as git-lfs writes it, and its oid."""
    oid = hashlib.sha256(content_name.encode()).hexdigest()
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n".encode(), oid


def _model(tmp_path: Path) -> tuple[Path, str]:
    folder = tmp_path / "clone"
    folder.mkdir()
    (folder / "README.md").write_text(CARD)
    (folder / "config.json").write_text('{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}')
    data, oid = pointer("model.safetensors")
    (folder / "model.safetensors").write_bytes(data)
    return folder, oid


def _report(folder: Path, pack: str = "mof") -> dict:
    result = run_cli(["check", str(folder), "-p", pack, "-f", "json"])
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_pointer_named_model_safetensors_is_published_weights_not_invalid(tmp_path: Path) -> None:
    folder, oid = _model(tmp_path)
    report = _report(folder)
    codes = [p["code"] for p in report["problems"]]
    assert "safetensors-invalid" not in codes
    (problem,) = [p for p in report["problems"] if p["code"] == "lfs-pointer"]
    assert problem["location"]["file"] == "model.safetensors"
    assert problem["message"] == (f"published through Git LFS; content not in this checkout "
                                  f"(oid sha256:{oid}, 4,943,000,000 bytes)")
    final = next(c for c in report["components"] if c["name"] == "Model parameters (Final)")
    assert final["status"] == "present"
    assert final["evidence"] == [f"model.safetensors: published through Git LFS; content not in this checkout "
                                 f"(oid sha256:{oid}, 4,943,000,000 bytes)"]


def test_every_finding_that_names_the_pointer_says_so(tmp_path: Path) -> None:
    folder, oid = _model(tmp_path)
    for pack in ("mof", "open-training", "osaid", "release"):
        for result in _report(folder, pack)["packs"][0]["results"]:
            for item in result["evidence"]:
                if item.get("file") == "model.safetensors":
                    assert "published through Git LFS" in item.get("note", ""), (pack, result["rule_id"], item)
                    assert oid in item["note"]


def test_pointer_gives_size_and_sha256_to_the_evidence_and_the_bom(tmp_path: Path) -> None:
    folder, oid = _model(tmp_path)
    evidence = collect(str(folder))
    entry = next(f for f in evidence.files if f.path == "model.safetensors")
    assert entry.kind == FileKind.WEIGHTS and entry.size == 4_943_000_000 and entry.sha256 == oid
    assert evidence.weights.parameters is None  # never parsed: the count is unknown, not zero
    spdx = json.loads(build_bom(evidence, "spdx", "2026-01-01T00:00:00Z"))
    model = next(e for e in spdx["@graph"] if e["type"] == "ai_AIPackage")
    assert model["verifiedUsing"] == [{"type": "Hash", "algorithm": "sha256", "hashValue": oid}]


def test_sharded_pointers_and_checkpoint_pointers(tmp_path: Path) -> None:
    folder = tmp_path / "clone"
    (folder / "checkpoint-500").mkdir(parents=True)
    (folder / "README.md").write_text(CARD)
    shards = [f"model-0000{i}-of-00002.safetensors" for i in (1, 2)]
    for shard in shards:
        (folder / shard).write_bytes(pointer(shard)[0])
    (folder / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": 10}, "weight_map": {"a": shards[0], "b": shards[1]}}))
    (folder / "checkpoint-500" / "model.safetensors").write_bytes(pointer("ckpt")[0])
    evidence = collect(str(folder))
    assert sorted(evidence.lfs_pointers) == ["checkpoint-500/model.safetensors", *shards]
    assert not [p for p in evidence.problems if p.code.startswith(("safetensors", "weights-shard"))]
    (name, provenance), = evidence.checkpoints
    assert name == "checkpoint-500" and "published through Git LFS" in (provenance.note or "")
    assert evidence.components["Model parameters (Intermediate)"].status.value == "present"


def test_real_weights_next_to_pointers_are_still_read(tmp_path: Path) -> None:
    folder, _oid = _model(tmp_path)
    (folder / "model.safetensors").unlink()
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [4, 4])})
    (folder / "tokenizer.model").write_bytes(pointer("tokenizer.model", 500_000)[0])
    evidence = collect(str(folder))
    assert evidence.weights.parameters == 16
    assert list(evidence.lfs_pointers) == ["tokenizer.model"]


@pytest.mark.parametrize("data", [
    b"version https://git-lfs.github.com/spec/v1\nsize 12\n",  # no oid
    b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",  # short oid
    b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize many\n",
    b"version https://example.org/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 1\n",
    b"\x00" * 200,
])
def test_malformed_pointers_are_not_pointers(data: bytes) -> None:
    assert parse_lfs_pointer(data) is None


def test_large_file_with_the_pointer_prefix_is_not_a_pointer(tmp_path: Path) -> None:
    data, _ = pointer("x")
    path = tmp_path / "model.bin"
    path.write_bytes(data + b"#" * 2000)
    assert read_lfs_pointer(str(path)) is None
    path.write_bytes(data)
    assert read_lfs_pointer(str(path)) is not None


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "model.safetensors")
    assert read_lfs_pointer(str(tmp_path / "model.safetensors")) is None  # returns at once, no writer needed


def test_data_files_in_lfs_are_named_as_pointers_too(tmp_path: Path) -> None:
    folder, _oid = _model(tmp_path)
    data, oid = pointer("data/train.parquet", 7_000)
    (folder / "data").mkdir()
    (folder / "data" / "train.parquet").write_bytes(data)
    (folder / "notes.py").write_bytes(data)  # code is never probed: it is read as code, not as a large file
    evidence = collect(str(folder))
    assert sorted(evidence.lfs_pointers) == ["data/train.parquet", "model.safetensors"]
    datasets = evidence.components["Datasets"]
    assert [p.note for p in datasets.evidence if p.file == "data/train.parquet"] == [
        f"data file in the repository; published through Git LFS; content not in this checkout "
        f"(oid sha256:{oid}, 7,000 bytes)"]


def test_the_probe_name_test_is_the_suffix_and_tfevents_rule() -> None:
    # find_lfs_pointers sees every file, so it tests the last dot's suffix in a set: it must say what the rule says.
    from opencheck.sources.lfs import LFS_SUFFIXES, _probed_name

    assert all(suffix.startswith(".") and suffix.count(".") == 1 for suffix in LFS_SUFFIXES)
    stems = ["model", "a.b", "x.tar", "events.out.tfevents.123", "tfevents", "noext", ".hidden", "weights.", ""]
    folders = ["", "sub/", "data.zip/", "tfevents/", "a.b/c/", "runs/tfevents.1/"]
    suffixes = [*LFS_SUFFIXES, ".py", ".tar.gz", ".json", ".bin.index.json", "", "."]
    for folder in folders:
        for stem in stems:
            for suffix in suffixes:
                lower = (folder + stem + suffix).lower()
                name = lower.rpartition("/")[2]
                assert _probed_name(lower) == (name.endswith(LFS_SUFFIXES) or "tfevents" in name), lower
