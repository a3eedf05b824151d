"""A publisher's own repository speaks for this model only where it is about this model (docs/detection.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirunner import run_cli

from opencheck.detect.tree_scope import model_name_keys, scoped_roles


def test_a_derived_models_folder_and_an_analysis_repository_give_no_training_or_inference_code() -> None:
    names = model_name_keys("LLM360/Amber")
    training = frozenset({"training"})
    assert scoped_roles("LLM360/amber-train", "finetune/amberchat/instruction_finetune.sh", training, names) == set()
    assert scoped_roles("LLM360/amber-train", "finetune/ambersafe/dpo.sh", training, names) == set()
    assert scoped_roles("LLM360/amber-train", "pretrain/train.py", training, names) == training
    assert scoped_roles("LLM360/amber-train", "amber/train.py", training, names) == training  # the model's own folder
    both = frozenset({"inference", "evaluation"})
    assert scoped_roles("LLM360/Analysis360", "analysis/metrics/harness/demo.ipynb", both, names) == {"evaluation"}
    assert scoped_roles("LLM360/Analysis360", "analysis/unlearning/methods/training.py", training, names) == set()
    # A folder named like the model plus letters that name no variant stays (T5 and the t5x framework).
    assert scoped_roles("google-research/t5x", "t5x/train.py", training, model_name_keys("google/t5-small")) == training
    assert model_name_keys("allenai/OLMo-7B") == ("olmo7b", "olmo")
    assert scoped_roles("allenai/OLMo", "olmo_instruct/train.py", training, model_name_keys("allenai/OLMo-7B")) == set()


def test_amber_keeps_its_own_code_and_loses_amberchat_and_analysis360_demos(hub_server, tmp_path: Path) -> None:
    env = {"HF_ENDPOINT": hub_server.url, "OPENCHECK_GITHUB_API": hub_server.url}
    result = run_cli(["check", "LLM360/Amber", "--no-cache", "-p", "mof", "-f", "json"], env=env, cwd=tmp_path)
    assert result.code == 0, result.err
    components = {c["name"]: c for c in json.loads(result.out)["components"]}
    evidence = [e for name in ("Training code", "Inference code", "Data preprocessing code")
                for e in components[name]["evidence"]]
    assert not any("Analysis360" in e or "finetune/amberchat" in e or "finetune/ambersafe" in e for e in evidence)
    assert any("github.com/LLM360/amber-train" in e for e in components["Training code"]["evidence"])
    assert any("amber-data-prep" in e for e in components["Data preprocessing code"]["evidence"])
    assert components["Evaluation code"]["status"] == "present"
