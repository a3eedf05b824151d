"""Shared fixtures: a small model folder and reports built from it (offline, fixed timestamp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.check import CheckOptions, build_report
from opencheck.collect import collect
from opencheck.report import Report
from opencheck.results import RuleStatus, Suppression
from opencheck.rulepacks import builtin_pack_names, load_pack

GENERATED_AT = "2026-01-01T00:00:00Z"
README = """---
license: apache-2.0
library_name: transformers
---
# Tiny model

A tiny test model.

## Training

Trained with AdamW, learning rate 3e-4, batch size 32, for 1000 steps.
"""
MIT_TEXT = """MIT License

Copyright (c) 2026 Example

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""
MOT_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mot" / "Test_Data"


def make_model(folder: Path) -> Path:
    """Write a small model folder: a card with a licence line, a LICENSE file and a config."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "LICENSE").write_text(MIT_TEXT, encoding="utf-8")
    (folder / "config.json").write_text('{"model_type": "gpt2", "n_layer": 2}\n', encoding="utf-8")
    return folder


def mot_fixture(prefix: str) -> Path:
    """The MOT test manifest whose name starts with `prefix`."""
    return next(p for p in sorted(MOT_DIR.glob("*.yml")) if p.name.startswith(prefix))


def report_for(target: str, *, suppress_first_failure: bool = False) -> Report:
    """Run every built-in pack on `target`; optionally suppress the first failing rule."""
    packs = [load_pack(n) for n in builtin_pack_names()]
    evidence = collect(target)
    report = build_report(evidence, CheckOptions(packs=packs), GENERATED_AT)
    if suppress_first_failure:
        failing = next(r for p in report.packs for r in p.results if r.status == RuleStatus.FAIL)
        sup = {failing.rule_id: Suppression(reason="not-applicable", note="tested on purpose")}
        report = build_report(collect(target), CheckOptions(packs=packs, suppressions=sup), GENERATED_AT)
    return report


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model folder."""
    return make_model(tmp_path_factory.mktemp("model") / "tiny-model")


@pytest.fixture(scope="session")
def report(model_dir: Path) -> Report:
    """Report of the small model folder, with one failing rule suppressed."""
    return report_for(str(model_dir), suppress_first_failure=True)


@pytest.fixture(scope="session")
def mot_report() -> Report:
    """Report of a MOT Class II manifest (many components, warnings)."""
    return report_for(str(mot_fixture("Class2TTestFile")))
