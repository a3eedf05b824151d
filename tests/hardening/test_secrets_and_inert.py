"""No secret in any output, and attacker text inert in every format (issue 20, classes 1 and 4).

Canary tokens sit in the environment (HF_TOKEN, GITHUB_TOKEN, a generic *_SECRET, the stored Hub token file) and
are planted in hostile inputs: card values, a file name, a URL with a password, a custom pack, a Hub error text,
and a file outside the model folder that a git configuration includes (its parse error used to quote the file).
Every command that writes (check in every format, bom, init, export mot, diff, rules, license, batch and its
exports) is run through the CLI, some on a real terminal, and every byte it printed or wrote is searched for the
canaries, for terminal controls, for CI workflow commands, and per format for what would make attacker text live
(Markdown links and mentions, CSV formulas, HTML script, broken XML). The pure functions are tested below them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.clirunner import CliResult, run_cli
from tests.hubreplay.server import HubReplayServer

from opencheck.output.guard import GuardedStream
from opencheck.output.inert import (
    COMMAND_MARK,
    csv_cell,
    inert_commands,
    inert_json,
    inert_shown_json,
    inert_terminal,
    inert_xml,
    markdown_code,
    markdown_text,
    terminal_text,
)
from opencheck.output.redact import REDACTED, Redactor, secret_values

HF = "hf_canaryHFenv0123456789abcdefghijklmn"
GH = "ghp_canaryGHenv0123456789abcdefghijklmno"
GENERIC = "s3cr3t-canary-value-42"  # a shape no pattern knows: only its variable's name marks it secret
CARD_HF = "hf_canaryCARD0123456789abcdefghijklmn"  # planted, in no variable: the token shape must catch it
CARD_GH = "ghp_canaryFILENAME0123456789abcdefghijk"
URL_PASSWORD = "canaryURLpassw0rd"
BEARER = "canaryBEARERabcdefghijklmnop0123"
INCLUDED = "hf_canaryINCLUDED0123456789abcdefghijk"  # in a file outside the folder, reached by [include]
CANARIES = (HF, GH, GENERIC, CARD_HF, CARD_GH, URL_PASSWORD, BEARER, INCLUDED, HF[3:], GH[4:])
ENV = {"HF_TOKEN": HF, "GITHUB_TOKEN": GH, "MY_API_SECRET": GENERIC, "HF_HUB_OFFLINE": "1"}

FORMATS = ("text", "json", "markdown", "html", "sarif", "junit", "badge")
# Characters that act on a terminal or reorder what a reader sees; no output may carry one raw.
LIVE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _hostile_card() -> str:
    front = {
        "license": "=HYPERLINK(\"http://evil.example\") \x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \u202e "
                   "\x9b31m ![x](http://evil.example/i.png) <script>alert(1)</script> ]]> <b>bold</b>",
        "datasets": [
            "evil/data\n::error::pwned",
            "\u00a0::add-mask::x",
            f"leak {CARD_HF}",
            f"generic {GENERIC}",
            f"https://user:{URL_PASSWORD}@evil.example/data",
            f"Authorization: Bearer {BEARER}",
            "@octocat [link](https://evil.example) www.evil.example <img src=x onerror=alert(1)>",
            "##[set-output name=x]1 ##vso[task.setvariable variable=x]1",
            "\r::warning::carriage",
        ],
        "base_model": f"org/model-{CARD_HF}",
    }
    # JSON is YAML: its escapes put the controls into the values without making the front matter invalid.
    return ("---\n" + json.dumps(front) + "\n---\n# Model\n\n"
            f"Trained by @octocat; see https://evil.example. Token {CARD_HF} and {GENERIC}.\n"
            "::error file=x::from the card body\n")


def hostile_model(root: Path) -> Path:
    """A model folder whose card, file names and git configuration carry canaries and terminal/CI payloads."""
    folder = root / "model"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(_hostile_card(), encoding="utf-8")
    (folder / "config.json").write_text('{"model_type": "gpt2"}', encoding="utf-8")
    (folder / f"model-{CARD_GH}\x1b[31m::error::x.safetensors").write_bytes(b"")
    (folder / "LICENSE").write_text(f"Custom licence\n::error::licence text\n{CARD_HF}\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    outside = root / "credentials.txt"
    outside.write_text(f"HF_TOKEN={INCLUDED}\n[broken\n", encoding="utf-8")
    with (folder / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[include]\n\tpath = {outside}\n")
    return folder


def _files(folder: Path) -> dict[str, str]:
    return {str(p): p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_no_canary(outputs: dict[str, str]) -> None:
    for where, text in outputs.items():
        for canary in CANARIES:
            assert canary not in text, f"{canary!r} leaked in {where}"


def _assert_inert_everywhere(outputs: dict[str, str]) -> None:
    for where, text in outputs.items():
        live = LIVE_CHARACTERS.search(text)
        context = text[max(0, live.start() - 60):live.end() + 20] if live else ""
        assert live is None, f"{where}: raw {live.group()!r} in {context!r}"
        for line in re.split(r"[\r\n]", text):
            trimmed = line.strip()
            assert not trimmed.startswith(("::", "##[")), f"{where}: workflow command line {line!r}"
        assert "##vso[" not in text.lower(), where


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hostile model folder shared by the module's tests (they only read it)."""
    return hostile_model(tmp_path_factory.mktemp("hostile"))


