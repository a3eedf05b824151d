"""Regular-expression programs and dataclass methods compiled once and kept between runs, like Python's bytecode.

On CPython 3.11 and 3.12 a check of a small folder spent about a third of its CPU re-deriving the same things at
every start: `re` parses each pattern and compiles it to an `_sre` program (~240 patterns, ~35 ms), and
`dataclasses` builds every generated method (`__init__`, `__eq__`, `__repr__`, `__hash__`, frozen `__setattr__`)
from source text with `exec` (~350 methods, ~30 ms). Both results depend only on their input text and the
interpreter, so `install()` (the command line calls it first) keeps them in one `marshal` file in the package's
`__pycache__` (the trust Python already gives the `.pyc` files there), named for the interpreter and keyed by its
exact version: a pattern is rebuilt by `_sre.compile` from its stored program (which `_sre` validates), a method by
`exec` of its stored code object. Only forms compiled while a module is imported, for a pattern written as a
literal in the calling code, or for one built from opencheck's own tables (`program_regex`) are kept, so the file
holds the program's static patterns and classes, never one built from a user's input. Forms are grouped by the
module that compiled them and a group is unmarshalled on that module's first compile, so a process reads only the
forms of what it runs (a check not those of rich or pydantic, stored by other commands). A missing, damaged or
foreign file is ignored and rewritten at exit (not when `sys.dont_write_bytecode` is set, as for `.pyc`); an
unwritable folder only costs the time it saves. On an interpreter whose `re` or `dataclasses` internals differ from
the ones below, `install()` leaves that part alone.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import sys
import threading
import types
from typing import Any

FORMAT = "opencheck-compiled-forms-3"

# Per module that compiled them: its forms as stored (marshal bytes, read on its first compile) or read, as
# {"regex": {(pattern, flags): _sre.compile's arguments after the pattern}, "methods": {source text: code}}. A
# process reads only the forms of the modules it runs: a check does not pay for those of rich or pydantic.
_modules: dict[str, Any] = {}
_stats = {"regex_hits": 0, "regex_misses": 0, "method_hits": 0, "method_misses": 0, "stored": 0}
_state: dict[str, Any] = {"path": None, "changed": False}
_program = threading.local()  # depth of program_regex calls in this thread


def default_path() -> str:
    """Where the forms live: the package's `__pycache__`, one file per interpreter (like bytecode)."""
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(os.path.dirname(__file__), "__pycache__", f"compiled-forms.{tag}.marshal")


def _key() -> str:
    import _sre

    return f"{FORMAT}|{sys.version}|{getattr(_sre, 'MAGIC', '?')}"


def stats() -> dict[str, int]:
    """Hits and misses of this process (for tests and benchmarks)."""
    return dict(_stats)


def _load(path: str) -> None:
    try:
        with open(path, "rb") as handle:
            stored = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return
    if not (isinstance(stored, dict) and stored.get("key") == _key() and isinstance(stored.get("modules"), dict)):
        return
    _modules.update((name, blob) for name, blob in stored["modules"].items() if type(blob) is bytes)


def _forms(module: str) -> dict[str, dict[Any, Any]]:
    """The forms `module` compiled, read from its stored bytes on first use (a damaged entry counts as none)."""
    forms = _modules.get(module)
    if type(forms) is bytes:
        try:
            forms = marshal.loads(forms)
        except (ValueError, EOFError, TypeError):
            forms = None
        if not (isinstance(forms, dict) and isinstance(forms.get("regex"), dict)
                and isinstance(forms.get("methods"), dict)):
            forms = None
    if forms is None:
        forms = {"regex": {}, "methods": {}}
    _modules[module] = forms
    return forms  # type: ignore[no-any-return]


def save() -> None:
    """Write the forms if this process compiled new static ones (atomically: a reader sees old or new)."""
    path = _state["path"]
    if not _state["changed"] or path is None or sys.dont_write_bytecode:
        return
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            modules = {name: forms if type(forms) is bytes else marshal.dumps(forms)
                       for name, forms in _modules.items()}
            handle.write(marshal.dumps({"key": _key(), "modules": modules}))
        os.replace(temporary, path)
        _state["changed"] = False
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def program_regex(pattern: str, flags: int = 0) -> Any:
    """`re.compile(pattern, flags)` for a pattern built at first use from opencheck's own tables (packaged data,
    constants), kept like one compiled at import. Never for a pattern holding anything a user gave: the stored
    forms would grow with every input the program is shown."""
    import re

    _program.depth = getattr(_program, "depth", 0) + 1
    try:
        return re.compile(pattern, flags)
    finally:
        _program.depth -= 1


def _caller(frame: types.FrameType | None) -> types.FrameType | None:
    """The first frame outside `re` and this module (`program_regex`): the code that asked for the pattern."""
    while frame is not None and (frame.f_code.co_filename == __file__
                                 or frame.f_code.co_filename.endswith(("re/__init__.py", "re\\__init__.py"))):
        frame = frame.f_back
    return frame


