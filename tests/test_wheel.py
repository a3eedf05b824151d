"""The built wheel carries rules/ and schemas/ and, installed without any extra into a fresh virtual environment
outside the checkout, runs every command the README and docs/ci.md document."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from tests.hubreplay.server import HubReplayServer

from opencheck.extras import EXTRA_OF_MODULE, install_command, missing_extra

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mot" / "Test_Data" / \
    "Class1TestFile_C1_100%-C2_100%-C3_100%_15C_2G_15L_15V_0I_15T.yml"
EXAMPLE = REPO / "examples" / "open-model"
DOCUMENTING = (REPO / "README.md", REPO / "docs" / "ci.md")


def _wheel_requires(wheel: Path) -> list[str]:
    """The Requires-Dist lines of the wheel's own metadata (not of whatever opencheck this environment has)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(name).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]


def _base_distributions(requires: list[str]) -> list[importlib.metadata.Distribution]:
    """The closure of `requires` without any extra, as installed in the environment running the tests."""
    seen: set[tuple[str, frozenset[str]]] = set()
    found: dict[str, importlib.metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = []

    def add(texts: list[str], extras: frozenset[str]) -> None:
        for text in texts:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (*extras, "")):
                todo.append((canonicalize_name(req.name), frozenset(req.extras)))

    add(requires, frozenset())
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        dist = importlib.metadata.distribution(name)
        found[name] = dist
        add(dist.requires or [], extras)
    return list(found.values())


def _link_base_dependencies(wheel: Path, folder: Path) -> set[str]:
    """Symlink the top-level entries of every base dependency into `folder`; return the distribution names."""
    folder.mkdir()
    names = set()
    for dist in _base_distributions(_wheel_requires(wheel)):
        names.add(canonicalize_name(dist.metadata["Name"]))
        assert dist.files is not None, f"{dist.metadata['Name']} has no RECORD"
        tops = {PurePosixPath(f).parts[0] for f in dist.files}
        for top in sorted(tops - {"..", "__pycache__"}):
            source = Path(dist.locate_file(top))
            if source.exists() and not (folder / top).exists():
                (folder / top).symlink_to(source)
    return names


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel and only opencheck's base dependencies."""

    python: Path
    opencheck: Path
    site: Path
    wheel: Path
    dependencies: frozenset[str]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    wheels = tmp / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("opencheck-*.whl")
    fresh = tmp / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)
    python = fresh / "bin" / "python"
    # Offline: the wheel comes from disk, and its dependencies from this environment, but only the base ones
    # (no extra, not this environment's editable opencheck), linked into one folder the fresh venv reads.
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    names = _link_base_dependencies(wheel, tmp / "base-dependencies")
    (site / "base-dependencies.pth").write_text(str(tmp / "base-dependencies") + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True)
    return Installed(python, fresh / "bin" / "opencheck", site, wheel, frozenset(names))


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GITHUB_", "PYTHON"))}
    env.update({"SOURCE_DATE_EPOCH": "0", "HOME": str(tmp / "home"), "XDG_CACHE_HOME": str(tmp / "cache"),
                "HF_HOME": str(tmp / "hf"), "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1", **extra})
    return env