def _run(args: list[str], cwd: Path) -> CliResult:
    result = run_cli(args, cwd=cwd, env=ENV)
    assert "Traceback" not in result.err
    return result


def test_check_every_format_to_stdout_and_files_has_no_secret_and_nothing_live(model: Path, tmp_path: Path) -> None:
    outputs: dict[str, str] = {}
    out_dir = tmp_path / "reports"
    args = ["check", str(model), "-p", "mof", "-v", "--output-dir", str(out_dir)]
    for fmt in FORMATS:
        args += ["-f", fmt]
    result = _run(args, tmp_path)
    assert result.code == 0, result.err
    outputs["stderr (files)"] = result.err
    files = _files(out_dir)
    assert len(files) == len(FORMATS)
    outputs.update(files)
    for fmt in FORMATS:
        result = _run(["check", str(model), "-p", "mof", "-v", "-f", fmt], tmp_path)
        assert result.code == 0, result.err
        outputs[f"stdout {fmt}"] = result.out
        outputs[f"stderr {fmt}"] = result.err
    _assert_no_canary(outputs)
    _assert_inert_everywhere(outputs)
    # Redaction, not loss: the places the secrets were are marked.
    assert REDACTED in outputs["stdout json"]
    assert "·::error::pwned" in outputs["stdout text"]  # the payload is shown, defused
    report = json.loads(outputs["stdout json"])
    git_problems = [p["message"] for p in report["problems"] if p["location"].get("file") == ".git"]
    assert not any("canary" in m for m in git_problems)