def _static(frame: types.FrameType | None, literal: str | None = None) -> bool:
    """Whether the compile happening under `frame` is part of the program: at a module's import, or a literal."""
    caller = _caller(frame)
    if literal is not None and caller is not None and literal in caller.f_code.co_consts:
        return True
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    # A module body run by the import system (not the script's own top level).
    return frame is not None and frame.f_back is not None and \
        frame.f_back.f_code.co_filename.startswith("<frozen importlib")


def _install_regex() -> bool:
    import _sre
    import re
    from re import _compiler, _parser  # type: ignore[attr-defined]

    original = getattr(_compiler, "compile", None)
    if not (callable(original) and hasattr(_compiler, "_code") and hasattr(_parser, "parse")
            and hasattr(_sre, "compile")):
        return False
    from array import array

    # A program is stored as the bytes of an array of _sre's code units: unmarshalled 3x faster than a list of ints.
    unit = next((t for t in "IL" if array(t).itemsize == getattr(_sre, "CODESIZE", 0)), None)
    debug = int(re.DEBUG)  # an int: `flags & re.DEBUG` would go through the enum's own (slow) operator

    def compile_pattern(p: Any, flags: int = 0) -> Any:
        # The same steps as re._compiler.compile, with the program looked up by (pattern, flags) first.
        if not isinstance(p, str) or flags & debug:
            return original(p, flags)
        caller = _caller(sys._getframe(1))
        regex = _forms(caller.f_globals.get("__name__", "") if caller is not None else "")["regex"]
        stored = regex.get((p, flags))
        if stored is not None:
            try:
                final, code, *rest = stored
                compiled = _sre.compile(p, final, array(unit, code).tolist() if type(code) is bytes else code, *rest)
                _stats["regex_hits"] += 1
                return compiled
            except Exception:  # a damaged entry: compile afresh below, and replace it
                regex.pop((p, flags), None)
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        groupindex = parsed.state.groupdict
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        # The program's opcodes are int subclasses (named constants): plain ints marshal, and mean the same to _sre.
        arguments = (int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1,
                     dict(groupindex), tuple(indexgroup))
        _stats["regex_misses"] += 1
        if getattr(_program, "depth", 0) or _static(sys._getframe(1), p):
            final, program, *rest = arguments
            regex[(p, flags)] = (final, array(unit, program).tobytes() if unit else program, *rest)
            _state["changed"] = True
            _stats["stored"] += 1
        return _sre.compile(p, *arguments)

    _compiler.compile = compile_pattern
    return True


def _install_methods() -> bool:
    import dataclasses

    code = getattr(getattr(dataclasses, "_create_fn", None), "__code__", None)
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount] if code is not None else ()
    if names != ("name", "args", "body", "globals", "locals", "return_type") or code.co_kwonlyargcount != 3:
        return False  # not the 3.11/3.12 helper whose text is rebuilt below (3.13 builds a class's methods at once)
    missing = dataclasses.MISSING

    def create_fn(name: str, args: list[str], body: list[str], *, globals: dict[str, Any] | None = None,
                  locals: dict[str, Any] | None = None, return_type: Any = missing) -> Any:
        # The text dataclasses._create_fn builds, character for character; only compile() is skipped when known.
        if locals is None:
            locals = {}
        annotation = ""
        if return_type is not missing:
            locals["_return_type"] = return_type
            annotation = "->_return_type"
        lines = "\n".join(f"  {line}" for line in body)
        text = f"def __create_fn__({', '.join(locals.keys())}):\n def {name}({','.join(args)}){annotation}:\n{lines}" \
               f"\n return {name}"
        methods = _forms(globals.get("__name__", "") if globals else "")["methods"]  # the class's module
        code = methods.get(text)
        if isinstance(code, types.CodeType):
            _stats["method_hits"] += 1
        else:
            code = compile(text, "<string>", "exec")
            _stats["method_misses"] += 1
            if _static(sys._getframe(1)):
                methods[text] = code
                _state["changed"] = True
                _stats["stored"] += 1
        namespace: dict[str, Any] = {}
        exec(code, globals, namespace)  # what dataclasses itself does with this text
        return namespace["__create_fn__"](**locals)

    dataclasses._create_fn = create_fn
    return True


def install(path: str | None = None) -> None:
    """Serve compiled regexes and dataclass methods from the stored forms (`path`: the file; tests pass their own)."""
    if _state["path"] is not None:
        return
    _state["path"] = path or default_path()
    _load(_state["path"])
    hooked = False
    with contextlib.suppress(ImportError):  # an interpreter without re._compiler (3.10)
        hooked = _install_regex()
    hooked = _install_methods() or hooked
    if hooked:
        atexit.register(save)
