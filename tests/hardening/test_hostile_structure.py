"""Cards whose structure, not their characters, made a check take quadratic (or worse) time: 100,000 headings, and
thousands of lines each naming another dataset. Each runs in its own process under a hang guard (before the fixes
the first took ten minutes with every pack and the second hours); the unit tests show the fast forms give exactly
what the slow ones gave."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from tests.hardening.helpers import REPO, subprocess_env

from opencheck.engine.predicates.card import _placeholder_leaves
from opencheck.evidence import ModelCard, Section
from opencheck.sources.card import section_at

HEADINGS = "---\nlicense: mit\n---\n" + "".join(f"{'#' * (1 + i % 6)} h{i}\n" for i in range(100_000))
DATASETS = "---\nlicense: mit\n---\n# M\n" + "".join(
    f"[x](https://github.com/o/r{i}) https://huggingface.co/datasets/o/d{i} https://arxiv.org/abs/2101.{i:05d}\n"
    for i in range(10_000))


@pytest.mark.slow
@pytest.mark.parametrize("text", [HEADINGS, DATASETS], ids=["100k-headings", "10k-dataset-lines"])
def test_card_structure_is_checked_in_linear_time(tmp_path: Path, text: str) -> None:
    # Fixed: section_at scanned every section for every line and link, _sections copied the rest of the heading
    # list per heading, card_no_placeholders compared every pair of sections with every section between them, and
    # the stated-elsewhere dataset licences tried every dataset on every line against every other dataset.
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "opencheck", "check", str(folder), "-p", "all", "-f", "json"],
                          cwd=REPO, env=subprocess_env(tmp_path), capture_output=True, text=True, timeout=150,
                          stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads(done.stdout)["target"]


def _old_placeholder_leaves(sections: list[Section]) -> list[Section]:
    hits = [s for s in sections if s.placeholder]
    return [s for i, s in enumerate(hits) if not any(
        t.line > s.line and t.level > s.level and not any(
            u.level <= s.level and s.line < u.line <= t.line for u in sections)
        for t in hits[i + 1:])]


def _old_section_at(card: ModelCard, line: int) -> Section | None:
    found = None
    for section in card.sections:
        if section.line > line:
            break
        found = section
    return found


@pytest.mark.parametrize("seed", range(40))
def test_fast_section_walks_agree_with_the_old_ones(seed: int) -> None:
    rng = random.Random(seed)
    lines = sorted(rng.sample(range(1, 400), rng.randint(0, 60)))
    sections = [Section(title=f"s{n}", level=rng.randint(1, 6), line=n, text="", placeholder=rng.random() < 0.5)
                for n in lines]
    assert _placeholder_leaves(sections) == _old_placeholder_leaves(sections)
    card = ModelCard(path="README.md", sections=sections)
    assert all(section_at(card, n) is _old_section_at(card, n) for n in range(0, 402))
