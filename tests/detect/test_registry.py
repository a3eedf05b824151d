"""The detector registry: every detector named once, fed in order, each family testable alone; rules name theirs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.clirunner import EXAMPLES, MOT_FIXTURES, REPO, run_cli
from tests.hub.helpers import fast_retry
from tests.hubreplay.server import HubReplayServer

from opencheck.detect import DETECTORS
from opencheck.detect.components import MOF_COMPONENTS, ComponentBuilder
from opencheck.detect.components.code import detect_code
from opencheck.detect.feeds import PREDICATE_FACTS, detectors_text, feeding_detectors
from opencheck.detect.licences import dataset_card_licences, github_licences
from opencheck.engine.predicates import PREDICATES
from opencheck.evidence import ComponentStatus, Evidence, FileEntry, FileKind, Target, TargetKind
from opencheck.sources.hub import read_hub
from opencheck.sources.hub_target import parse_hub_target
from opencheck.sources.local import read_local

SRC = REPO / "src" / "opencheck"


def _evidence(*files: str) -> Evidence:
    return Evidence(target=Target(kind=TargetKind.LOCAL, id="m"),
                    files=[FileEntry(path=f, size=1, kind=FileKind.CODE) for f in files])


def test_names_are_unique_and_every_component_has_exactly_one_family() -> None:
    assert len({d.name for d in DETECTORS}) == len(DETECTORS)
    yielded = [y.removeprefix("component:") for d in DETECTORS for y in d.yields if y.startswith("component:")]
    assert sorted(yielded) == sorted(MOF_COMPONENTS)


def test_a_detector_reads_only_raw_evidence_or_facts_an_earlier_detector_yields() -> None:
    yielded_before: set[str] = set()
    every_yield = {y for d in DETECTORS for y in d.yields}
    for detector in DETECTORS:
        detected_reads = {r for r in detector.reads if r in every_yield}
        assert detected_reads <= yielded_before, f"{detector.name} reads {detected_reads - yielded_before} too early"
        yielded_before |= set(detector.yields)


def test_every_predicate_says_which_facts_it_reads() -> None:
    # A new predicate must be added to PREDICATE_FACTS, or rule docs would silently name no detector for it.
    assert set(PREDICATE_FACTS) == set(PREDICATES)


def test_each_detector_fills_what_it_yields_on_a_real_folder() -> None:
    evidence = read_local(EXAMPLES / "open-model")
    assert not evidence.components and not evidence.links and not evidence.hyperparameters  # sources only read
    for detector in DETECTORS:
        detector.function(evidence)
        for fact in detector.yields:
            if fact.startswith("component:"):
                assert fact.removeprefix("component:") in evidence.components, (detector.name, fact)
    assert evidence.links and evidence.licences and evidence.datasets and evidence.hyperparameters
    assert evidence.checkpoints and evidence.weights.files


def test_a_family_detector_runs_alone() -> None:
    evidence = _evidence("scripts/train.py", "modeling_x.py")
    built = ComponentBuilder(evidence)
    detect_code(evidence, built)
    assert set(built.result) == {"Model architecture", "Training code", "Data preprocessing code",
                                 "Evaluation code", "Inference code", "Supporting libraries and tools"}
    assert built.result["Training code"].status == ComponentStatus.PRESENT
    assert built.result["Model architecture"].evidence[0].file == "modeling_x.py"
    assert built.result["Evaluation code"].status == ComponentStatus.UNKNOWN


def test_look_up_payloads_become_licence_statements_in_detect() -> None:
    evidence = _evidence()
    evidence.hub["github"] = {"org/code": {"status": "found", "spdx_id": "NOASSERTION", "name": "Custom",
                                           "path": "LICENSE"}, "org/none": {"status": "no-licence"}}
    evidence.hub["datasets"] = {"org/data": {"status": "found", "license": ["cc-by-4.0"], "sha": "a" * 40,
                                             "url": "https://hf.test/datasets/org/data"},
                                "org/gone": {"status": "not-found"}}
    [code] = github_licences(evidence)
    assert (code.raw, code.scope, code.provenance.url) == ("Custom", "code-repository", "https://github.com/org/code")
    licences = dataset_card_licences(evidence)
    assert list(licences) == ["org/data"]
    assert licences["org/data"][0].provenance.note == "dataset card of org/data @ aaaaaaaaaaaa"


def test_the_hub_source_reads_and_collect_interprets(hub_server: HubReplayServer, tmp_path: Path) -> None:
    from opencheck.collect import collect_hub

    target = parse_hub_target("EleutherAI/pythia-160m")
    raw = read_hub(target, endpoint=hub_server.url, cache_dir=None, use_cache=False, retry=fast_retry(), timeout=5)
    assert raw.card is not None and raw.files
    assert not raw.components and not raw.links and not raw.licences
    full = collect_hub(target, endpoint=hub_server.url, cache_dir=None, use_cache=False, retry=fast_retry(),
                       timeout=5)
    assert list(full.components) == list(MOF_COMPONENTS) and full.licences


def test_a_manifest_is_read_raw_and_what_it_declares_is_detected() -> None:
    from opencheck.collect import collect_manifest
    from opencheck.sources.manifest import read_manifest

    path = next(MOT_FIXTURES.glob("FullTestFile_*.yml"))
    raw = read_manifest(path)
    assert raw.manifest and raw.manifest_line_of is not None
    assert not raw.declared and not raw.licences
    full = collect_manifest(path)
    assert len(full.declared) == 17 and full.declared["Datasets"].licence is not None
    assert full.declared["Datasets"].licence.provenance.line


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted((SRC / "sources").glob("*.py")), ids=lambda p: p.name)
def test_sources_only_read(path: Path) -> None:
    # Interpretation (detect/) and licence judgement (licenses/, MOT's licence resolution) stay out of reading.
    assert not {m for m in _imports(path) if m.startswith(("opencheck.detect", "opencheck.licenses", "opencheck.mot"))}


EVALUATION_MODULES = ("context", "evaluate", "grading", "needs", "unknowns", "conditions", "pack_model",
                      *(f"predicates/{p.stem}" for p in sorted((SRC / "engine" / "predicates").glob("*.py"))))


@pytest.mark.parametrize("name", EVALUATION_MODULES)
def test_engine_evaluation_never_opens_a_file_or_the_network(name: str) -> None:
    path = SRC / "engine" / f"{name}.py"
    imported = _imports(path)
    assert not {m for m in imported if m.startswith(("opencheck.sources", "httpx", "urllib", "socket", "pathlib"))}
    calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Call)}
    assert not calls & {"open", "read_text", "read_bytes", "urlopen", "scandir"}


def test_rule_show_and_docs_name_the_detectors_feeding_a_rule() -> None:
    result = run_cli(["rules", "show", "OC-MOF-TRAINING-CODE"])
    assert result.code == 0, result.err
    assert "detectors: links, licences, base-licences, code-components, declared\n" in result.out
    raw_only = run_cli(["rules", "show", "OC-MOF-MODEL-CARD"])
    assert "detectors: " in raw_only.out
    mof = (REPO / "docs" / "rules" / "mof.md").read_text(encoding="utf-8")
    assert "- detectors: links, licences, base-licences, code-components, declared" in mof


def test_feeding_detectors_follow_the_chain_to_the_raw_evidence() -> None:
    # A rule on the Datasets component is fed by the data family, which reads datasets, which read links.
    names = [d.name for d in feeding_detectors({"component_present": {"component": "Datasets"}})]
    assert names == ["links", "licences", "base-licences", "datasets", "data-components"]
    assert detectors_text({"file_present": {"patterns": ["LICENSE"]}}) == "none (raw evidence only)"
    assert detectors_text({"fact_present": {"keys": ["footprint.energy", "card.license"]}}) == "footprint"
