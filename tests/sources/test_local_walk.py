"""Walking a local folder safely: symlinks, loops, FIFOs, unreadable entries, odd names, depth, huge files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.sources.helpers import write_safetensors

from opencheck.collect import collect_local
from opencheck.errors import UsageError
from opencheck.evidence import FileKind, TargetKind
from opencheck.sources import local


def _codes(evidence: object) -> dict[str, list[str | None]]:
    found: dict[str, list[str | None]] = {}
    for problem in evidence.problems:  # type: ignore[attr-defined]
        found.setdefault(problem.code, []).append(problem.provenance.file)
    return found


def _model(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text("---\nlicense: mit\n---\n# M\n\nA model.\n")
    (root / "config.json").write_text('{"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}')
    write_safetensors(root / "model.safetensors", {"w": ("F32", [4, 4])})
    return root


def test_basic_collection(tmp_path: Path) -> None:
    root = _model(tmp_path / "my-model")
    evidence = collect_local(root)
    assert evidence.target.kind == TargetKind.LOCAL
    assert evidence.target.id == "my-model"
    assert evidence.target.path == str(root)
    assert [f.path for f in evidence.files] == ["README.md", "config.json", "model.safetensors"]
    assert evidence.card is not None and evidence.card.metadata["license"] == "mit"
    assert evidence.config["model_type"] == "gpt2"
    assert evidence.weights.parameters == 16 and evidence.weights.dtypes == {"F32": 16}
    assert evidence.problems == []
    assert evidence.git is None and evidence.target.resolved_sha is None


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        collect_local(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError):
        collect_local(tmp_path / "file")


def test_symlinks_outside_are_not_followed(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.safetensors").write_text("secret")
    os.symlink("/etc/passwd", root / "LICENSE")
    os.symlink(outside, root / "data")
    os.symlink("../outside/secret.safetensors", root / "weights.safetensors")
    evidence = collect_local(root)
    codes = _codes(evidence)
    assert sorted(codes["symlink-outside"]) == ["LICENSE", "data", "weights.safetensors"]
    paths = [f.path for f in evidence.files]
    assert "LICENSE" not in paths and not any(p.startswith("data/") for p in paths)
    assert evidence.licence_texts == {}  # /etc/passwd was never read


def test_symlinks_inside_are_used_and_loops_detected(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    (root / "docs").mkdir()
    (root / "docs" / "LICENSE.txt").write_text("MIT License\n")
    os.symlink("docs/LICENSE.txt", root / "LICENSE")
    os.symlink("docs", root / "docs-link")  # a folder inside: walked once, not twice
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.symlink("self", root / "self")
    os.symlink("nowhere", root / "dangling")
    evidence = collect_local(root)
    codes = _codes(evidence)
    assert sorted(codes["symlink-loop"]) == ["loop-a", "loop-b", "self"]
    assert codes["symlink-dangling"] == ["dangling"]
    assert evidence.licence_texts["LICENSE"].startswith("MIT License")
    assert not any(f.path.startswith("docs-link/") for f in evidence.files)


def test_fifo_readme_is_skipped_without_blocking(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    os.mkfifo(root / "README.md")
    os.mkfifo(root / "LICENSE")
    os.mkfifo(root / "model.safetensors")
    started = time.monotonic()
    evidence = collect_local(root)
    assert time.monotonic() - started < 5
    assert sorted(_codes(evidence)["special-file"]) == ["LICENSE", "README.md", "model.safetensors"]
    assert evidence.card is None and evidence.files == []


def test_symlink_to_device_is_refused(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    os.symlink("/dev/zero", root / "zero")  # outside the folder: refused before anything else
    evidence = collect_local(root)
    assert _codes(evidence)["symlink-outside"] == ["zero"]


def test_unreadable_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where chmod 000 does not stop reads; the chmod covers non-root runs and the
    # monkeypatched calls exercise the same error path (EACCES from open/scandir) everywhere.
    root = _model(tmp_path / "m")
    (root / "LICENSE").write_text("MIT License\n")
    (root / "private").mkdir()
    (root / "private" / "train.py").write_text("x = 1\n")
    real_read, real_scandir = local.read_capped, os.scandir

    def deny_read(path: object, cap: int) -> tuple[bytes, int]:
        if str(path).endswith("LICENSE"):
            raise PermissionError(13, "Permission denied")
        return real_read(path, cap)  # type: ignore[arg-type]

    def deny_scandir(path: object = ".") -> object:
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(local, "read_capped", deny_read)
    monkeypatch.setattr(local.os, "scandir", deny_scandir)
    (root / "LICENSE").chmod(0)
    try:
        evidence = collect_local(root)
    finally:
        (root / "LICENSE").chmod(0o644)
    codes = _codes(evidence)
    assert sorted(codes["unreadable"]) == ["LICENSE", "private"]
    assert "LICENSE" in [f.path for f in evidence.files]  # listed, just not read
    assert evidence.licence_texts == {}


def test_non_utf8_file_name(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    raw = os.path.join(os.fsencode(root), b"caf\xe9-train.py")
    with open(raw, "wb") as handle:
        handle.write(b"print('hi')\n")
    evidence = collect_local(root)
    names = [f.path for f in evidence.files]
    assert "caf\ufffd-train.py" in names
    assert _codes(evidence)["name-not-utf8"] == ["caf\ufffd-train.py"]
    entry = next(f for f in evidence.files if f.path.startswith("caf"))
    assert entry.kind == FileKind.CODE
    str(evidence.problems)  # everything is printable


def test_thousand_deep_nesting(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    # Built and removed level by level: pathlib/os.makedirs/shutil.rmtree recurse once per level.
    levels = [str(root)]
    for _ in range(1000):
        levels.append(os.path.join(levels[-1], "d"))
        os.mkdir(levels[-1])
    with open(os.path.join(levels[-1], "train.py"), "w") as handle:
        handle.write("pass\n")
    try:
        evidence = collect_local(root)
    finally:
        os.unlink(os.path.join(levels[-1], "train.py"))
        for level in reversed(levels[1:]):
            os.rmdir(level)
    assert any(f.path.endswith("/d/train.py") and f.path.count("/") == 1000 for f in evidence.files)
    assert evidence.components["Training code"].status.value == "present"


def test_sparse_huge_readme_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    with open(root / "README.md", "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB on paper, nothing on disk
    started = time.monotonic()
    evidence = collect_local(root)
    assert time.monotonic() - started < 5
    assert _codes(evidence)["card-too-large"] == ["README.md"]
    assert evidence.card is None


def test_binary_and_non_utf8_readme(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    assert _codes(collect_local(root))["card-not-text"] == ["README.md"]
    (root / "README.md").write_bytes(b"# Caf\xe9\n")
    assert _codes(collect_local(root))["card-not-text"] == ["README.md"]


def test_card_cap_and_front_matter_problem(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: [mit\n---\n# Title\n\ntext\n")
    evidence = collect_local(root)
    assert _codes(evidence)["front-matter-invalid"] == ["README.md"]
    assert evidence.card is not None and evidence.card.sections[0].title == "Title"
    assert _codes(collect_local(root, max_card_bytes=10))["card-too-large"] == ["README.md"]


def test_skipped_dirs_and_max_files(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    for name in (".git", ".hg", "__pycache__", ".venv"):
        (root / name).mkdir()
        (root / name / "x.py").write_text("pass\n")
    (root / ".eval_results").mkdir()
    (root / ".eval_results" / "mmlu.yaml").write_text("- value: 1\n")
    evidence = collect_local(root)
    paths = [f.path for f in evidence.files]
    assert ".eval_results/mmlu.yaml" in paths
    assert not any(p.startswith((".git/", ".hg/", "__pycache__/", ".venv/")) for p in paths)
    limited = collect_local(root, max_files=2)
    assert len(limited.files) == 2 and "too-many-files" in _codes(limited)


def test_bad_config_and_weights(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "config.json").write_text('{"a": 1, "a": 2}')
    (root / "model.safetensors").write_bytes((2**60).to_bytes(8, "little") + b"{}")
    (root / "model.safetensors.index.json").write_text(
        '{"metadata": {"total_size": 10}, "weight_map": {"w": "model-00001-of-00002.safetensors"}}'
    )
    evidence = collect_local(root)
    codes = _codes(evidence)
    assert codes["config-invalid"] == ["config.json"]
    assert codes["safetensors-invalid"] == ["model.safetensors"]
    assert codes["weights-shard-missing"] == ["model.safetensors.index.json"]
    assert evidence.weights.parameters is None and evidence.weights.files == ["model.safetensors"]


def test_training_config_hyperparameters_with_lines(tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    (root / "configs").mkdir()
    (root / "configs" / "pretrain.yaml").write_text(
        "optimizer:\n  name: adamw\n  lr: 3.0e-4\n  weight_decay: 0.1\ntrain:\n  micro_batch_size: 4\n"
    )
    (root / "training_args.json").write_text('{\n  "num_train_epochs": 3,\n  "warmup_ratio": 0.1\n}\n')
    (root / "training_args.bin").write_bytes(b"\x80\x04not-unpickled")
    hp = collect_local(root).hyperparameters
    assert hp["learning_rate"].describe() == "configs/pretrain.yaml:3 [optimizer.lr]"
    assert hp["optimizer"].line == 1 and hp["weight_decay"].line == 4 and hp["batch_size"].line == 6
    assert hp["epochs"].describe() == "training_args.json:2 [num_train_epochs]"
    assert hp["warmup"].file == "training_args.json"


def test_git_commit_becomes_resolved_sha(tmp_path: Path) -> None:
    import git

    root = _model(tmp_path / "m")
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "T")
        config.set_value("user", "email", "t@example.com")
    repo.index.add(["README.md", "config.json"])
    repo.index.commit("c")
    repo.create_head("step2000")
    evidence = collect_local(root)
    assert evidence.target.resolved_sha == repo.head.commit.hexsha
    assert evidence.git is not None and evidence.git.checkpoint_branches == ["step2000"]
    assert ("step2000", evidence.checkpoints[0][1]) in evidence.checkpoints
    assert evidence.components["Model parameters (Intermediate)"].status.value == "present"


def test_forty_symlinks_to_one_weights_file_parse_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fixed: each of the 40 names was parsed (a 20 MB header 40 times) and its parameters summed 41 times.
    root = _model(tmp_path / "m")
    (root / "copies").mkdir()
    for i in range(20):
        os.symlink("model.safetensors", root / f"alias-{i:02d}.safetensors")
        os.symlink("../model.safetensors", root / "copies" / f"alias-{i:02d}.safetensors")
    os.link(root / "model.safetensors", root / "hardlink.safetensors")  # the same inode under another name
    write_safetensors(root / "other.safetensors", {"b": ("F32", [3])})
    parsed: list[str] = []
    real_read = local.read_safetensors_header

    def counting(path: str, display: str) -> object:
        parsed.append(display)
        return real_read(path, display)

    monkeypatch.setattr(local, "read_safetensors_header", counting)
    evidence = collect_local(root)
    assert len(evidence.weights.files) == 43
    assert len(parsed) == 2 and "other.safetensors" in parsed
    assert evidence.weights.parameters == 16 + 3
    assert evidence.weights.provenance.note == "parameters summed from 2 safetensors header(s)"


def test_symlinked_weights_index_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _model(tmp_path / "m")
    (root / "model.safetensors.index.json").write_text('{"weight_map": {"w": "model.safetensors", "x": "gone.st"}}')
    for i in range(10):
        os.symlink("model.safetensors.index.json", root / f"alias-{i}.safetensors.index.json")
    parsed: list[str] = []
    real_read = local.read_safetensors_index

    def counting(path: str, display: str) -> object:
        parsed.append(display)
        return real_read(path, display)

    monkeypatch.setattr(local, "read_safetensors_index", counting)
    evidence = collect_local(root)
    assert len(parsed) == 1
    assert len(_codes(evidence)["weights-shard-missing"]) == 11  # each name still checks its own folder's shards


def test_files_shown_under_another_name_or_reached_by_a_link_are_read_from_where_they_are(tmp_path: Path) -> None:
    # The walk keeps real paths only for these; every other file is read from root/path.
    root = _model(tmp_path / "m")
    (root / "docs").mkdir()
    (root / "docs" / "COPYING.txt").write_text("MIT License\n\nPermission is hereby granted, free of charge\n")
    with open(os.path.join(os.fsencode(root), b"LICENSE-\xe9"), "wb") as handle:
        handle.write(b"Apache License\nVersion 2.0, January 2004\n")
    os.symlink("docs/COPYING.txt", root / "LICENSE")
    evidence = collect_local(root)
    assert evidence.licence_texts["LICENSE-\ufffd"].startswith("Apache License")
    assert evidence.licence_texts["LICENSE"].startswith("MIT License")
    assert evidence.licence_texts["docs/COPYING.txt"] == evidence.licence_texts["LICENSE"]


def test_files_no_reader_sizes_are_never_stat_ed_and_every_size_is_right_when_asked(tmp_path: Path) -> None:
    # Issue 22: a regular file's type comes from the listing; only the readers that use a size (the card, configs,
    # weights, possible LFS pointers) stat a file. Any size asked for later is still the file's real size.
    root = _model(tmp_path / "m")
    (root / "src").mkdir()
    for i in range(50):
        (root / "src" / f"mod{i}.py").write_text("x = 1\n" * i)
    (root / "weights.bin").write_bytes(b"\0" * 300)
    os.symlink("src/mod3.py", root / "linked.py")
    evidence = collect_local(root)
    code = [f for f in evidence.files if f.path.startswith("src/")]
    assert len(code) == 50 and not any("size" in vars(f) for f in code)  # nobody asked: no stat
    assert "size" in vars(next(f for f in evidence.files if f.path == "README.md"))  # the card reader asked
    for entry in evidence.files:
        assert entry.size == os.stat(root / entry.path).st_size, entry.path
    (root / "src" / "mod7.py").write_text("grown\n" * 1000)  # sized on first ask, then kept
    assert next(f for f in evidence.files if f.path == "src/mod7.py").size == 6 * 7


def test_walked_entries_equal_and_hash_like_plain_file_entries(tmp_path: Path) -> None:
    import copy
    import pickle

    from opencheck.evidence import FileEntry

    root = _model(tmp_path / "m")
    entry = next(f for f in collect_local(root).files if f.path == "config.json")
    plain = FileEntry(path="config.json", size=os.stat(root / "config.json").st_size, kind=FileKind.CONFIG)
    assert entry == plain and plain == entry and hash(entry) == hash(plain) and {entry, plain} == {plain}
    assert entry != FileEntry(path="config.json", size=1, kind=FileKind.CONFIG)
    assert pickle.loads(pickle.dumps(entry)) == plain and copy.deepcopy(entry) == plain


def test_the_file_limit_stops_at_the_same_file_and_what_was_listed_is_in_path_order(tmp_path: Path) -> None:
    root = tmp_path / "m"
    (root / "sub").mkdir(parents=True)
    for i in range(50):
        (root / f"f{i:02d}.py").write_text("x = 1\n")
        (root / "sub" / f"g{i:02d}.py").write_text("x = 1\n")
    limited = collect_local(root, max_files=10)
    # Names are taken last first (so a folder's subfolders are walked in name order): f40 ... f49 fit.
    assert [f.path for f in limited.files] == [f"f{i}.py" for i in range(40, 50)]
    assert _codes(limited)["too-many-files"] == ["f39.py"]
    assert [f.path for f in collect_local(root, max_files=60).files] == sorted(
        [f"f{i:02d}.py" for i in range(50)] + [f"sub/g{i}.py" for i in range(40, 50)])


def test_the_walk_runs_no_cyclic_collection_and_leaves_the_collector_as_it_was(tmp_path: Path) -> None:
    import gc

    from opencheck.sources.local_walk import walk_folder

    root = tmp_path / "m"
    for i in range(20):
        (root / f"d{i}").mkdir(parents=True)
        for j in range(250):
            (root / f"d{i}" / f"f{j}.py").touch()
    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        walk = walk_folder(str(root.resolve()), 1_000_000)
        young = {id(o) for o in gc.get_objects(generation=0)} | {id(o) for o in gc.get_objects(generation=1)}
        assert not any(id(entry) in young for entry in walk.entries)  # promoted without a scan, not left young
        assert gc.isenabled()
        gc.disable()
        walk_folder(str(root.resolve()), 1_000_000)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
        gc.callbacks.remove(count)
    assert len(walk.entries) == 5_000 and runs == []


def test_a_folder_that_cannot_be_searched_has_its_files_stat_ed_during_the_walk(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Without x on a folder its names list but every stat fails: such files must be reported by the walk as before
    # ("cannot stat"), not listed with a size that cannot be read. Tests run as root, where chmod does not stop a
    # stat, so os.access answers as it would for another user; the stat path itself is the one every link takes.
    from opencheck.sources import local_walk

    root = _model(tmp_path / "m")
    (root / "private").mkdir()
    (root / "private" / "train.py").write_text("x = 1\n")
    (root / "open.py").write_text("y = 2\n")
    real_access = os.access
    monkeypatch.setattr(local_walk.os, "access",
                        lambda path, mode: not str(path).endswith("private") and real_access(path, mode))
    evidence = collect_local(root)
    by_path = {f.path: f for f in evidence.files}
    assert "size" in vars(by_path["private/train.py"]) and by_path["private/train.py"].size == 6
    assert "size" not in vars(by_path["open.py"])


def test_every_walked_entry_is_of_one_type_so_the_bulk_redaction_check_takes_the_list_at_once(tmp_path: Path) -> None:
    # Redaction checks a long list of records column by column, in C, only when all are of one type (else it walks
    # 100,000 records one by one): plain files, links, odd names, LFS pointers and checkpoints alike.
    from opencheck.output.redact import _flat_strings

    root = _model(tmp_path / "m")
    (root / "src").mkdir()
    for i in range(40):
        (root / "src" / f"mod{i}.py").write_text("x = 1\n")
    os.symlink("src/mod3.py", root / "linked.py")
    (root / "na\u00efve.py").write_text("x = 1\n")
    (root / "checkpoint-5").mkdir()
    (root / "checkpoint-5" / "model.safetensors").write_bytes(b"\0" * 8)
    (root / "big.bin").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64
                                  + "\nsize 12345\n")
    evidence = collect_local(root)
    assert {"linked.py", "na\u00efve.py", "big.bin"} <= {f.path for f in evidence.files}
    assert evidence.lfs_pointers and any(f.kind == FileKind.CHECKPOINT for f in evidence.files)
    assert len({type(f) for f in evidence.files}) == 1
    assert _flat_strings(evidence.files, lambda kind: ("path", "kind", "sha256")) is not None
