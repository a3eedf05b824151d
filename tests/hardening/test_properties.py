"""Property tests: parsers and loaders fail only with their documented errors, and every report writer stays
valid (JSON round trip, SARIF schema, well-formed JUnit XML) and deterministic for arbitrary messages, including
control characters and any unicode. Licence normalisation has its own properties in
tests/licenses/test_licence_properties.py.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.clirunner import run_cli
from tests.formats.conftest import make_model

from opencheck.detect.links import extract_links
from opencheck.errors import ConfigError, InputError
from opencheck.evidence import Problem, Provenance
from opencheck.formats.junit import format_junit
from opencheck.formats.registry import ReportFormat, render
from opencheck.formats.sarif import format_sarif
from opencheck.report import Report
from opencheck.sources.card import parse_card
from opencheck.yaml_loading import load_yaml

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
# Any code point but surrogates (which no UTF-8 file can hold), control characters included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT)
YAML_DATA = st.recursive(
    YAML_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
CARD_LINES = st.lists(
    st.one_of(st.sampled_from(["---", "...", "# Title", "## Training Data", "```", "~~~", "license: mit",
                               "- [x](https://arxiv.org/abs/2304.01373)", "tags: [arxiv:2101.00027]",
                               "key: &a [*a]", "!!python/object:os.system", "  - item", ": :", "[/x]"]),
              ANY_TEXT),
    max_size=25,
)


@SETTINGS
@given(lines=CARD_LINES)
def test_card_parser_never_raises_and_locates_problems(lines: list[str]) -> None:
    text = "\n".join(lines)
    card, problems = parse_card(text)
    assert (card, problems) == parse_card(text)  # deterministic
    total = max(1, len(text.splitlines()))
    for problem in problems:
        assert problem.code == "front-matter-invalid"
        assert problem.provenance.line is not None and 1 <= problem.provenance.line <= total + 1
    extract_links(card)


@SETTINGS
@given(text=st.one_of(ANY_TEXT, CARD_LINES.map("\n".join)))
def test_yaml_loader_fails_only_with_located_input_errors(text: str) -> None:
    try:
        load_yaml(text, "x.yaml")
    except InputError as exc:
        assert re.match(r"^x\.yaml:\d+: \S", str(exc)), str(exc)
        assert "\n" not in str(exc)


@SETTINGS
@given(data=YAML_DATA)
def test_manifest_and_pack_loaders_raise_only_config_errors(tmp_path_factory: pytest.TempPathFactory,
                                                            data: Any) -> None:
    from opencheck.rulepacks import load_pack
    from opencheck.sources.manifest import load_manifest

    folder = tmp_path_factory.mktemp("doc")
    path = folder / "doc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    for load in (lambda: load_manifest(path), lambda: load_pack(str(path))):
        try:
            load()
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) or str(exc).startswith("doc.yaml"), str(exc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=YAML_DATA, where=st.sampled_from(["manifest", "pack", "config", "front-matter"]))
def test_cli_exit_code_is_always_documented(tmp_path_factory: pytest.TempPathFactory, data: Any,
                                            where: str) -> None:
    folder = tmp_path_factory.mktemp("cli")
    document = yaml.safe_dump(data, allow_unicode=False)
    if where == "manifest":
        (folder / "m.yaml").write_text(document)
        args = ["check", str(folder / "m.yaml"), "-p", "mof", "-f", "json"]
    elif where == "pack":
        (folder / "pack.yaml").write_text(document)
        args = ["check", str(folder), "-p", str(folder / "pack.yaml"), "-f", "json"]
    elif where == "config":
        (folder / ".opencheck.yml").write_text(document)
        args = ["check", str(folder), "-f", "json"]
    else:
        (folder / "README.md").write_text(f"---\n{document}---\n# M\n")
        args = ["check", str(folder), "-p", "mof", "-f", "json"]
    result = run_cli(args, cwd=folder)
    assert result.code in (0, 1, 2, 3)
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    if result.code == 0:
        json.loads(result.out)
    else:
        assert len(result.err.splitlines()) == 1, result.err


@pytest.fixture(scope="module")
def base_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    # One pack keeps each example cheap (the report is copied per example); the writers treat packs alike.
    from opencheck.check import CheckOptions, build_report
    from opencheck.collect import collect
    from opencheck.rulepacks import load_pack

    evidence = collect(str(make_model(tmp_path_factory.mktemp("prop") / "model")))
    return build_report(evidence, CheckOptions(packs=[load_pack("mof")]), "2026-01-01T00:00:00Z")


def _hostile(report: Report, message: str, file_name: str, line: int | None) -> Report:
    """The report with every rule message, every evidence file and one problem replaced by arbitrary text."""
    hostile = copy.deepcopy(report)
    evidence = (Provenance(file=file_name, line=line, key=message[:10] or None, note=message),)
    for pack in hostile.packs:
        pack.results = [dataclasses.replace(r, message=message, evidence=evidence, title=message[:20] or r.title)
                        for r in pack.results]
    hostile.evidence.problems = [Problem("odd", message, Provenance(file=file_name, line=line))]
    return hostile


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=ANY_TEXT, file_name=ANY_TEXT.filter(bool), line=st.one_of(st.none(), st.integers(1, 10**6)))
def test_report_writers_stay_valid_for_arbitrary_text(base_report: Report, message: str, file_name: str,
                                                      line: int | None) -> None:
    report = _hostile(base_report, message, file_name, line)
    document = render(report, ReportFormat.JSON)
    assert json.loads(document) == json.loads(json.dumps(report.to_dict()))  # lossless round trip
    sarif = json.loads(format_sarif(report))
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(sarif))
    assert not errors, [e.message for e in errors[:3]]
    ET.fromstring(format_junit(report).encode("utf-8"))  # well-formed XML, whatever the message held
    for fmt in ReportFormat:
        first = render(report, fmt)
        assert first == render(report, fmt)  # deterministic
        if fmt in (ReportFormat.TEXT, ReportFormat.MARKDOWN):
            assert "\x1b" not in first
