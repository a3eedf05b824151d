"""The file list's shared indexes (opencheck/file_index.py) say what the passes over every file used to find one
file at a time (issue 22): the same runs, names and candidates, and the passes built on them the same results."""

from __future__ import annotations

import pickle
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from opencheck.detect.checkpoints import _KEPT, _folder_holds_checkpoints, mark_checkpoint_files
from opencheck.detect.components import ComponentBuilder
from opencheck.detect.components.code import _ANY_ROLE_LOWER, _ANY_ROLE_NAME, _any_role_start, detect_code
from opencheck.detect.components.documentation import (
    _SAMPLE_FILE,
    _SAMPLE_FILE_LOWER,
    _in_sample_folder,
    _sample_files,
    detect_documentation,
)
from opencheck.evidence import Evidence, FileEntry, FileKind, Target, TargetKind
from opencheck.file_index import file_names, index_by_kind
from opencheck.sources.file_kinds import classify_path
from opencheck.sources.lfs import _probed_in_paths, _probed_name

# Folder and file names that the passes look for, in several cases, with dots, non-ASCII and odd characters.
FOLDERS = ["", "data", "Data", "train", "samples", "checkpoint-500", "checkpoints", "third_party", "a.b", "a",
           "a/b", "\u00e9t\u00e9", "\u0130x", "step_3", "generations", "x y", "a-b", "a0"]
NAMES = ["part001.py", "train.py", "Train.PY", "modeling_x.py", "requirements.txt", "setup.py", "sample.jsonl",
         "Samples.TXT", "outputs_1.md", "README.md", "config.json", "model.safetensors", "x.bin", "y.PT",
         "events.out.tfevents.1", "TFEvents.log", "a.tar.gz", "\u00e9val.py", "\u0130NFER.py", "notes.md",
         "optimizer.pt", "b.", ".hidden", "plain", "a.b.c", "Sample\u00e9.txt", "eval.py", "x.pdf", "0.py"]

paths_strategy = st.lists(st.tuples(st.sampled_from(FOLDERS), st.sampled_from(NAMES)), max_size=60).map(
    lambda pairs: list(dict.fromkeys(f"{folder}/{name}" if folder else name for folder, name in pairs)))


def _entries(paths: list[str]) -> list[FileEntry]:
    return [FileEntry(path=p, size=1, kind=classify_path(p)) for p in paths]


def _reference_runs(paths: list[str]) -> list[tuple[str, int, int]]:
    runs: list[tuple[str, int, int]] = []
    for index, path in enumerate(paths):
        folder = path.rpartition("/")[0]
        if runs and runs[-1][0] == folder and runs[-1][2] == index:
            runs[-1] = (folder, runs[-1][1], index + 1)
        else:
            runs.append((folder, index, index + 1))
    return runs


@settings(max_examples=300, deadline=None)
@given(paths_strategy, st.booleans())
def test_runs_names_and_candidates_are_what_each_path_says(paths: list[str], ordered: bool) -> None:
    paths = sorted(paths) if ordered else paths
    names = file_names(_entries(paths))
    assert names.paths == paths
    assert names.runs == _reference_runs(paths)
    assert names.ordered == (paths == sorted(paths))
    assert names.names_text == "".join(f"\n{p.rpartition('/')[2].lower()}" for p in paths)
    # Every name a case-blind pattern accepts is a candidate of its lower-case twin.
    for case_blind, lower in ((_ANY_ROLE_NAME, _ANY_ROLE_LOWER), (_ANY_ROLE_NAME, _any_role_start()),
                              (_SAMPLE_FILE, _SAMPLE_FILE_LOWER)):
        accepted = {i for i, p in enumerate(paths) if case_blind.match(p.rpartition("/")[2])}
        assert accepted <= set(names.matching(lower))
    # Every path the LFS name rule accepts is a candidate of one of its two searches.
    by_suffix, by_tfevents = _probed_in_paths()
    accepted = {i for i, p in enumerate(paths) if _probed_name(p.lower())}
    assert accepted <= {*names.candidates(by_suffix), *names.candidates(by_tfevents)}


@settings(max_examples=300, deadline=None)
@given(paths_strategy, st.booleans())
def test_checkpoint_marking_and_sample_files_by_run_match_the_file_by_file_rules(paths: list[str],
                                                                                 ordered: bool) -> None:
    files = _entries(sorted(paths) if ordered else paths)
    expected = []
    for entry in files:  # the rule, one file at a time
        folder = entry.path.rpartition("/")[0]
        named, contained = _folder_holds_checkpoints(folder) if folder else (False, False)
        checkpoint = (named or contained) and (named or entry.kind == FileKind.WEIGHTS) and entry.kind not in _KEPT
        expected.append(FileKind.CHECKPOINT if checkpoint else entry.kind)
    marked = mark_checkpoint_files(files)
    assert [f.kind for f in marked] == expected
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=marked)
    samples = [f.path for f in marked if f.kind not in (FileKind.CHECKPOINT, FileKind.CONFIG) and (
        _in_sample_folder(f.path.rpartition("/")[0]) or _SAMPLE_FILE.match(f.path.rpartition("/")[2]))]
    assert [f.path for f in _sample_files(evidence)] == samples


