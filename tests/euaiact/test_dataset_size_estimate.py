"""Training tokens estimated from the named datasets' sizes: a range, decided only off the fence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.collect import collect
from opencheck.euaiact.compute import estimate
from opencheck.euaiact.verdicts import assess
from opencheck.evidence import Evidence
from opencheck.exit_status import ExitStatus


def _evidence(tmp_path: Path, body: str, datasets: dict[str, Any], config: str | None = None) -> Evidence:
    """A folder's evidence with the datasets look-up's raw answers (what the Hub source stores) set by hand."""
    folder = tmp_path / "m"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n\n# M\n\n" + body)
    if config:
        (folder / "config.json").write_text(config)
    evidence = collect(str(folder))
    evidence.hub["datasets"] = datasets
    return evidence


def _found(train_bytes: int, *, split: str = "train", sizes: list[str] | None = None) -> dict[str, Any]:
    return {"status": "found", "license": ["odc-by"], "url": "https://hub.example/datasets/x",
            "size_categories": sizes or [], "splits": [{"config": "default", "split": split, "num_bytes": train_bytes},
                                                        {"config": "default", "split": "test", "num_bytes": 10**15}]}


def test_a_range_across_the_threshold_is_undetermined_and_names_the_number(tmp_path: Path) -> None:
    """7B parameters x 1e13 bytes / (2..5) bytes per token spans 10^23: undetermined, the token count would decide."""
    a = assess(_evidence(tmp_path, "A 7B parameter model.", {"org/web": _found(10**13)}))
    est = a.estimate
    assert est.tokens is None and est.flop is None  # an estimate is never a stated figure
    assert est.tokens_estimate is not None
    assert (est.tokens_estimate.low, est.tokens_estimate.high) == (2e12, 5e12)  # the test split is not counted
    assert a.gpai.verdict == "undetermined" and a.gpai.deciding == "compute (estimated from dataset sizes)"
    assert "spans 10^23 FLOP" in a.gpai.message and "the number of training tokens" in a.gpai.message
    assert "estimated from dataset sizes, not stated" in a.gpai.message
    assert a.systemic_risk.verdict == "not likely"  # the whole range is below 10^25
    assert any("estimated from the named datasets' sizes" in n for n in a.notes)


def test_a_range_wholly_above_decides_likely(tmp_path: Path) -> None:
    """70B parameters x 1e14 bytes: even the low end (2e13 tokens, 8.4e24 FLOP) is above 10^23."""
    a = assess(_evidence(tmp_path, "A 70B parameter model.", {"org/web": _found(10**14)}))
    assert a.gpai.verdict == "likely" and "the whole estimate is above 10^23 FLOP" in a.gpai.message
    assert a.systemic_risk.verdict == "undetermined"  # 8.4e24 to 2.1e25 spans 10^25


def test_a_dataset_without_a_size_leaves_only_a_lower_bound(tmp_path: Path) -> None:
    """One named dataset has no size: the range has no top, so it can show "above" but never "below"."""
    small = assess(_evidence(tmp_path, "A 1B parameter model.",
                             {"org/web": _found(10**12), "org/gone": {"status": "not-found"}}))
    assert small.estimate.tokens_estimate is not None and small.estimate.tokens_estimate.high is None
    assert small.gpai.verdict == "undetermined" and "org/gone" in small.gpai.message
    big = assess(_evidence(tmp_path / "big", "A 70B parameter model.",
                           {"org/web": _found(10**14), "org/gone": {"status": "not-found"}}))
    assert big.gpai.verdict == "likely"


@pytest.mark.parametrize("content", [["image"], ["string", "Image"], ["audio"], ["video"]])
def test_media_datasets_bytes_are_not_tokens(tmp_path: Path, content: list[str]) -> None:
    """An image, audio or video dataset (modality tag or feature type): its bytes never become tokens."""
    media = {**_found(10**12), "content": content}
    alone = estimate(_evidence(tmp_path, "A 7B parameter model.", {"org/pics": media}))
    assert alone.tokens_estimate is None
    mixed = estimate(_evidence(tmp_path / "mixed", "A 7B parameter model.",
                               {"org/pics": media, "org/web": {**_found(10**12), "content": ["string", "text"]}}))
    assert mixed.tokens_estimate is not None and mixed.tokens_estimate.high is None
    assert mixed.tokens_estimate.unsized == ("org/pics (not text only)",)


def test_mixture_of_experts_total_decides_only_below(tmp_path: Path) -> None:
    """Total parameters of a mixture of experts are an upper bound: the range then has no bottom."""
    config = '{"architectures": ["MixtralForCausalLM"], "num_local_experts": 8}'
    high = assess(_evidence(tmp_path, "A 700B parameter model.", {"org/web": _found(10**15)}, config))
    assert high.estimate.upper_bound and high.gpai.verdict == "undetermined"
    assert "active parameter count" in high.gpai.message
    low = assess(_evidence(tmp_path / "low", "A 1B parameter model.", {"org/web": _found(10**11)}, config))
    assert low.gpai.verdict == "not likely"


@pytest.mark.parametrize("datasets", [
    {"org/web": {"status": "found", "license": [], "size_categories": ["1B<n<10B"], "splits": []}},
    {"org/web": {"status": "gated"}},
    {},
])
def test_record_counts_and_unsized_datasets_give_no_estimate(tmp_path: Path, datasets: dict[str, Any]) -> None:
    """size_categories count records, not tokens: they never enter the estimate."""
    est = estimate(_evidence(tmp_path, "A 7B parameter model.", datasets))
    assert est.tokens_estimate is None and est.flop_range() is None


def test_size_categories_alone_are_said_to_count_records(tmp_path: Path) -> None:
    """With only a size category, the missing number is named and the reason the category cannot stand in."""
    a = assess(_evidence(tmp_path, "A 7B parameter model.", {"org/web": {"status": "found", "license": [],
                                                                          "size_categories": ["1B<n<10B"]}}))
    assert a.gpai.verdict == "undetermined"
    assert "the size categories of org/web count records, not tokens" in a.gpai.message


def test_a_stated_token_count_wins_over_dataset_sizes(tmp_path: Path) -> None:
    """The card's own figure is used; the dataset sizes are not estimated at all."""
    est = estimate(_evidence(tmp_path, "A 7B parameter model trained on 2T tokens.", {"org/web": _found(10**15)}))
    assert est.tokens is not None and est.tokens.value == 2e12 and est.tokens_estimate is None
    assert "tokens_estimate" not in est.to_dict()


