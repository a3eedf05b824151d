"""GitHub Action entry point: run `opencheck check` from OC_* variables, publish the summary and outputs.

Inputs arrive as environment variables (never interpolated into shell code), so a hostile input value
cannot inject commands. The script mirrors opencheck's exit code. It runs with the checked repository as its
working folder, so every Python it starts runs isolated (`-I`): a `typer.py` or `yaml.py` in that repository is
never imported. The outputs it sets are declared in action.yml from `declared_outputs()`
(`python action/run.py --sync-action-yml` rewrites that block; tests/test_action.py checks they agree).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from opencheck.formats.registry import FILENAMES, ReportFormat
from opencheck.rulepacks import builtin_pack_names

FORMATS = tuple(f.value for f in ReportFormat)
EXTENSIONS = {f.value: name for f, name in FILENAMES.items()}
# The output naming each format's file; `report-json` keeps its first name. A new format needs an entry here
# (tests/test_action.py fails otherwise), and then appears in action.yml through --sync-action-yml.
FILE_OUTPUTS = {"json": "report-json", "sarif": "sarif-file", "markdown": "markdown-file", "html": "html-file",
                "junit": "junit-file", "badge": "badge-file", "text": "text-file"}
FILE_OUTPUT_WHAT = {"json": "JSON report", "sarif": "SARIF report, if written", "markdown": "Markdown report",
                    "html": "HTML report, if written", "junit": "JUnit XML report, if written",
                    "badge": "shields.io badge JSON, if written", "text": "text report, if written"}
ISOLATED = "-I"  # no working folder, script folder, PYTHON* variables or user site on the import path
SUMMARY_LIMIT = 1024 * 1024 - 1024  # GitHub refuses step summaries over 1 MiB


def _split(value: str) -> list[str]:
    """Split a comma-, space- or newline-separated input."""
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def build_argv(out_dir: Path) -> tuple[list[str], dict[str, Path]]:
    """The `opencheck check` arguments for the inputs, and where each format is written."""
    target = _env("OC_TARGET", ".") or "."
    formats = _split(_env("OC_FORMATS", "json,sarif,markdown"))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SystemExit(f"opencheck action: unknown format(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(FORMATS)}")
    for needed in ("json", "markdown"):  # outputs and the step summary are read from these
        if needed not in formats:
            formats.append(needed)
    paths = {f: out_dir / EXTENSIONS[f] for f in formats}
    sarif = _env("OC_SARIF")
    if sarif:
        if "sarif" not in formats:
            formats.append("sarif")
        paths["sarif"] = Path(sarif)
    argv = ["check", target]
    for pack in _split(_env("OC_PACKS")):
        argv += ["--pack", pack]
    for spec in _split(_env("OC_FAIL_UNDER")):
        argv += ["--fail-under", spec]
    fail_on = _env("OC_FAIL_ON")
    if fail_on:
        argv += ["--fail-on", fail_on]
    baseline = _env("OC_BASELINE")
    if baseline:
        argv += ["--baseline", baseline]
    for fmt in formats:
        argv += ["--format", fmt, "--output", str(paths[fmt])]
    return argv, paths


def _write_output(lines: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for name, value in lines.items():
            if "\n" in value:
                delim = f"OC_{secrets.token_hex(8)}"  # a random delimiter cannot be forged by the value
                fh.write(f"{name}<<{delim}\n{value}\n{delim}\n")
            else:
                fh.write(f"{name}={value}\n")


def _append_summary(markdown: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    data = markdown.encode("utf-8")
    if len(data) > SUMMARY_LIMIT:
        markdown = data[:SUMMARY_LIMIT].decode("utf-8", errors="ignore") + "\n\n> summary truncated\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(markdown)
        if not markdown.endswith("\n"):
            fh.write("\n")


def declared_outputs() -> dict[str, str]:
    """Every output main() can set, with its description, in action.yml's order (the one list of them)."""
    outputs = {
        "exit-code": "opencheck's exit code (0 pass, 1 a gate failed, 2 usage error, 3 runtime error).",
        "status": "pass or fail (policy gates).",
        "grades": "Grades of every pack, as a JSON object.",
        "mof-class": "The MOF class (I, II, III or Unclassified), if the mof pack ran.",
    }
    for pack in builtin_pack_names():
        outputs[f"grade-{pack}"] = f"Grade of the {pack} pack, if it ran."
    for fmt in ReportFormat:
        outputs[FILE_OUTPUTS[fmt.value]] = f"Path of the {FILE_OUTPUT_WHAT[fmt.value]}."
    outputs["report-dir"] = "Folder holding the report files."
    return outputs


BEGIN, END = "  # BEGIN outputs generated by: python action/run.py --sync-action-yml", "  # END generated outputs"


def outputs_block() -> str:
    """The `outputs:` entries of action.yml, between their markers."""
    lines = [BEGIN]
    for name, description in declared_outputs().items():
        lines += [f"  {name}:", f"    description: {json.dumps(description)}",
                  f"    value: ${{{{ steps.run.outputs.{name} }}}}"]
    return "\n".join([*lines, END])


def sync_action_yml(path: Path) -> bool:
    """Rewrite the generated outputs block of action.yml; True when it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + outputs_block() + text[end:]
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main() -> int:
    """Run opencheck and publish its results; return opencheck's exit code."""
    out_dir = Path(_env("OC_OUTPUT_DIR", "opencheck-report") or "opencheck-report")
    try:
        argv, paths = build_argv(out_dir)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        _write_output({"exit-code": "2"})
        return 2
    out_dir.mkdir(parents=True, exist_ok=True)
    print("opencheck " + " ".join(argv), file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, ISOLATED, "-m", "opencheck", *argv], check=False)
    code = proc.returncode
    outputs: dict[str, str] = {"exit-code": str(code)}
    report_json = paths["json"]
    if report_json.is_file():
        try:
            report = json.loads(report_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {}
        grades = (report.get("summary") or {}).get("grades") or {}
        for pack, grade in sorted(grades.items()):
            outputs[f"grade-{pack}"] = str(grade)
        if "mof" in grades:
            outputs["mof-class"] = str(grades["mof"])
        outputs["grades"] = json.dumps(grades, sort_keys=True)
        outputs["status"] = str((report.get("summary") or {}).get("status", ""))
    for fmt, key in FILE_OUTPUTS.items():
        if fmt in paths and paths[fmt].is_file():
            outputs[key] = str(paths[fmt])
    outputs["report-dir"] = str(out_dir)
    md = paths.get("markdown")
    if md is not None and md.is_file():
        _append_summary(md.read_text(encoding="utf-8"))
    elif code not in (0, 1):
        _append_summary(f"## opencheck failed\n\nopencheck exited with code {code}; see the step log.\n")
    _write_output(outputs)
    return code


if __name__ == "__main__":
    if sys.argv[1:] == ["--sync-action-yml"]:
        changed = sync_action_yml(Path(__file__).resolve().parents[1] / "action.yml")
        print("action.yml outputs " + ("updated" if changed else "already up to date"), file=sys.stderr)
        sys.exit(0)
    sys.exit(main())
