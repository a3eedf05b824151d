"""Which curated records cover a target, against the shipped index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opencheck.evidence import Evidence, ModelCard, Target, TargetKind
from opencheck.references.section import find_matches
from opencheck.references.store import load_index


def _index(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_index({"OPENCHECK_REFERENCES_DIR": str(tmp_path / "none")})


def _found(evidence: Evidence, tmp_path: Path) -> list[tuple[str, str, str]]:
    return [(m.entry.id, m.about, m.matched_by) for m in find_matches(evidence, _index(tmp_path))]


def test_hub_id_in_any_case(tmp_path: Path) -> None:
    ev = Evidence(target=Target(kind=TargetKind.HUB, id="eleutherai/GPT-NEOX-20B"))
    assert _found(ev, tmp_path) == [("mot:GPT-NeoX-20B", "this model", "Hub id eleutherai/GPT-NEOX-20B")]


def test_record_without_a_hub_link_is_found_by_name_and_owner(tmp_path: Path) -> None:
    # MOT's Aquila-7B record names no Hub repository; its name and producer are the Hub id's.
    ev = Evidence(target=Target(kind=TargetKind.HUB, id="BAAI/Aquila-7B"))
    assert _found(ev, tmp_path) == [("mot:Aquila-7B", "this model", "name and producer (the Hub id's)")]
    assert _found(Evidence(target=Target(kind=TargetKind.HUB, id="someone-else/Aquila-7B")), tmp_path) == []


def test_index_records_by_the_systems_own_weights_and_by_base(tmp_path: Path) -> None:
    own = Evidence(target=Target(kind=TargetKind.HUB, id="allenai/OLMo-7B-Instruct"))
    assert _found(own, tmp_path) == [("osai:olmo-7b-instruct", "this model", "Hub id allenai/OLMo-7B-Instruct")]
    base = Evidence(target=Target(kind=TargetKind.HUB, id="mistralai/Mixtral-8x7B-v0.1"))
    found = _found(base, tmp_path)
    assert found[0] == ("mot:Mixtral-8x7B-v0.1", "this model", "Hub id mistralai/Mixtral-8x7B-v0.1")
    assert ("osai:mixtral-8x7B-instruct", "system built on this model",
            "Hub id mistralai/Mixtral-8x7B-v0.1 is the base model (llmweights) of the assessed system") in found


def test_fine_tune_gets_its_base_models_record_only_as_the_base(tmp_path: Path) -> None:
    ev = Evidence(target=Target(kind=TargetKind.HUB, id="someone/pythia-tuned"),
                  card=ModelCard(path="README.md", metadata={"base_model": ["EleutherAI/pythia-160m"]}))
    assert _found(ev, tmp_path) == [("mot:Pythia-160M", "base model", "base_model EleutherAI/pythia-160m")]
    hub_relation = Evidence(target=Target(kind=TargetKind.HUB, id="someone/x"),
                            hub={"base_models": {"relation": "finetune", "models": [{"id": "LLM360/Amber"}]}})
    assert _found(hub_relation, tmp_path)[0] == ("mot:Amber", "base model", "base_model LLM360/Amber")


def test_the_index_folder_is_resolved_once_per_process_while_the_active_folder_is_still_chosen_each_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch loads the index once per model: the shipped folder is not resolved again (a system call per path
    part), yet a user folder that `references update` fills later is the one used from then on."""
    import os.path

    env = {"OPENCHECK_REFERENCES_DIR": str(tmp_path / "user")}
    shipped = load_index(env)
    calls: list[str] = []
    real = os.path.realpath

    def counting(path: str, *args: object, **kwargs: object) -> str:
        calls.append(str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os.path, "realpath", counting)
    for _ in range(5):
        assert load_index(env) is shipped
    assert calls == []
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "index.json").write_text(json.dumps({"format": 1, "sources": {}, "records": []}))
    refreshed = load_index(env)
    assert refreshed is not shipped and refreshed.entries == []
    assert refreshed.root == (tmp_path / "user").resolve()