def test_wheel_ships_data_and_runs_from_a_fresh_venv(installed: Installed, tmp_path: Path) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    assert "opencheck/_data/rules/packs/mof.yaml" in names
    assert "opencheck/_data/schemas/report.schema.json" in names
    assert "opencheck/_data/schemas/manifest.schema.json" in names
    assert "opencheck/_data/rules/mof/LICENSE-MOT" in names
    assert "opencheck/_data/rules/references/index.json" in names
    assert "opencheck/_data/rules/references/mot/models/Amber.yml" in names
    assert "opencheck/_data/rules/references/osai/LICENSE" in names
    env = _env(tmp_path)
    where = subprocess.run([str(installed.python), "-c", "import opencheck._resources as r; print(r.data_root())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed.site)
    run = subprocess.run([str(installed.opencheck), "check", str(FIXTURE), "-p", "mof", "-f", "json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["packs"][0]["grade"]["value"] == "I"


def test_the_fresh_venv_has_no_extra(installed: Installed, tmp_path: Path) -> None:
    """Otherwise the documented-commands test below would not show what a plain `pip install opencheck` does."""
    extra_only = {"pyarrow", "matplotlib", "dask", "distributed"}
    assert not extra_only & installed.dependencies
    assert "cyclonedx-python-lib" in installed.dependencies  # `opencheck bom` is documented without an extra
    probe = f"import importlib.util as u; print(sorted(m for m in {sorted(EXTRA_OF_MODULE)!r} if u.find_spec(m)))"
    out = subprocess.run([str(installed.python), "-c", probe], cwd=tmp_path, env=_env(tmp_path), capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


# Every `opencheck ...` line of a ```sh block in README.md and docs/ci.md (comment cut), with the concrete
# commands that exercise it and, for one needing an extra, that extra. `{x}` are filled in by the test.
ALL = frozenset({0})
GATE = frozenset({0, 1})
DOCUMENTED: dict[str, list[tuple[list[str], frozenset[int] | str]]] = {
    "opencheck check examples/open-model": [(["check", "{example}"], ALL)],
    "opencheck check PATH/TO/MODEL": [(["check", "{model}"], ALL)],
    "opencheck check path/to/model.yml": [(["check", "{manifest}"], ALL)],
    "opencheck check EleutherAI/pythia-160m": [(["check", "EleutherAI/pythia-160m"], ALL)],
    "opencheck check MODEL -p mof -p osaid": [(["check", "{model}", "-p", "mof", "-p", "osaid"], ALL)],
    "opencheck check MODEL -f json -o report.json": [(["check", "{model}", "-f", "json", "-o", "report.json"], ALL)],
    "opencheck check MODEL --fail-under III": [(["check", "{model}", "--fail-under", "III"], GATE)],
    "opencheck check MODEL --fail-on error": [(["check", "{model}", "--fail-on", "error"], GATE)],
    "opencheck rules list | show RULE_ID | validate PACK.yaml | docs --output-dir docs/rules": [
        (["rules", "list"], ALL), (["rules", "show", "OC-MOF-WEIGHTS-INTERMEDIATE"], ALL),
        (["rules", "validate", "{pack}"], ALL), (["rules", "docs", "--output-dir", "rule-docs"], ALL)],
    'opencheck license explain "apache-2.0 AND cc-by-nc-4.0"': [
        (["license", "explain", "apache-2.0 AND cc-by-nc-4.0"], ALL)],
    "opencheck references list | show MODEL | update --mot DIR --osai DIR": [
        (["references", "list"], ALL), (["references", "show", "LLM360/Amber"], ALL),
        (["references", "update", "--mot", "{mot}"], ALL), (["check", "LLM360/Amber", "--no-lookups"], ALL)],
    "opencheck init [FOLDER]": [(["init", "{new}"], ALL)],
    "opencheck export mot TARGET -o model.yml": [(["export", "mot", "{example}", "-o", "model.yml"], ALL)],
    "opencheck bom TARGET --format cyclonedx": [(["bom", "{example}", "--format", "cyclonedx"], ALL),
                                                (["bom", "{example}", "--format", "spdx"], ALL)],
    'opencheck license explain "Apache 2.0"': [(["license", "explain", "Apache 2.0"], ALL)],
    "opencheck batch targets.txt --db audit.sqlite --jobs 8": [
        (["batch", "{targets}", "--db", "audit.sqlite", "--jobs", "8"], ALL)],
    "opencheck batch --author EleutherAI --author allenai --db audit.sqlite": [
        (["batch", "--author", "EleutherAI", "--author", "allenai", "--db", "audit.sqlite"], ALL)],
    "opencheck batch --filter text-generation --sort downloads --limit 5000 --db audit.sqlite": [
        (["batch", "--filter", "text-generation", "--sort", "downloads", "--limit", "5000", "--db", "audit.sqlite"],
         ALL)],
    "opencheck export --db audit.sqlite --format csv|jsonl|parquet|html -o audit.csv": [
        (["export", "--db", "audit.sqlite", "--format", "csv", "-o", "audit.csv"], ALL),
        (["export", "--db", "audit.sqlite", "--format", "jsonl", "-o", "audit.jsonl"], ALL),
        (["export", "--db", "audit.sqlite", "--format", "parquet", "-o", "audit.parquet"], "parquet"),
        (["export", "--db", "audit.sqlite", "--format", "html", "-o", "audit.html"], "charts")],
    "opencheck batch --db audit.sqlite --compare last-month.sqlite": [
        (["batch", "--db", "audit.sqlite", "--compare", "last-month.sqlite"], ALL)],
    "opencheck check . -f json -o report.json -f sarif -o report.sarif": [
        (["check", "{model}", "-f", "json", "-o", "report.json", "-f", "sarif", "-o", "report.sarif"], ALL)],
    "opencheck check . -f json -f sarif -f markdown -f html --output-dir out": [
        (["check", "{model}", "-f", "json", "-f", "sarif", "-f", "markdown", "-f", "html", "--output-dir", "out"],
         ALL)],
    "opencheck check . -f json": [(["check", "{model}", "-f", "json"], ALL)],
    "opencheck history EleutherAI/pythia-160m": [(["history", "EleutherAI/pythia-160m"], ALL)],
    "opencheck history MODEL --checkpoints -f html": [
        (["history", "EleutherAI/pythia-160m", "--checkpoints", "-f", "html"], ALL)],
    "opencheck batch targets.txt --db audit.sqlite --history --history-limit 20": [
        (["batch", "{targets}", "--db", "audit.sqlite", "--history", "--history-limit", "20"], ALL)],
    "opencheck check MODEL -p eu-gpai": [(["check", "{model}", "-p", "eu-gpai"], ALL)],
    "opencheck eu-summary MODEL [-f json] [-o FILE]": [
        (["eu-summary", "{model}"], ALL), (["eu-summary", "{model}", "-f", "json", "-o", "summary.json"], ALL)],
}


def documented_commands() -> list[str]:
    """The `opencheck` command lines of the sh blocks of README.md and docs/ci.md, in order."""
    lines = []
    for path in DOCUMENTING:
        for block in re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL):
            lines += [line.split(" #")[0].rstrip() for line in block.splitlines() if line.startswith("opencheck ")]
    return lines


def test_every_documented_command_is_exercised() -> None:
    missing = [line for line in documented_commands() if line not in DOCUMENTED]
    assert not missing, f"documented commands not run by test_documented_commands_work_without_extras: {missing}"


@pytest.fixture(scope="module")
def hub() -> Iterator[HubReplayServer]:
    with HubReplayServer(synthetic_count=5) as server:
        yield server


def test_documented_commands_work_without_extras(installed: Installed, hub: HubReplayServer, tmp_path: Path) -> None:
    """Each works from a plain install, or (needing an extra) says in one line which `pip install` to run."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "new-model").mkdir()
    (work / "new-model" / "README.md").write_text("---\nlicense: mit\n---\n# New\n", encoding="utf-8")
    shutil.copytree(EXAMPLE, work / "model")
    (work / "targets.txt").write_text(f"{work / 'model'}\nEleutherAI/pythia-160m\n", encoding="utf-8")
    fill = {"{example}": str(EXAMPLE), "{model}": str(work / "model"), "{manifest}": str(FIXTURE),
            "{pack}": str(REPO / "rules" / "packs" / "mof.yaml"), "{new}": str(work / "new-model"),
            "{targets}": str(work / "targets.txt"), "{mot}": str(REPO / "rules" / "references" / "mot")}
    env = _env(tmp_path, HF_ENDPOINT=hub.url, OPENCHECK_GITHUB_API=hub.url)
    ran = 0
    for line in documented_commands():
        for args, expected in DOCUMENTED[line]:
            if args[:2] == ["batch", "--db"]:  # --compare needs an earlier store
                shutil.copy(work / "audit.sqlite", work / "last-month.sqlite")
            argv = [str(installed.opencheck), *(fill.get(a, a) for a in args)]
            proc = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=300,
                                  stdin=subprocess.DEVNULL)
            shown = f"{line!r} as {args}: exit {proc.returncode}: {proc.stderr[-2000:]}"
            assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, shown
            if isinstance(expected, str):  # needs an extra: exit 2 and one line naming the install command
                assert proc.returncode == 2, shown
                assert proc.stderr.count("\n") == 1 and f"opencheck[{expected}]" in proc.stderr, shown
            else:
                assert proc.returncode in expected, shown
            ran += 1
    assert ran >= len(DOCUMENTED)


def test_every_extra_is_known_and_named_in_its_error() -> None:
    """Extras that install modules (from the installed metadata) are exactly those missing_extra() can name."""
    metadata = importlib.metadata.metadata("opencheck")
    with_modules = set()
    for text in importlib.metadata.requires("opencheck") or []:
        req = Requirement(text)
        for extra in metadata.get_all("Provides-Extra") or []:
            if req.marker is not None and req.marker.evaluate({"extra": extra}) and extra != "dev":
                with_modules.add(extra)
    assert with_modules == set(EXTRA_OF_MODULE.values())
    for module, extra in EXTRA_OF_MODULE.items():
        message = missing_extra(ModuleNotFoundError(f"No module named {module!r}", name=f"{module}.sub"))
        assert message is not None and install_command(extra) in message and "\n" not in message
    assert missing_extra(ModuleNotFoundError("No module named 'nothing'", name="nothing")) is None
    assert missing_extra(ValueError("pyarrow")) is None