def _pack(server: HubReplayServer, tmp_path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli(["check", "opencheck-test/eu-dataset-sizes", "-p", "eu-gpai", "-f", "json", "--no-cache",
                      *extra], env={"HF_ENDPOINT": server.url}, cwd=tmp_path)
    assert result.code == int(ExitStatus.SUCCESS), result.err
    (pack,) = json.loads(result.out)["packs"]
    return pack


def test_over_the_hub_the_dataset_sizes_decide_gpai_not_likely(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """eu-dataset-sizes states no tokens; its two datasets' train splits (2.4e12 bytes) put 1.1e9 params below 10^23."""
    pack = _pack(hub_server, tmp_path)
    details = pack["grade"]["details"]
    gpai = details["verdicts"]["gpai"]
    assert gpai["verdict"] == "not likely" and gpai["deciding_condition"] == "compute (estimated from dataset sizes)"
    assert "3.17e21 to 7.92e21 FLOP" in gpai["message"]
    estimate_json = details["compute_estimate"]
    assert estimate_json["tokens"] is None and estimate_json["flop"] is None
    tokens = estimate_json["tokens_estimate"]
    assert (tokens["low"], tokens["high"], tokens["bytes"]) == (4.8e11, 1.2e12, 2_400_000_000_000)
    assert tokens["inputs"] == ["opencheck-test/code-corpus: 4e11 bytes (train)",
                                "opencheck-test/web-corpus: 2e12 bytes (train)"]
    assert "records, not tokens" in tokens["assumption"]
    assert any("dataset card of opencheck-test/web-corpus" in e.get("note", "") for e in gpai["evidence"])
    assert hub_server.count("/api/datasets/*") == 2


def test_without_the_datasets_look_up_it_stays_undetermined(hub_server: HubReplayServer, tmp_path: Path) -> None:
    """--no-lookup datasets: no dataset request, no estimate, and the missing number is named."""
    pack = _pack(hub_server, tmp_path, "--no-lookup", "datasets")
    gpai = pack["grade"]["details"]["verdicts"]["gpai"]
    assert gpai["verdict"] == "undetermined" and "number of training tokens" in gpai["message"]
    assert "tokens_estimate" not in pack["grade"]["details"]["compute_estimate"]
    assert hub_server.count("/api/datasets/*") == 0


def test_the_source_keeps_split_sizes_and_content_kinds_raw() -> None:
    """What the datasets look-up stores from a Hub answer: each split's bytes, and the modality tags and dtypes."""
    from opencheck.sources.dataset_cards import MAX_SPLITS, content_kinds, split_sizes

    answer = {"tags": ["modality:image", "modality:text"], "cardData": {"dataset_info": [
        {"config_name": "en", "features": [{"name": "image", "dtype": "image"}, {"name": "caption", "dtype": "string"}],
         "splits": [{"name": "train", "num_bytes": 10}, {"name": "test", "num_bytes": True}, {"num_bytes": 3}]},
        {"splits": [{"name": "train", "num_bytes": 5}]}]}}
    assert split_sizes(answer) == [{"config": "en", "split": "train", "num_bytes": 10},
                                   {"config": "default", "split": "train", "num_bytes": 5}]
    assert content_kinds(answer) == ["image", "string", "text"]
    nested = {"cardData": {"dataset_info": {"features": [
        {"name": "audio", "dtype": {"audio": {"sampling_rate": 16000}}},
        {"name": "turns", "list": [{"name": "text", "dtype": "string"}]}]}}}
    assert content_kinds(nested) == ["audio", "list"]
    many = {"cardData": {"dataset_info": {"splits": [{"name": f"s{i}", "num_bytes": i} for i in range(500)]}}}
    assert len(split_sizes(many)) == MAX_SPLITS
