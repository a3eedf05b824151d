"""The shipped reference data: complete, credited, indexed (index current), and classified by opencheck's MOT port."""

from __future__ import annotations

import collections
import json

from opencheck.mot import evaluate_manifest
from opencheck.references.build import build_index, index_text, read_mot
from opencheck.references.keys import hub_id, name_key
from opencheck.references.store import packaged_root


def test_shipped_index_is_current() -> None:
    # Regenerate with `python -m opencheck.references.build` after changing the shipped records.
    root = packaged_root()
    assert (root / "index.json").read_text(encoding="utf-8") == index_text(build_index(root))


def test_every_record_is_shipped_with_its_licence_and_commit() -> None:
    root = packaged_root()
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    assert index["sources"]["mot"]["records"] == 273
    assert index["sources"]["mot"]["commit"] == "8b5d30e"
    assert index["sources"]["osai"]["records"] == 47
    assert index["sources"]["osai"]["commit"] == "801f687"
    assert "Permission is hereby granted" in (root / "mot" / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in (root / "osai" / "LICENSE").read_text(encoding="utf-8")
    notice = (root / "NOTICE.md").read_text(encoding="utf-8")
    assert "8b5d30e" in notice and "801f687" in notice and "doi:10.1145/3571884.3604316" in notice


def test_curated_manifests_get_mots_published_class_counts() -> None:
    # MOT's evaluator gives the 273 manifests 14 Class I, 1 Class II, 16 Class III and 242 Unclassified.
    root = packaged_root()
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    classes = collections.Counter(evaluate_manifest(read_mot(root / r["file"])).mof_class
                                  for r in index["records"] if r["source"] == "mot")
    assert classes == {1: 14, 2: 1, 3: 16, 0: 242}


def test_index_keys() -> None:
    assert hub_id("https://huggingface.co/LLM360/Amber") == "llm360/amber"
    assert hub_id("https://huggingface.co/allenai/OLMo-7B-Instruct/tree/main") == "allenai/olmo-7b-instruct"
    assert hub_id("mistralai/Mistral-7B-v0.1") == "mistralai/mistral-7b-v0.1"
    assert hub_id("https://huggingface.co/collections/allenai/olmo-suite-65aeaae8") is None
    assert hub_id("https://huggingface.co/datasets/allenai/dolma") is None
    assert hub_id("Baichuan 2: Open Large-scale Language Models") is None
    assert hub_id("https://github.com/LLM360/amber-train") is None
    assert name_key("Pythia-160M", "EleutherAI") == name_key("pythia 160m", "Eleuther AI") == "pythia160m|eleutherai"
