"""Export a batch store: CSV, JSONL, Parquet (optional extra) or an HTML summary with charts; compare two runs."""

from __future__ import annotations

import csv
import html
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from opencheck.batch.store import StoreReader
from opencheck.batch.stored_values import stored_components, typed_row, typed_value
from opencheck.engine.packs import MOF_COMPONENT_NAMES
from opencheck.errors import SourceError, UsageError
from opencheck.output.inert import csv_cell, inert_commands, inert_json, inert_xml, terminal_text
from opencheck.output.redact import Redactor

Scrub = Callable[[str], str]
FORMATS = ("csv", "jsonl", "parquet", "html")
BASE_COLUMNS = (
    "target", "org", "sha", "pack", "pack_version", "grade", "grade_label", "score", "gate_passed",
    "weights_licence", "weights_licence_class", "data_licence", "data_licence_class", "code_licence_class",
    "rules_passed", "rules_warned", "rules_failed", "requests", "checked_at", "lookups_ran", "lookups_failed",
    "live_class", "curated_class", "reference",  # the MOF class found live and the curated record's, if any
)
COMPONENT_COLUMNS = tuple(f"component:{name}" for name in MOF_COMPONENT_NAMES)
# The eu-gpai pack's four verdicts (likely / not likely / undetermined), empty on other packs' rows.
EU_COLUMNS = ("eu:gpai", "eu:systemic_risk", "eu:exemption", "eu:still_owed")
COLUMNS = BASE_COLUMNS + COMPONENT_COLUMNS + EU_COLUMNS
MOF_ORDER = ["I", "II", "III", "Unclassified"]
OSAID_ORDER = ["pass", "inconclusive", "fail"]
CLASS_ORDER = ["osi", "free", "open-data", "restricted", "non-commercial", "no-derivatives", "proprietary",
               "ambiguous", "unknown", "(none)"]


def flat_rows(reader: StoreReader, scrub: Scrub | None = None) -> Iterator[dict[str, Any]]:
    """One flat dict per (model, pack), newest result first per pair, components as `component:<name>` status.

    Values are redacted on the way out by `scrub` (default: token shapes; the batch redacted its environment's
    secrets on the way in), so an export never carries a secret, whichever run or version wrote the store.
    """
    scrub = scrub or Redactor().scrub
    for row in _rows(reader):
        yield {k: scrub(v) if isinstance(v, str) else v for k, v in row.items()}


def _rows(reader: StoreReader) -> Iterator[dict[str, Any]]:
    for row in reader.latest_rows():
        # A store written before look-ups were recorded has no such columns: those rows say nothing (None). A store
        # is untrusted: each value is typed by its column (text, a finite number or None), whatever SQLite holds.
        out = typed_row(row, BASE_COLUMNS)
        components = stored_components(row["components"])
        for name in MOF_COMPONENT_NAMES:
            out[f"component:{name}"] = components.get(name, {}).get("status")
        extra = typed_row(row, ("scheme", "grade_label"))
        verdicts = _eu_verdicts(extra["scheme"], extra["grade_label"])
        for column in EU_COLUMNS:
            out[column] = verdicts.get(column.split(":", 1)[1])
        yield out


def _eu_verdicts(scheme: str | None, label: str | None) -> dict[str, str]:
    if scheme != "eu-verdicts" or not label:
        return {}
    from opencheck.euaiact.verdict_model import parse_headline

    return parse_headline(label)


