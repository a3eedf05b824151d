"""Regexes and dataclass methods served from their stored compiled forms are the ones Python would build.

Each test runs fresh interpreters (the hooks are process-wide) with the forms file in a temporary folder: the first
run stores, the second is served, and what it is served is compared with what `re` and `dataclasses` build afresh.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

MODULE = '''
import dataclasses, re
from dataclasses import dataclass, field

WORD = re.compile(r"(?P<word>\\w+)-(\\d{2,})(?<=\\d)")
LOUD = re.compile("straße|ÉTÉ", re.IGNORECASE)
VERBOSE = re.compile(r"""
    ^ (?:a|b)+   # letters
    \\s* $       # spaces
""", re.VERBOSE | re.MULTILINE)
BUILT = re.compile("|".join(re.escape(w) for w in ("gpl-3.0", "mit", "cc-by-4.0")))

def literal(text):
    return re.search(r"lit(\\d+)eral", text)

def dynamic(text):
    return re.compile("dyn" + text)

def table(words):
    from opencheck.compiled_forms import program_regex
    return program_regex("|".join(words), re.IGNORECASE)

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: list = field(default_factory=list, compare=False)

@dataclass(order=True)
class Named:
    name: str
    rank: int = 0

@dataclass(frozen=True)
class Child(Point):
    z: str = "z"
'''

PROBE = '''
import dataclasses, json, re, sys
from re import _compiler
original = _compiler.compile  # re's own, taken before the hooks go in
from opencheck import compiled_forms
compiled_forms.install(sys.argv[1])
sys.path.insert(0, sys.argv[2])
import probe_module as m
p = m.Point(1)
try:
    p.x = 3
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
patterns = [m.WORD, m.LOUD, m.VERBOSE, m.BUILT, m.literal("lit12eral").re, m.dynamic("x"), m.table(["tab1", "tab2"])]
print(json.dumps({
    "stats": compiled_forms.stats(),
    "same_programs": [c == original(c.pattern, f) for c, f in zip(patterns, [0, re.I, re.X | re.M, 0, 0, 0, re.I])],
    "groups": [m.WORD.groupindex["word"], m.WORD.groups, m.WORD.match("ab-123").group("word")],
    "loud": bool(m.LOUD.search("STRASSE")) == bool(original("straße|ÉTÉ", re.I).search("STRASSE")),
    "point": [repr(p), p == m.Point(1, 2, ["other"]), hash(p) == hash(m.Point(1)), frozen,
              m.Point(1).tags is not m.Point(1).tags, repr(dataclasses.replace(p, y=5)), dataclasses.asdict(p)],
    "named": [m.Named("a") < m.Named("b"), sorted([m.Named("b", 1), m.Named("a", 2)])[0].name,
              repr(m.Child(1, z="q")), m.Child(1) == m.Child(1), [f.name for f in dataclasses.fields(m.Child)]],
}))
'''


def _python(code: str, *args: str, bytecode: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _probe(tmp_path: Path, forms: Path, bytecode: bool = True) -> dict[str, Any]:
    (tmp_path / "mod").mkdir(exist_ok=True)
    (tmp_path / "mod" / "probe_module.py").write_text(MODULE, encoding="utf-8")
    answer: dict[str, Any] = json.loads(_python(PROBE, str(forms), str(tmp_path / "mod"), bytecode=bytecode).stdout)
    return answer


def _stored(forms: Path) -> dict[str, Any]:
    stored: dict[str, Any] = marshal.loads(forms.read_bytes())
    return stored


def _module_forms(forms: Path, module: str = "probe_module") -> dict[str, Any]:
    """The forms stored for one module (each module's are read only when it compiles something)."""
    found: dict[str, Any] = marshal.loads(_stored(forms)["modules"][module])
    return found


def test_served_forms_are_what_re_and_dataclasses_build(tmp_path: Path) -> None:
    forms = tmp_path / "forms.marshal"
    first = _probe(tmp_path, forms)
    assert first["stats"]["method_misses"] >= 8 and first["stats"]["stored"] > 0
    second = _probe(tmp_path, forms)
    # Served: every method and the static patterns come from the file, and nothing new is stored.
    assert second["stats"]["method_misses"] == 0 and second["stats"]["method_hits"] >= 8
    assert second["stats"]["regex_hits"] >= 5 and second["stats"]["stored"] == 0
    assert second["same_programs"] == [True] * 7  # Pattern equality compares the compiled program itself
    for answer in (first, second):
        assert answer["groups"] == [1, 2, "ab"] and answer["loud"] is True
    assert second["point"] == first["point"] == ["Point(x=1, y=2, tags=[])", True, True, True, True,
                                                 "Point(x=1, y=5, tags=[])", {"x": 1, "y": 2, "tags": []}]
    assert second["named"] == first["named"] == [True, "a", "Child(x=1, y=2, tags=[], z='q')", True,
                                                 ["x", "y", "tags", "z"]]


def test_only_the_programs_own_patterns_are_stored(tmp_path: Path) -> None:
    forms = tmp_path / "forms.marshal"
    _probe(tmp_path, forms)
    patterns = {pattern for pattern, _flags in _module_forms(forms)["regex"]}
    # Module level (even built by code at import), literals in a function and program_regex's tables are the
    # program's; a pattern made from a value at run time is not, so the file cannot grow with the inputs a process
    # sees.
    assert {r"(?P<word>\w+)-(\d{2,})(?<=\d)", "straße|ÉTÉ", "gpl\\-3\\.0|mit|cc\\-by\\-4\\.0",
            r"lit(\d+)eral", "tab1|tab2"} <= patterns
    assert "dynx" not in patterns


def test_a_damaged_foreign_or_wrong_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    forms = tmp_path / "forms.marshal"
    forms.write_bytes(b"\x00garbage")
    assert _probe(tmp_path, forms)["same_programs"] == [True] * 7
    assert _module_forms(forms)["regex"]  # rewritten whole
    key = _stored(forms)["key"]
    bogus = (0, [999999, 1, 2], 0, {}, ())  # not a program _sre accepts
    torn = (0, b"\x01\x02\x03", 0, {}, ())  # not even whole code units
    wrong, loud = "(?P<word>\\w+)-(\\d{2,})(?<=\\d)", "straße|ÉTÉ"
    damaged = {"regex": {(wrong, 0): bogus, (loud, 2): torn}, "methods": {"x": 1}}
    forms.write_bytes(marshal.dumps({"key": key, "modules": {"probe_module": marshal.dumps(damaged),
                                                             "typing": b"\x00torn"}}))
    answer = _probe(tmp_path, forms)
    assert answer["same_programs"] == [True] * 7 and answer["groups"] == [1, 2, "ab"] and answer["loud"] is True
    assert _module_forms(forms)["regex"][(wrong, 0)] != bogus and _module_forms(forms)["regex"][(loud, 2)] != torn
    foreign = {"key": "another interpreter", "modules": {"probe_module": marshal.dumps(damaged)}}
    forms.write_bytes(marshal.dumps(foreign))
    assert _probe(tmp_path, forms)["stats"]["regex_hits"] == 0  # a foreign file serves nothing


def test_nothing_is_written_when_bytecode_is_not(tmp_path: Path) -> None:
    forms = tmp_path / "forms.marshal"
    _probe(tmp_path, forms, bytecode=False)
    assert not forms.exists()


CHECK = '''
import json, re, sys
from re import _compiler
original = _compiler.compile
from opencheck import compiled_forms
compiled_forms.install(sys.argv[1])
from opencheck.cli.app import main
sys.argv = ["opencheck", "check", sys.argv[2], "-f", "json", "-o", sys.argv[3]]
try:
    main()
finally:
    # Every pattern the check compiled (opencheck's, yaml's, typer's), against re's own program for it.
    differ = [key[1] for key, c in re._cache.items() if isinstance(key[1], str) and c != original(key[1], key[2])]
    unread = sorted(m for m, f in compiled_forms._modules.items() if type(f) is bytes)
    print(json.dumps({**compiled_forms.stats(), "compared": len(re._cache), "differ": differ, "unread": unread}),
          file=sys.stderr)
'''


def test_a_second_check_of_the_example_rebuilds_no_static_form(tmp_path: Path) -> None:
    forms, reports, stats = tmp_path / "forms.marshal", [], []
    for run in range(2):
        if run == 1:  # forms another command stored (its libraries'): a check never reads them
            stored = _stored(forms)
            stored["modules"]["rich.console"] = marshal.dumps({"regex": {("x", 0): (0, b"", 0, {}, ())}, "methods": {}})
            forms.write_bytes(marshal.dumps(stored))
        out = tmp_path / f"r{run}.json"
        done = _python(textwrap.dedent(CHECK), str(forms), str(REPO / "examples" / "open-model"), str(out))
        stats.append(json.loads(done.stderr.strip().splitlines()[-1]))
        report = json.loads(out.read_text(encoding="utf-8"))
        report.pop("generated_at", None)
        reports.append(report)
    assert reports[0] == reports[1]
    assert stats[0]["method_misses"] > 300 and stats[0]["regex_misses"] > 150
    assert stats[1]["method_misses"] == 0 and stats[1]["stored"] == 0
    assert stats[1]["compared"] > 150 and stats[1]["differ"] == [] == stats[0]["differ"]
    assert "rich.console" in stats[1]["unread"]
    assert stats[1]["regex_hits"] >= stats[0]["regex_misses"] - 40  # what is left is built from the target's text
