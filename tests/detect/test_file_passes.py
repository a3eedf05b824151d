"""The component detectors find the same files, in path order, when each looks at every file once (issue 22)."""

from __future__ import annotations

from opencheck.detect.checkpoints import mark_checkpoint_files
from opencheck.detect.components import ComponentBuilder
from opencheck.detect.components.code import detect_code
from opencheck.detect.components.data import detect_data
from opencheck.detect.components.documentation import detect_documentation
from opencheck.evidence import Evidence, FileEntry, Target, TargetKind
from opencheck.sources.file_kinds import classify_path

# Out of path order on purpose: hand-built or merged evidence need not be sorted.
PATHS = ["zz/requirements.txt", "train/b_run.py", "samples/b.txt", "Samples/sub/a.bin", "outputs_v2.jsonl",
         "checkpoint-5/samples.txt", "checkpoint-5/requirements.txt", "train/a.py", "scripts/finetune_x.py",
         "data/corpus/part-1.jsonl", "data/x.py", "modeling_foo.py", "pyproject.toml", "eval/score.py",
         "notes/sample_outputs.md", "serve/app.py", "README.md", "data/corpus/part-0.jsonl"]


def _detect() -> dict[str, list[str | None]]:
    files = mark_checkpoint_files([FileEntry(path=p, size=1, kind=classify_path(p)) for p in PATHS])
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=files)
    built = ComponentBuilder(evidence)
    for family in (detect_code, detect_documentation, detect_data):
        family(evidence, built)
    return {name: [p.file for p in component.evidence] for name, component in built.result.items()}


def test_each_component_cites_its_files_in_path_order() -> None:
    found = _detect()
    assert found["Sample model outputs"] == ["Samples/sub/a.bin", "notes/sample_outputs.md", "outputs_v2.jsonl",
                                             "samples/b.txt"]
    assert found["Training code"] == ["scripts/finetune_x.py", "train/a.py", "train/b_run.py"]
    assert found["Data preprocessing code"] == ["data/x.py"]
    assert found["Evaluation code"] == ["eval/score.py"]
    assert found["Inference code"] == ["serve/app.py"]
    assert found["Model architecture"] == ["modeling_foo.py"]
    assert found["Supporting libraries and tools"] == ["pyproject.toml", "zz/requirements.txt"]
    assert found["Datasets"] == ["data/corpus/part-0.jsonl", "data/corpus/part-1.jsonl"]


def test_a_component_makes_only_the_provenances_it_keeps() -> None:
    from opencheck.detect.components.base import MAX_PROVENANCE, file_provenance

    files = [FileEntry(path=f"train/step_{i:03d}.py", size=1, kind=classify_path("x.py")) for i in range(99, -1, -1)]
    assert [p.file for p in file_provenance(iter(files))] == [f.path for f in files[:MAX_PROVENANCE]]
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=files)
    built = ComponentBuilder(evidence)
    detect_code(evidence, built)
    assert [p.file for p in built.result["Training code"].evidence] == [f"train/step_{i:03d}.py" for i in range(20)]


def test_the_lower_case_name_tests_agree_with_the_case_blind_patterns() -> None:
    # Passes over every file match a lower-cased ASCII name case-sensitively (twice as fast as IGNORECASE): the same
    # test only while no pattern spells an upper-case letter, and for ASCII names only (others use the original).
    import re

    from opencheck.detect.components.code import _ANY_ROLE_LOWER, _ANY_ROLE_NAME
    from opencheck.detect.components.documentation import _SAMPLE_FILE, _SAMPLE_FILE_LOWER
    from opencheck.sources.file_kinds import _SPECIAL_SHAPES, _SPECIAL_SHAPES_LOWER

    names = ["Train.py", "PRETRAIN_x.py", "Modeling_Foo.py", "REQUIREMENTS-dev.TXT", "PyProject.toml", "Setup.py",
             "Samples.JSONL", "Outputs_v2.md", "EVAL.py", "Serve.py", "LICENSE-MIT", "Copying", "Paper.PDF",
             "Eval_Results.yaml", "DataSheet.md", "part000001.py", "x.py", "Kelvin.py"]
    for case_blind, lower in ((_ANY_ROLE_NAME, _ANY_ROLE_LOWER), (_SAMPLE_FILE, _SAMPLE_FILE_LOWER),
                              (_SPECIAL_SHAPES, _SPECIAL_SHAPES_LOWER)):
        assert not re.search(r"(?<!\\)[A-Z]", lower.pattern) and not lower.flags & re.IGNORECASE
        for name in names:
            assert bool(lower.match(name.lower())) == bool(case_blind.match(name)), (lower.pattern, name)
    found = _detect_paths(["Train/Run.py", "SAMPLES/x.md", "Requirements.txt", "Samples_1.TXT"])
    assert found["Training code"] == ["Train/Run.py"]
    assert found["Sample model outputs"] == ["SAMPLES/x.md", "Samples_1.TXT"]
    assert found["Supporting libraries and tools"] == ["Requirements.txt"]


def _detect_paths(paths: list[str]) -> dict[str, list[str | None]]:
    files = [FileEntry(path=p, size=1, kind=classify_path(p)) for p in paths]
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=files)
    built = ComponentBuilder(evidence)
    for family in (detect_code, detect_documentation, detect_data):
        family(evidence, built)
    return {name: [p.file for p in component.evidence] for name, component in built.result.items()}