def write_csv(reader: StoreReader, stream: TextIO, scrub: Scrub | None = None) -> int:
    """CSV with a header row; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for n, row in enumerate(flat_rows(reader, scrub), 1):  # noqa: B007 - n is the count after the loop
        # Model names and licences are untrusted: no cell may run as a spreadsheet formula, a terminal escape or
        # (after a line break inside it) a CI workflow command.
        writer.writerow({k: csv_cell(inert_commands(terminal_text(v))) if isinstance(v, str) else v
                         for k, v in row.items()})
    return n


def write_jsonl(reader: StoreReader, stream: TextIO, scrub: Scrub | None = None) -> int:
    """One JSON object per line; returns the number of rows."""
    n = 0
    for n, row in enumerate(flat_rows(reader, scrub), 1):  # noqa: B007
        stream.write(inert_json(json.dumps(row, ensure_ascii=False)) + "\n")
    return n


def write_parquet(reader: StoreReader, path: Path | BinaryIO, batch_size: int = 2000,
                  scrub: Scrub | None = None) -> int:
    """Parquet through pyarrow (optional extra `parquet`) to a path or binary stream, in batches (flat memory)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("Parquet export needs pyarrow: pip install 'opencheck[parquet]'") from None
    types = {"score": pa.float64(), "gate_passed": pa.bool_(), "rules_passed": pa.int64(),
             "rules_warned": pa.int64(), "rules_failed": pa.int64(), "requests": pa.int64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
    n = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(path if not isinstance(path, Path) else str(path), schema) as writer:
        for row in flat_rows(reader, scrub):
            batch.append(row)
            n += 1
            if len(batch) >= batch_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return n


class _Tally:
    """Counters for the HTML summary, fed one row at a time (memory grows with categories, not models)."""

    def __init__(self) -> None:
        self.grades: dict[str, Counter[str]] = defaultdict(Counter)
        self.weights: Counter[str] = Counter()
        self.data: Counter[str] = Counter()
        self.org_scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
        self.seen_licence: set[str] = set()

    def add(self, row: dict[str, Any]) -> None:
        target = row["target"]
        self.grades[row["pack"]][str(row["grade"])] += 1
        if target not in self.seen_licence:
            self.seen_licence.add(target)
            self.weights[row["weights_licence_class"] or "(none)"] += 1
            self.data[row["data_licence_class"] or "(none)"] += 1
        if row["score"] is not None:
            acc = self.org_scores[row["pack"]][row["org"] or "(local)"]
            acc[0] += float(row["score"])
            acc[1] += 1


def write_html(reader: StoreReader, stream: TextIO, scrub: Scrub | None = None, *, max_rows: int = 5000) -> int:
    """A self-contained HTML page: counts, charts (inline SVG) and the first `max_rows` rows."""
    from opencheck.batch import charts

    tally = _Tally()
    n = 0
    table: list[str] = []
    for row in flat_rows(reader, scrub):
        n += 1
        tally.add(row)
        if n <= max_rows:
            table.append("<tr>" + "".join(f"<td>{html.escape(str(row[c]) if row[c] is not None else '')}</td>"
                                          for c in ("target", "pack", "grade", "weights_licence_class",
                                                    "data_licence_class", "lookups_ran", "lookups_failed", "sha"))
                         + "</tr>")
    errors = Counter(typed_value("kind", r["kind"]) or "" for r in reader.errors())
    score_pack = next((p for p in ("open-training", "osai-index", "release", "mof") if p in tally.org_scores),
                      next(iter(tally.org_scores), None))
    figures = [
        charts.bar_chart("MOF classes", tally.grades.get("mof", Counter()), order=MOF_ORDER),
        charts.bar_chart("OSAID outcomes", tally.grades.get("osaid", Counter()), order=OSAID_ORDER),
        charts.bar_chart("Licence class of the weights", tally.weights, order=CLASS_ORDER),
        charts.bar_chart("Licence class of the training data", tally.data, order=CLASS_ORDER),
        charts.org_chart(f"Openness by organisation ({score_pack or 'no scores'})",
                         {org: (acc[0] / acc[1], acc[1]) for org, acc in
                          (tally.org_scores.get(score_pack, {}) if score_pack else {}).items() if acc[1]}),
    ]
    grade_rows = "".join(
        f"<tr><td>{html.escape(pack)}</td><td>{html.escape(', '.join(f'{g}: {c}' for g, c in counts.most_common()))}"
        "</td></tr>" for pack, counts in sorted(tally.grades.items()))
    error_rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in errors.most_common())
    more = f"<p>Showing the first {max_rows} of {n} rows; export CSV for all.</p>" if n > max_rows else ""
    stream.write(inert_xml(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>opencheck batch summary</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%}}.charts{{display:flex;flex-wrap:wrap;gap:1em}}