def test_markdown_creates_no_link_image_html_or_mention(model: Path, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    result = _run(["check", str(model), "-p", "mof", "-v", "-f", "markdown"], tmp_path)
    assert result.code == 0, result.err
    rendered = MarkdownIt("commonmark").enable("table").render(result.out)
    assert "<img" not in rendered and "<a " not in rendered and "<script" not in rendered
    assert "<b>" not in rendered and "onerror" not in rendered.replace("onerror=alert", "")
    # Words GitHub would autolink or ping are only ever inside code, where it does neither.
    outside_code = re.sub(r"<code>.*?</code>", "", rendered, flags=re.S)
    for live in ("https://evil.example", "http://evil.example", "www.evil.example", "@octocat"):
        assert live not in outside_code, live
    assert "evil.example" in rendered  # shown, as code


def test_junit_html_sarif_stay_well_formed_with_hostile_values(model: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "r"
    result = _run(["check", str(model), "-p", "mof", "-v", "-f", "junit", "-f", "html", "-f", "sarif",
                   "--output-dir", str(out_dir)], tmp_path)
    assert result.code == 0, result.err
    junit = (out_dir / "report.junit.xml").read_text(encoding="utf-8")
    ET.fromstring(junit)  # parses: no control character XML forbids, no CDATA break-out
    assert "]]>" not in junit.replace("]]&gt;", "")
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>bold" not in page and "&lt;script&gt;alert(1)" in page
    sarif_text = (out_dir / "report.sarif").read_text(encoding="utf-8")
    sarif = json.loads(sarif_text)
    assert any("<script>" in r["message"]["text"] for run in sarif["runs"] for r in run["results"])
    # A browser or a CI page applies a bidi override even when it arrives as a reference or an escape: these
    # formats are shown to people, so the override is replaced (the JSON report keeps it as data).
    # (A licence quoted in a message shows it as the visible text "\\u202e", which is inert.)
    sarif_strings = json.dumps(sarif, ensure_ascii=False)
    for name, text in (("html", page), ("junit", junit), ("sarif", sarif_strings)):
        assert "&#x202e;" not in text.lower() and "\u202e" not in text, name
        assert name == "sarif" or "\ufffd" in text, name  # shown as a replacement character


def test_the_html_report_shows_no_bidi_override_in_a_browser(model: Path, tmp_path: Path) -> None:
    from tests.formats.browser import measure

    out = tmp_path / "report.html"
    result = _run(["check", str(model), "-p", "mof", "-v", "-f", "html", "-o", str(out)], tmp_path)
    assert result.code == 0, result.err
    script = ("const t = document.body.textContent; document.body.dataset.measure = JSON.stringify("
              "{bidi: /[\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]/.test(t), "
              "shown: t.includes('evil.example'), replaced: t.includes('\\ufffd')});")
    seen = measure(out.read_text(encoding="utf-8"), script, 1200)
    assert seen == {"bidi": False, "shown": True, "replaced": True}


def test_json_keeps_hostile_values_as_data(model: Path, tmp_path: Path) -> None:
    result = _run(["check", str(model), "-p", "mof", "-f", "json"], tmp_path)
    assert result.code == 0, result.err
    assert "\\u202e" in result.out and "\\u009b" in result.out  # escaped in the text ...
    licences = {c["licence"] for c in json.loads(result.out)["components"]}
    assert any(lic and "\u202e\x20\x9b31m" in lic for lic in licences)  # ... and intact as data


def test_bom_init_export_mot_have_no_secret_and_nothing_live(model: Path, tmp_path: Path) -> None:
    outputs: dict[str, str] = {}
    for fmt in ("cyclonedx", "spdx"):
        result = _run(["bom", str(model), "-f", fmt], tmp_path)
        assert result.code == 0, result.err
        outputs[f"bom {fmt}"] = result.out + result.err
        result = _run(["bom", str(model), "-f", fmt, "-o", f"bom.{fmt}.json"], tmp_path)
        assert result.code == 0, result.err
    result = _run(["export", "mot", str(model)], tmp_path)
    assert result.code == 0, result.err
    outputs["export mot"] = result.out + result.err
    assert _run(["export", "mot", str(model), "-o", "mot.yaml"], tmp_path).code == 0
    assert _run(["init", str(model), "-o", "opencheck.yaml"], tmp_path).code == 0
    outputs.update(_files(tmp_path))
    assert {"bom.cyclonedx.json", "bom.spdx.json", "mot.yaml", "opencheck.yaml"} <= {Path(p).name for p in outputs}
    _assert_no_canary(outputs)
    _assert_inert_everywhere({k: v for k, v in outputs.items() if not k.endswith(".yaml")})


def test_diff_of_hostile_reports_has_no_secret_and_nothing_live(tmp_path: Path) -> None:
    # Reports are files anyone can hand to `diff`: plant the payloads straight into them.
    base = {"schema_version": "1.0", "target": {"id": "org/model"}, "packs": [], "components": [
        {"name": "Model parameters (Final)", "status": "present", "licence": "apache-2.0",
         "licence_class": "osi", "normalised": "Apache-2.0"}]}
    old = json.loads(json.dumps(base))
    new = json.loads(json.dumps(base))
    new["target"]["id"] = f"org/model\n::error::pwned \x1b]0;title\x07 {CARD_HF}"
    new["components"][0].update(licence=f"proprietary {GENERIC} \u202e\n::add-mask::x", licence_class="proprietary",
                                normalised=f"LicenseRef-{GH}")
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    outputs: dict[str, str] = {}
    for fmt in ("text", "json"):
        result = _run(["diff", "old.json", "new.json", "-f", fmt], tmp_path)
        assert result.code in (0, 1, 2), result.err
        outputs[f"diff {fmt}"] = result.out + result.err
        result = _run(["diff", "old.json", "new.json", "-f", fmt, "-o", f"diff.{fmt}"], tmp_path)
        outputs[f"diff {fmt} file"] = (tmp_path / f"diff.{fmt}").read_text(encoding="utf-8") if (
            tmp_path / f"diff.{fmt}").exists() else result.err
    _assert_no_canary(outputs)
    _assert_inert_everywhere(outputs)


def test_batch_store_and_exports_have_no_secret_no_formula_and_nothing_live(
        model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():  # the batch's store writer reads the process environment
        monkeypatch.setenv(name, value)
    targets = tmp_path / "targets.txt"
    targets.write_text(f"{model}\n", encoding="utf-8")
    db = tmp_path / "b.sqlite"
    result = _run(["batch", str(targets), "--db", str(db), "-p", "mof", "--no-cache"], tmp_path)
    assert result.code in (0, 1), result.err
    outputs = {"batch stdout": result.out, "batch stderr": result.err,
               "store": db.read_bytes().decode("utf-8", "replace")}
    for fmt in ("csv", "jsonl", "html"):
        result = _run(["export", "--db", str(db), "-f", fmt], tmp_path)
        assert result.code == 0, result.err
        outputs[f"export {fmt}"] = result.out
        assert _run(["export", "--db", str(db), "-f", fmt, "-o", f"out.{fmt}"], tmp_path).code == 0
        outputs[f"out.{fmt}"] = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
    _assert_no_canary(outputs)
    _assert_inert_everywhere({k: v for k, v in outputs.items() if k != "store"})
    rows = list(csv.reader(io.StringIO(outputs["out.csv"])))
    assert len(rows) == 2
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(cell.startswith("'=HYPERLINK") for cell in rows[1])


# -- the pure functions -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "secret"), [
    ("token hf_abcdefghijklmnopqrstuvwxyz0123456789 here", "hf_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "11ABCDEFG0123456789_abcdef"),
    ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
    ("'authorization': 'token 0123456789abcdef'", "0123456789abcdef"),
    ("sent Bearer eyJhbGciOiJIUzI1NiJ9abcdef and more", "eyJhbGciOiJIUzI1NiJ9abcdef"),
    ("https://user:p4ssw0rd@host.example/repo.git", "p4ssw0rd"),
    ("https://x-access-token:ghs_short@github.com/o/r", "ghs_short"),
    ("https://host.example/api?foo=1&access_token=abc123def&x=2", "abc123def"),
    ("GET /x?token=sekrit-value", "sekrit-value"),
    ("https://h.example/x?hf_token=abcdef12&X-Amz-Signature=0a1b2c3d", "abcdef12"),
    ("https://h.example/x?a=1&X-Amz-Signature=0a1b2c3d4e", "0a1b2c3d4e"),
    ("curl -H 'Authorization: Bearer canary-token-123'", "canary-token-123"),
    ("Bearer abcd1234efgh", "abcd1234efgh"),
    ("AWS key AKIAABCDEFGHIJKLMNOP in a log", "AKIAABCDEFGHIJKLMNOP"),
    ("HF_TOKEN=hf_short0123 GITHUB_TOKEN: 'abcdefgh1234'", "abcdefgh1234"),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "wJalrXUtnFEMI"),
    ("\x00MY_PASSWORD=hunter2hunter2\x00", "hunter2hunter2"),
])
def test_token_shapes_are_redacted(text: str, secret: str) -> None:
    scrubbed = Redactor().scrub(text)
    assert secret not in scrubbed and REDACTED in scrubbed


@pytest.mark.parametrize("text", [
    "pad_token: <pad>\nbos_token: <|endoftext|>\nmax_new_tokens=512",
    "Trained on 2T tokens; the token embeddings are tied. A bearer of good news.",
    "https://huggingface.co/org/model and git@github.com:org/model.git and ssh://git@host/x",
    "contact: someone@example.org; hf_transformers integration; ghp_short",
    "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor().scrub(text) == text


def test_secret_values_come_from_secret_named_variables_only() -> None:
    env = {"HF_TOKEN": HF, "AWS_SECRET_ACCESS_KEY": "abcdefgh12345678", "PYPI_PASSWORD": "letmein-please",
           "HOME": "/home/someone-long", "SHORT_TOKEN": "1", "ACTIONS_RUNTIME_TOKEN": "runtime-token-xyz",
           "GIT_AUTHOR_NAME": "Jane Doe Smith", "KEYBOARD_LAYOUT": "british-qwerty", "OPENAI_API_KEY": "sk-abcdefgh"}
    values = secret_values(env, ["--token-value-1"])
    assert set(values) == {HF, HF[3:], "abcdefgh12345678", "letmein-please", "runtime-token-xyz", "sk-abcdefgh",
                           "--token-value-1"}
    assert Redactor(values).scrub(f"a {HF[3:]} b /home/someone-long") == f"a {REDACTED} b /home/someone-long"


HOSTILE_SHAPES = (
    '"hf_" * 70_000', '"a" * 200_000', '"://" + "a:" * 100_000', '"://" + "a" * 200_000',
    '"Bearer " + " " * 200_000', '"A" * 200_000 + "TOKEN"', '"TOKEN" * 40_000', '"?token=" * 30_000',
    '"Authorization: " * 15_000', '"eyJ" + "a" * 200_000', '"\\n ::" * 60_000', '"@ https://" * 20_000',
    '"`" * 200_000', '"HF_TOKEN=" * 20_000', '"https://" + "a:" * 50_000 + "@"',
    '"\\n" + "\\x1b[1m " * 40_000', '"\\x1b[" + "1;" * 100_000', '"_a" * 100_000',
    '"<style></style>" * 15_000', '"<script>" + "a" * 200_000', '"<style" * 40_000',
)


def test_every_pass_is_linear_on_hostile_200k_lines() -> None:
    # A pattern that rescans a run from each start needs about 10^10 steps on these (hours); all passes over all
    # shapes take about a second. A process with a timeout turns such a regression into a failure, not a hang.
    program = (
        "from opencheck.output.inert import inert_json, inert_terminal, inert_xml, markdown_text\n"
        "from opencheck.output.redact import Redactor\n"
        f"for shape in ({', '.join(HOSTILE_SHAPES)},):\n"
        "    Redactor(['s3cr3t-canary']).scrub(shape); inert_terminal(shape); inert_terminal(shape, tty=True)\n"
        "    inert_json(shape)\n"
        "    inert_xml(shape); markdown_text(shape)\n"
        "print('done')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr[-2000:]


@pytest.mark.parametrize("line", [
    "::error::x", "  ::add-mask::x", "\u00a0\u2003::set-output name=a::b", "\t##[error]x", "::stop-commands::t",
    "\ufeff::warning::x", "\x1b[31m ::notice::x",
])
def test_workflow_commands_are_defused_at_any_line_start(line: str) -> None:
    for text in (line, f"before\n{line}", f"before\r{line}"):
        out = inert_commands(text)
        assert all(not part.strip().startswith(("::", "##[")) for part in re.split(r"[\r\n]", out)), out
        assert out.count(COMMAND_MARK) == 1, out
    assert "##vso[" not in inert_commands("text ##VSO[task.setvariable]x").lower()
    assert inert_commands("a::b c:: d") == "a::b c:: d"  # mid-line colons are not commands


def test_terminal_text_replaces_every_control_but_tab_and_newline() -> None:
    hostile = "a\x1b[31mb\x07c\x9b1md\u202ee\u2066f\rg\x7fh\ti\nj\u2028k"
    assert terminal_text(hostile) == "a\ufffd[31mb\ufffdc\ufffd1md\ufffde\ufffdf\ufffdg\ufffdh\ti\nj\ufffdk"
    # On a terminal our own colours and cursor moves pass; OSC, BEL, C1 and bidi still do not.
    assert inert_terminal("\x1b[1;31mred\x1b[0m\r\x1b[2K", tty=True) == "\x1b[1;31mred\x1b[0m\r\x1b[2K"
    assert inert_terminal("\x1b]8;;http://x\x07l\x9b\u202e", tty=True) == "\ufffd]8;;http://x\ufffdl\ufffd\ufffd"


def test_json_keeps_the_data_and_what_people_see_has_no_bidi_override() -> None:
    data = {"v": "a\x9bb\u202ec\u2028"}
    text = inert_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data and LIVE_CHARACTERS.search(text) is None
    xml = inert_xml("<r a='\x9b'>\u202e\r\x1b\u2028</r>")
    # XML and HTML are shown in browsers and CI pages, which apply a bidi control even as a reference.
    assert ET.fromstring(xml).text == "\ufffd\r\ufffd\u2028" and LIVE_CHARACTERS.search(xml) is None
    shown = inert_shown_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(shown) == {"v": "a\x9bb\ufffdc\u2028"} and LIVE_CHARACTERS.search(shown) is None
    page = "<style>\n::selection{color:red}\n</style>\n::error::x\n<script>\n::a\n</script>\n::b<STYLE>\n::c"
    assert inert_xml(page) == ("<style>\n::selection{color:red}\n</style>\n&#58;:error::x\n<script>\n::a\n"
                               "</script>\n&#58;:b<STYLE>\n::c")
    junit = inert_xml("<t m='\n::error::x'>\n  ##[group]y ##vso[task]z</t>")
    assert ET.fromstring(junit).text == "\n  ##[group]y ##vso[task]z"  # the data is unchanged for an XML reader
    assert ET.fromstring(junit).get("m").endswith("::error::x") and "##vso[" not in junit


def test_markdown_helpers_render_literally() -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for hostile in ("![i](http://e/x.png)", "[l](javascript:alert(1))", "<img src=x>", "*em* _u_ `c` ~~s~~ | cell",
                    "# heading", "&lt;b&gt; &#x202e;", "<https://e.example>", "a\\|b", "[r][ref] [^1] [x]: /u",
                    "**b** __b__ _DATA_CARD_ $x$", "[a](<b>) [c]\n(d)"):
        html = md.renderInline(markdown_text(hostile))
        for made in ("<img", "<a ", "<em>", "<strong>", "<s>", "<b>", "\u202e"):
            assert made not in html, (hostile, html)
    assert markdown_text("DATA_CARD.md __init__.py") == "DATA_CARD.md \\_\\_init\\_\\_.py"
    assert markdown_code("a`b|c") == "`` a`b\\|c ``"
    assert md.renderInline(markdown_code("a`b")) == "<code>a`b</code>"


def test_csv_cells_never_start_a_formula() -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(value) == "'" + value
    assert csv_cell("apache-2.0") == "apache-2.0" and csv_cell(3) == 3


def test_guarded_stream_sees_lines_whole_across_writes() -> None:
    sink = io.StringIO()
    stream = GuardedStream(sink, Redactor([GENERIC]))
    for piece in ("x ", GENERIC[:5], GENERIC[5:], " y\n", ":", ":error::z\n", "partial \x1b]0;t\x07"):
        stream.write(piece)
    stream.flush()
    stream.write("::not a line start\n")
    stream.drain()
    assert sink.getvalue() == f"x {REDACTED} y\n\u00b7::error::z\npartial \ufffd]0;t\ufffd::not a line start\n"


def test_error_line_quoting_hostile_input_is_one_inert_line(tmp_path: Path) -> None:
    target = f"/nonexistent/\x1b]0;title\x07{CARD_HF}\n::error::pwned\u202e"
    result = _run(["check", target, "-p", "mof", "--offline"], tmp_path)
    assert result.code in (2, 3), result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("opencheck: error: "), result.err
    _assert_no_canary({"stderr": result.err})
    _assert_inert_everywhere({"stderr": result.err})


def test_license_explain_reads_no_markup_and_prints_no_secret(tmp_path: Path) -> None:
    statement = f"[link=http://evil.example]click[/link] [bold]x {CARD_HF}\n::error::pwned\x1b[2J"
    for fmt in ("text", "json"):
        result = _run(["license", "explain", statement, "--format", fmt], tmp_path)
        assert result.code == 0, result.err
        assert "[link=http://evil.example]" in result.out  # printed as text, never a hyperlink
        _assert_no_canary({f"license explain {fmt}": result.out + result.err})
        _assert_inert_everywhere({f"license explain {fmt}": result.out + result.err})


def test_rules_docs_and_show_of_a_hostile_custom_pack(tmp_path: Path) -> None:
    pack = {"schema_version": 1, "name": "mine", "version": "1", "title": "Mine", "description": "d",
            "grading": {"scheme": "count"},
            "rules": [{"id": "OC-MINE-CARD", "title": f"t {CARD_HF}\u202e", "severity": "info",
                       "rationale": "r\n::error::pwned\n\x1b]0;title\x07", "remediation": f"see {GENERIC}",
                       "condition": {"file_present": {"patterns": ["README.md"]}}}]}
    (tmp_path / "p.yaml").write_text(json.dumps(pack), encoding="utf-8")
    result = _run(["rules", "docs", "-p", "./p.yaml", "-o", "out"], tmp_path)
    assert result.code == 0, result.err
    shown = _run(["rules", "show", "OC-MINE-CARD", "-p", "./p.yaml"], tmp_path)
    assert shown.code == 0, shown.err
    outputs = {"stdout": result.out + shown.out, "stderr": result.err + shown.err, **_files(tmp_path / "out")}
    assert "OC-MINE-CARD" in outputs[str(tmp_path / "out" / "mine.md")]
    _assert_no_canary(outputs)
    _assert_inert_everywhere(outputs)


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run `python -m opencheck ARGS` with stdout on a pseudo-terminal (colours on); exit code, stdout, stderr."""
    import os
    import pty

    from tests.hardening.helpers import subprocess_env

    env = subprocess_env(cwd / "home", **ENV)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "opencheck", *args], stdout=follower, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_on_a_terminal_our_colours_pass_and_attacker_sequences_do_not(model: Path, tmp_path: Path) -> None:
    code, out, err = _on_a_terminal(["check", str(model), "-p", "mof", "-v"], tmp_path)
    assert code == 0, err
    assert re.search("\x1b\\[[0-9;]*m", out)  # colours survive on a terminal
    assert "\x1b]" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    _assert_no_canary({"tty stdout": out, "stderr": err})
    assert all(not line.strip().startswith("::") for line in re.split(r"[\r\n]", re.sub("\x1b\\[[0-9;]*m", "", out)))


def test_on_a_terminal_pack_and_licence_text_cannot_move_the_cursor(tmp_path: Path) -> None:
    hostile = "x\x1b[1A\x1b[2K\x1b[2Jy\x1b]8;;http://evil.example\x07z"
    pack = {"schema_version": 1, "name": "mine", "version": "1", "title": hostile, "description": "d",
            "grading": {"scheme": "count"},
            "rules": [{"id": "OC-MINE-CARD", "title": hostile, "severity": "info", "rationale": hostile,
                       "remediation": "f", "condition": {"file_present": {"patterns": ["README.md"]}}}]}
    (tmp_path / "p.yaml").write_text(json.dumps(pack), encoding="utf-8")
    for args in (["rules", "show", "OC-MINE-CARD", "-p", "./p.yaml"], ["rules", "list", "-p", "./p.yaml"],
                 ["license", "explain", f"MIT OR {hostile}"]):
        code, out, err = _on_a_terminal(args, tmp_path)
        assert code == 0, err
        for sequence in ("\x1b[1A", "\x1b[2K", "\x1b[2J", "\x1b]", "\x07"):
            assert sequence not in out, (args, sequence, out)


def test_export_redacts_the_exporting_environment_secrets_from_an_older_store(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "README.md").write_text(f'---\nlicense: "other-{GENERIC}\\n::error::x\\n=1+1"\n---\n# Model\n',
                                      encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"")
    targets = tmp_path / "targets.txt"
    targets.write_text(f"{folder}\n", encoding="utf-8")
    db = tmp_path / "b.sqlite"
    # The store is written without the secret in any environment (as by another run or an older version) ...
    result = run_cli(["batch", str(targets), "--db", str(db), "-p", "mof", "--no-cache"], cwd=tmp_path)
    assert result.code in (0, 1), result.err
    assert GENERIC in db.read_bytes().decode("utf-8", "replace")
    # ... and exported where it is a secret: no export format shows it.
    for fmt in ("csv", "jsonl", "html", "parquet"):
        assert _run(["export", "--db", str(db), "-f", fmt, "-o", f"out.{fmt}"], tmp_path).code == 0
        assert GENERIC.encode() not in (tmp_path / f"out.{fmt}").read_bytes(), fmt
        assert b"other-" in (tmp_path / f"out.{fmt}").read_bytes() or fmt == "html", fmt
        if fmt != "parquet":
            _assert_inert_everywhere({fmt: (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")})


@pytest.mark.parametrize("status", [400, 403, 500])
def test_a_hub_error_text_echoing_the_token_is_redacted_and_inert(hub_server: HubReplayServer, tmp_path: Path,
                                                                   status: int) -> None:
    # Some proxies and servers quote the request back in their error text, Authorization header included.
    echo = f"rejected Authorization: Bearer {HF} for {GENERIC} ::error::pwned ##vso[task.complete]"
    hub_server.add_fault("/api/models/*", "status", times=None, status=status,
                         headers={"X-Error-Message": echo, "Retry-After": "0"})
    env = {**ENV, "HF_ENDPOINT": hub_server.url}
    env.pop("HF_HUB_OFFLINE")
    result = run_cli(["check", "EleutherAI/pythia-160m", "--no-cache", "-f", "json"], cwd=tmp_path, env=env)
    assert result.code == 3, (result.code, result.err)
    assert "Traceback" not in result.err and len(result.err.splitlines()) == 1, result.err
    assert "pwned" in result.err or "HTTP" in result.err, result.err
    _assert_no_canary({"stdout": result.out, "stderr": result.err})
    _assert_inert_everywhere({"stdout": result.out, "stderr": result.err})


def test_the_stored_hub_token_is_redacted_too(hub_server: HubReplayServer, tmp_path: Path) -> None:
    # `huggingface-cli login` stores a token that the Hub client sends when no variable gives one.
    stored = "stored-canary-token-0123456789"
    token_file = tmp_path / "hf-home" / "token"
    token_file.parent.mkdir()
    token_file.write_text(stored + "\n", encoding="utf-8")
    hub_server.add_fault("/api/models/*", "status", times=None, status=400,
                         headers={"X-Error-Message": f"bad token {stored}"})
    env = {"HF_ENDPOINT": hub_server.url, "HF_TOKEN_PATH": str(token_file)}
    result = run_cli(["check", "EleutherAI/pythia-160m", "--no-cache", "-f", "json"], cwd=tmp_path, env=env)
    assert result.code == 3, result.err
    assert "bad token" in result.err and stored not in result.err, result.err
