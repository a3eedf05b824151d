"""The house rules of src/opencheck, enforced on every test run (so in CI): size limits, no import cycles, layers.

Sizes: no module over MAX_MODULE_LINES lines, no function (decorators, signature and docstring included) over
MAX_FUNCTION_LINES lines.

Imports: the graph is read with `ast`, not by importing, and counts EVERY import of an opencheck module: at module
level, inside functions (lazy imports only defer a dependency, they do not remove it) and under `TYPE_CHECKING`
(a type named in a signature is a dependency of the design). An edge goes to the most specific opencheck module
named (`from opencheck.engine import packs` -> opencheck.engine.packs; `from opencheck.licenses import classify`
-> the package opencheck.licenses). Importing a submodule also runs its package's `__init__`, but that implicit
edge is not counted: a package's `__init__` re-exporting its own modules is not a cycle of the design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "opencheck"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# The layers, as data: a module in the package on the left never imports any package on the right.
# source -> raw evidence -> detect -> facts and components -> rules (engine) -> grade -> report (formats).
FORBIDDEN_IMPORTS: dict[str, tuple[str, ...]] = {
    "sources": ("detect", "engine", "formats", "report", "cli"),  # sources only read
    "detect": ("engine", "formats", "cli"),  # detectors turn raw evidence into facts, nothing later
    # evaluates packs over facts: never opens the target, a pack file or the network (rulepacks/ reads pack files)
    "engine": ("sources", "rulepacks", "formats", "cli"),
    "formats": ("sources", "engine", "cli"),  # render a finished report
}
# Only the command line and the `python -m opencheck` entry point may import the command line.
CLI = "cli"
CLI_IMPORTERS = (f"{PACKAGE}.__main__",)

# Offenders tolerated inside src/opencheck/sources/ only; empty since sources/ was split into reading (sources/) and
# interpreting (detect/). A new entry needs a reason a reviewer accepts.
SOURCES_ALLOWLIST_SIZE: frozenset[str] = frozenset()



# What the engine may not touch, by the AST of every module under engine/ (imports anywhere in a module count, like
# above): opening a file (the builtin, `io.open`, `os.open`, `Path.open`, a path's `read_*`/`write_*`, `os.fdopen`,
# directory walks) or a connection (socket, HTTP clients, the Hub library, subprocesses).
ENGINE = "engine"
ENGINE_FORBIDDEN_CALLS = frozenset({
    "open", "fdopen", "read_text", "read_bytes", "write_text", "write_bytes", "urlopen", "scandir", "listdir",
    "iterdir", "glob", "rglob", "walk", "mkdir", "unlink", "rename", "replace_file", "touch", "popen", "system",
    "create_connection",
})
ENGINE_FORBIDDEN_MODULES = ("io", "socket", "ssl", "urllib", "http", "httpx", "httpx2", "requests", "aiohttp",
                            "huggingface_hub", "pathlib", "shutil", "tempfile", "subprocess", "git", "sqlite3", "mmap")


def _forbidden_module(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in ENGINE_FORBIDDEN_MODULES)


def io_offences(tree: ast.Module, where: str) -> list[str]:
    """Calls that open a file or the network and imports of I/O modules in one module, as 'where:LINE: what'."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"imports {a.name}") for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and not node.level and _forbidden_module(node.module or ""):
            found.append((node.lineno, f"imports {node.module}"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ENGINE_FORBIDDEN_CALLS:
                found.append((node.lineno, f"calls {name}()"))
        elif isinstance(node, ast.Attribute) and node.attr in ("open", "fdopen", "urlopen"):
            found.append((node.lineno, f"names .{node.attr}"))  # `opener = os.open` is as bad as a call
    return [f"{where}:{line}: {what}" for line, what in sorted(set(found))]


def engine_io_offences() -> list[str]:
    """Every file or network access under engine/."""
    out: list[str] = []
    for name, path in _modules().items():
        if _layer(name) == ENGINE:
            out += io_offences(_tree(path), _relative(path))
    return sorted(out)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its `__init__.py`)."""
    out: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _resolve(name: str, modules: dict[str, Path] | set[str]) -> str:
    """The most specific module of the package that `name` (a module or an attribute of one) lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


def _imported(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The opencheck modules `module` imports, anywhere in its body."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _imports_in(_tree(path), module, package, modules)


def _imports_in(tree: ast.Module, module: str, package: str, modules: dict[str, Path] | set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                target = _resolve(name, modules)
                if target != module:
                    yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imported(name, path, modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _relative(path: Path) -> str:
    return path.relative_to(SRC / PACKAGE).as_posix()


def _function_lengths(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield node.name, (node.end_lineno or node.lineno) - start + 1


def size_offenders() -> list[str]:
    """Modules and functions over the limits, as 'path (N lines)' / 'path::function (N lines)'."""
    out: list[str] = []
    for path in _modules().values():
        rel = _relative(path)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and rel not in SOURCES_ALLOWLIST_SIZE:
            out.append(f"{rel} ({lines} lines > {MAX_MODULE_LINES})")
        for name, length in _function_lengths(path):
            if length > MAX_FUNCTION_LINES and f"{rel}::{name}" not in SOURCES_ALLOWLIST_SIZE:
                out.append(f"{rel}::{name} ({length} lines > {MAX_FUNCTION_LINES})")
    return sorted(out)


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that break a layer contract, as 'importer -> imported (rule)'."""
    out: list[str] = []
    for module, targets in sorted(graph.items()):
        layer = _layer(module)
        for target in sorted(targets):
            to = _layer(target)
            if to in FORBIDDEN_IMPORTS.get(layer or "", ()):
                out.append(f"{module} -> {target} ({layer}/ never imports {to}/)")
            if to == CLI and layer != CLI and module not in CLI_IMPORTERS:
                out.append(f"{module} -> {target} (only cli/ imports cli/)")
    return out


def test_no_module_or_function_over_the_size_limits() -> None:
    assert size_offenders() == []


def test_the_sources_allowlist_names_only_sources_and_only_real_offenders() -> None:
    # The allowlist may only shrink: an entry that no longer offends must be deleted, and it may not grow outside
    # sources/.
    assert all(entry.startswith("sources/") for entry in SOURCES_ALLOWLIST_SIZE)
    real: set[str] = set()
    for path in _modules().values():
        rel = _relative(path)
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES:
            real.add(rel)
        real |= {f"{rel}::{name}" for name, length in _function_lengths(path) if length > MAX_FUNCTION_LINES}
    assert sorted(SOURCES_ALLOWLIST_SIZE - real) == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_layer_contracts_hold() -> None:
    assert layer_violations(_graph()) == []


def test_the_engine_never_opens_a_file_or_the_network() -> None:
    # engine/ evaluates parsed packs over facts; reading pack files is rulepacks/'s, reading targets is sources/'.
    assert engine_io_offences() == []


def test_the_engine_io_check_sees_every_way_in() -> None:
    source = (
        "import io, socket\n"
        "from pathlib import Path\n"
        "from urllib.request import urlopen\n"
        "import huggingface_hub.hf_api\n"
        "def f(p):\n"
        "    open(p)\n"
        "    p.read_bytes()\n"
        "    p.write_text('x')\n"
        "    opener = os.open\n"
        "    import httpx\n"
    )
    found = io_offences(ast.parse(source), "m.py")
    assert found == [
        "m.py:1: imports io", "m.py:1: imports socket", "m.py:2: imports pathlib", "m.py:3: imports urllib.request",
        "m.py:4: imports huggingface_hub.hf_api", "m.py:6: calls open()", "m.py:7: calls read_bytes()",
        "m.py:8: calls write_text()", "m.py:9: names .open", "m.py:10: imports httpx",
    ]
    assert io_offences(ast.parse("import re\nfrom collections.abc import Iterator\nx = re.compile('a')\n"), "m") == []
    fake = {"opencheck.engine.x": {"opencheck.rulepacks.load"}}
    assert layer_violations(fake) == [
        "opencheck.engine.x -> opencheck.rulepacks.load (engine/ never imports rulepacks/)",
    ]


def test_the_checks_see_what_they_must() -> None:
    """The walkers themselves: a lazy import, a TYPE_CHECKING import and a relative import are all edges."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "from . import b\n"
        "from .sub import thing\n"
        "if TYPE_CHECKING:\n    from opencheck.c import Name\n"
        "def f():\n    import opencheck.d.e\n    from opencheck import d\n"
    )
    known = {"opencheck", "opencheck.p.a", "opencheck.p.b", "opencheck.p.sub", "opencheck.c", "opencheck.d",
             "opencheck.d.e"}
    found = set(_imports_in(ast.parse(source), "opencheck.p.a", "opencheck.p", known))
    assert found == {"opencheck.p.b", "opencheck.p.sub", "opencheck.c", "opencheck.d.e", "opencheck.d"}
    assert any(t.startswith(f"{PACKAGE}.cli.") for t in _graph()[f"{PACKAGE}.cli.app"])
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    fake = {"opencheck.engine.x": {"opencheck.sources.y", "opencheck.cli.z"}, "opencheck.formats.f": set()}
    assert layer_violations(fake) == [
        "opencheck.engine.x -> opencheck.cli.z (engine/ never imports cli/)",
        "opencheck.engine.x -> opencheck.cli.z (only cli/ imports cli/)",
        "opencheck.engine.x -> opencheck.sources.y (engine/ never imports sources/)",
    ]


def test_the_packages_section_of_docs_architecture_names_every_package_and_top_level_module() -> None:
    """docs/architecture.md stays true: each package and loose module of src/opencheck is in its Packages table."""
    text = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## Packages"):]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    root = SRC / PACKAGE
    names = sorted(p.name + "/" for p in root.iterdir() if (p / "__init__.py").is_file())
    names += sorted(p.name for p in root.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    missing = [name for name in names if f"`{name}`" not in section]
    assert missing == []


def test_function_length_counts_decorators_signature_and_nested_functions(tmp_path: Path) -> None:
    source = "@decorator\ndef outer(\n    a,\n):\n    def inner():\n        return 1\n    return inner\n"
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert sorted(_function_lengths(path)) == [("inner", 2), ("outer", 7)]


def _string_literals(path: Path) -> Iterator[str]:
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_sources_hold_no_checkpoint_naming_conventions() -> None:
    # Issue 14: which branch, folder or file is a checkpoint is interpretation, kept in detect/checkpoint_names.py.
    # A pattern in sources/ that accepts a convention's example but no ordinary name, or a checkpoint container
    # folder name, is a second convention table.
    import re

    from opencheck.detect.checkpoint_names import CHECKPOINT_CONTAINERS, CONVENTIONS

    examples = [c.example for c in CONVENTIONS]
    ordinary = ("main", "model", "stepwise", "config", "train", "data")
    found = []
    for path in sorted((SRC / PACKAGE / "sources").rglob("*.py")):
        for literal in _string_literals(path):
            if literal.lower() in CHECKPOINT_CONTAINERS:
                found.append((path.name, literal))
                continue
            try:
                pattern = re.compile(literal, re.IGNORECASE)
            except (re.error, RecursionError, OverflowError):
                continue
            if any(pattern.fullmatch(e) for e in examples) and not any(pattern.fullmatch(o) for o in ordinary):
                found.append((path.name, literal))
    assert not found, f"checkpoint naming conventions in sources/: {found}"
