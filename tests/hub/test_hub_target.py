"""Parsing Hub targets."""

from __future__ import annotations

import pytest

from opencheck.errors import UsageError
from opencheck.exit_status import ExitStatus
from opencheck.sources.hub_target import HubTarget, is_commit_sha, looks_like_hub_target, parse_hub_target

SHA = "53fc742459801fb105cc01f30bf2caa3b8c77717"


@pytest.mark.parametrize(("text", "repo_id", "revision"), [
    ("EleutherAI/pythia-160m", "EleutherAI/pythia-160m", None),
    ("EleutherAI/pythia-160m@step1000", "EleutherAI/pythia-160m", "step1000"),
    (f"EleutherAI/pythia-160m@{SHA}", "EleutherAI/pythia-160m", SHA),
    ("hf://EleutherAI/pythia-160m@step1000", "EleutherAI/pythia-160m", "step1000"),
    ("hf://EleutherAI/pythia-160m", "EleutherAI/pythia-160m", None),
    ("hf://models/EleutherAI/pythia-160m", "EleutherAI/pythia-160m", None),
    ("hf://gpt2", "gpt2", None),
    ("https://huggingface.co/EleutherAI/pythia-160m", "EleutherAI/pythia-160m", None),
    ("https://huggingface.co/EleutherAI/pythia-160m/", "EleutherAI/pythia-160m", None),
    ("https://huggingface.co/EleutherAI/pythia-160m/tree/step1000", "EleutherAI/pythia-160m", "step1000"),
    ("https://huggingface.co/EleutherAI/pythia-160m/tree/refs%2Fpr%2F1", "EleutherAI/pythia-160m", "refs/pr/1"),
    ("https://huggingface.co/EleutherAI/pythia-160m/blob/main/README.md", "EleutherAI/pythia-160m", "main"),
    ("https://hf.co/microsoft/phi-2", "microsoft/phi-2", None),
    ("org/name@refs/pr/1", "org/name", "refs/pr/1"),
    ("  meta-llama/Llama-2-7b-hf  ", "meta-llama/Llama-2-7b-hf", None),
])
def test_parse(text: str, repo_id: str, revision: str | None) -> None:
    assert parse_hub_target(text) == HubTarget(repo_id, revision)


@pytest.mark.parametrize("text", [
    "bad id/with space", "org/name/extra", "org//name", "-org/name", "org/name-", "org/na--me", "org/..",
    "org/name@", "org/name@bad rev", "org/name@../x", "hf://", "hf://org/bad name",
    "https://example.com/org/name", "https://huggingface.co/org", "https://huggingface.co/datasets/org/name",
    "https://huggingface.co/org/name/settings", "hf://datasets/org/name", "name-only",
    "o" * 97 + "/name",
])
def test_invalid_targets_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_hub_target(text)
    assert info.value.exit_status == ExitStatus.USAGE_ERROR
    assert "\n" not in str(info.value)


def test_pinned() -> None:
    assert parse_hub_target(f"org/name@{SHA}").pinned
    assert not parse_hub_target("org/name@main").pinned
    assert not parse_hub_target("org/name").pinned
    assert not parse_hub_target(f"org/name@{SHA.upper()}").pinned  # the Hub's shas are lower-case
    assert is_commit_sha(SHA) and not is_commit_sha(SHA[:39]) and not is_commit_sha(None)
    assert str(parse_hub_target("org/name@v1")) == "org/name@v1"


def test_looks_like_hub_target(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert looks_like_hub_target("EleutherAI/pythia-160m")
    assert looks_like_hub_target("EleutherAI/pythia-160m@step1000")
    assert looks_like_hub_target("hf://whatever")  # explicit scheme: parsing decides validity
    assert looks_like_hub_target("https://huggingface.co/org/name")
    assert not looks_like_hub_target("https://example.com/org/name")
    assert not looks_like_hub_target("./org/name")
    assert not looks_like_hub_target("/abs/path")
    assert not looks_like_hub_target("single")
    assert not looks_like_hub_target("a/b/c")
    assert not looks_like_hub_target("")
    (tmp_path / "local" / "model").mkdir(parents=True)
    assert not looks_like_hub_target("local/model")  # an existing folder wins