@settings(max_examples=200, deadline=None)
@given(paths_strategy)
def test_the_code_components_are_the_same_whatever_the_order_of_the_list(paths: list[str]) -> None:
    # A sorted list takes the run-at-a-time path, a shuffled one the file-by-file path (after sorting): same result.
    found = []
    for order in (sorted(paths), random.Random(len(paths)).sample(paths, len(paths))):
        evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=mark_checkpoint_files(_entries(order)))
        built = ComponentBuilder(evidence)
        detect_code(evidence, built)
        detect_documentation(evidence, built)
        found.append({name: (c.status, [p.file for p in c.evidence]) for name, c in built.result.items()})
    assert found[0] == found[1]


def test_a_name_with_a_newline_leaves_no_text_and_every_file_a_candidate() -> None:
    names = file_names(_entries(["a\nb.py", "train.py", "x/y.py"]))
    assert names.text == ""
    assert names.candidates(_probed_in_paths()[0]) == [0, 1, 2]
    assert names.names_text == ""
    assert names.matching(_ANY_ROLE_LOWER) == [0, 1, 2]


def test_derived_indexes_follow_the_file_list() -> None:
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=_entries(["a.py", "README.md"]))
    first = evidence.files_by_kind()
    assert evidence.files_by_kind() is first  # computed once for this list
    assert first == index_by_kind(evidence.files) == {FileKind.CODE: [evidence.files[0]],
                                                      FileKind.MODEL_CARD: [evidence.files[1]]}
    evidence.files.append(FileEntry(path="z/model.safetensors", size=1, kind=FileKind.WEIGHTS))
    assert [f.path for f in evidence.files_of(FileKind.WEIGHTS)] == ["z/model.safetensors"]  # grown: again
    evidence.files = _entries(["b.py"])
    assert evidence.files_of(FileKind.MODEL_CARD) == []  # another list: again
    evidence.knows_from_files(file_names, "told")  # type: ignore[arg-type]
    assert evidence.from_files(file_names) == "told"
    copied = pickle.loads(pickle.dumps(evidence))  # the cache is not part of the record
    assert "_from_files" not in vars(copied) and copied == evidence
    assert copied.from_files(file_names).paths == ["b.py"]


def test_files_of_several_kinds_keep_the_list_order_of_equal_paths() -> None:
    files = [FileEntry(path="b", size=1, kind=FileKind.CODE), FileEntry(path="a", size=2, kind=FileKind.DOCUMENT),
             FileEntry(path="a", size=3, kind=FileKind.CODE)]
    evidence = Evidence(target=Target(kind=TargetKind.LOCAL, id="m"), files=files)
    expected = sorted(files, key=lambda f: f.path)  # the filter then sort it replaces: equal paths in list order
    assert evidence.files_of(FileKind.CODE, FileKind.DOCUMENT) == expected
    assert [f.size for f in evidence.files_of(FileKind.CODE, FileKind.DOCUMENT)] == [2, 3, 1]
    assert evidence.files_of(FileKind.CODE, FileKind.CODE) == [files[2], files[0]]


def test_the_role_prefilter_accepts_every_name_a_role_pattern_accepts() -> None:
    # The code detector tests only the names _any_role_start matches: it must take every one a role's pattern
    # takes (it may take more: the exact patterns decide those).
    from opencheck.detect.components.code import _NAME_PATTERNS, _alternatives

    words = [alternative for pattern in _NAME_PATTERNS.values() for alternative in _alternatives(pattern.pattern)]
    assert len(words) > 50 and "tokeni[sz]e" in words and r"requirements[\w.-]*\.(txt|in)" in words
    names = ["train.py", "trainer_x.py", "tokenise.py", "tokenizer.py", "modeling_llama.py", "model.py",
             "requirements-dev.txt", "requirements.in", "pyproject.toml", "setup.py", "setup.cfg", "environment.yml",
             "environment.yaml", "uv.lock", "poetry.lock", "cargo.toml", "package.json", "pipfile", "run_eval.py",
             "app.py", "sampling.py", "score.py", "dedup.py", "part000001.py", "x.py", "prep_data.py", "infer.py"]
    for pattern in _NAME_PATTERNS.values():
        for name in names:
            if pattern.search(name):
                assert _any_role_start().match(name), (pattern.pattern, name)
    assert not _any_role_start().match("part000001.py") and not _any_role_start().match("x.py")