.charts figure{{margin:0}}.charts svg{{max-width:520px;height:auto}}</style></head><body>
<h1>opencheck batch summary</h1>
<p>{len(tally.seen_licence)} models, {n} results (model x pack),
{sum(errors.values())} models failed to check.</p>
<h2>Grades</h2><table><tr><th>pack</th><th>grades</th></tr>{grade_rows}</table>
<h2>Errors</h2><table><tr><th>kind</th><th>models</th></tr>{error_rows or '<tr><td colspan=2>none</td></tr>'}</table>
<h2>Charts</h2><div class="charts">{''.join(f'<figure>{svg}</figure>' for svg in figures)}</div>
<h2>Results</h2>{more}<table><tr><th>model</th><th>pack</th><th>grade</th><th>weights licence</th>
<th>data licence</th><th>look-ups run</th><th>look-ups failed</th><th>sha</th></tr>{''.join(table)}</table>
</body></html>
"""))
    return n


def export(db: Path, fmt: str, output: Path | None, stdout: TextIO, scrub: Scrub | None = None) -> int:
    """Write the store in `fmt` to `output` (stdout when None; Parquet needs a file), every value through `scrub`
    (default: token shapes); returns rows written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise UsageError("Parquet is binary: give -o FILE")
    if output is not None:
        from opencheck.output.files import same_file_key

        if same_file_key(output) == same_file_key(db):
            raise UsageError(f"-o {output}: is the database being exported; give another file")
    with StoreReader(db) as reader:
        try:
            if output is None:
                # stdout errors are not caught here: a closed pipe (`| head`) ends quietly in the CLI.
                return {"csv": write_csv, "jsonl": write_jsonl, "html": write_html}[fmt](reader, stdout, scrub)
            from opencheck.output.files import write_with

            # Every format, Parquet included, goes through the one writer: a temporary file created exclusively
            # next to the target and renamed over it, or a stream into a device or FIFO.
            if fmt == "parquet":
                return write_with(output, lambda handle: write_parquet(reader, handle, scrub=scrub), binary=True)
            writer = {"csv": write_csv, "jsonl": write_jsonl, "html": write_html}[fmt]
            return write_with(output, lambda handle: writer(reader, handle, scrub))
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"{db}: cannot read the database: {exc}") from None


_LATEST = ("SELECT r.target, r.pack, r.sha, r.grade, r.grade_rank, r.weights_licence_class, r.data_licence_class "
           "FROM {db}.results r WHERE r.id = (SELECT r2.id FROM {db}.results r2 WHERE r2.target = r.target AND "
           "r2.pack = r.pack ORDER BY r2.checked_at DESC, r2.id DESC LIMIT 1)")


def compare(old: Path, new: Path) -> Iterator[dict[str, Any]]:
    """Models whose openness changed between two stores: grade or licence class of weights/data, per pack."""
    for path in (old, new):
        if not path.is_file():
            raise UsageError(f"{path}: no such database")
    with StoreReader(new) as reader:
        conn = reader.conn
        try:
            conn.execute("ATTACH DATABASE ? AS old", (f"{old.resolve().as_uri()}?mode=ro",))
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{old}: cannot open: {exc}") from None
        sql = (f"WITH n AS ({_LATEST.format(db='main')}), o AS ({_LATEST.format(db='old')}) "
               "SELECT n.target, n.pack, o.sha AS old_sha, n.sha AS new_sha, o.grade AS old_grade, "
               "n.grade AS new_grade, o.grade_rank AS old_rank, n.grade_rank AS new_rank, "
               "o.weights_licence_class AS old_weights, n.weights_licence_class AS new_weights, "
               "o.data_licence_class AS old_data, n.data_licence_class AS new_data "
               "FROM n JOIN o ON n.target = o.target AND n.pack = o.pack "
               "WHERE n.grade IS NOT o.grade OR n.weights_licence_class IS NOT o.weights_licence_class "
               "OR n.data_licence_class IS NOT o.data_licence_class ORDER BY n.target, n.pack")
        try:
            for row in conn.execute(sql):
                item = typed_row(row)
                old_rank, new_rank = item.pop("old_rank"), item.pop("new_rank")
                item["change"] = ("more open" if (new_rank or 0) > (old_rank or 0) else
                                  "less open" if (new_rank or 0) < (old_rank or 0) else "changed")
                yield item
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{old}: not an opencheck batch database ({exc})") from None
