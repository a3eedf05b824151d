"""Agreement: live verdicts against the curators, for every replay-Hub model a MOT record covers.

    python benchmarks/agreement.py [--json]

Starts the replay Hub (tests/hubreplay, in this process, on a free local port; GitHub and arXiv look-ups go to it
too), checks every model under tests/fixtures/hub (a new fixture folder is picked up without a change here) with
the default packs and look-ups, and keeps those whose report carries a MOT record about the model itself. For
each it compares the live MOF class with the curated one and each component with the curated record (the report's
`references` section), and prints a table and totals: same class, live higher, live lower; per component recall
(live finds what the curators list) and precision (what live finds, the curators list); and the OSAID outcome.
Offline and deterministic: the same fixtures give the same figures.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # `tests.hubreplay` is the replay server

HUB_FIXTURES = REPO / "tests" / "fixtures" / "hub"
UNPUBLISHED = Path(__file__).resolve().with_name("unpublished_components.yaml")
ROMAN = {1: "I", 2: "II", 3: "III"}


@dataclass
class ModelRow:
    """One covered model: the two classes, the OSAID outcome and the per-component comparison."""

    model: str
    record: str
    curated: int
    live: int
    osaid: str
    explained: str | None = None  # why a live class above the curated one is expected, as the report says
    components: dict[str, str] = field(default_factory=dict)  # component -> comparison result
    unpublished: list[str] = field(default_factory=list)  # curated components not public (unpublished_components)

    @property
    def relation(self) -> str:
        """`same`, `live higher` or `live lower` (class I is the highest, 0 = Unclassified the lowest)."""
        rank = {0: 0, 3: 1, 2: 2, 1: 3}
        if self.curated == self.live:
            return "same"
        return "live higher" if rank[self.live] > rank[self.curated] else "live lower"


def fixture_models(root: Path = HUB_FIXTURES) -> list[str]:
    """Every model the replay Hub serves from fixture folders (`org/name/model.json`), sorted."""
    return sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in root.glob("*/*/model.json")
                  if p.parent.parent.name != "datasets")


def class_name(value: int) -> str:
    """`I`, `II`, `III` or `Unclassified`."""
    return ROMAN.get(value, "Unclassified")


@dataclass(frozen=True)
class Unpublished:
    """A component curated records list that no public source shows, for the models a pattern names."""

    models: tuple[str, ...]
    component: str
    fact: str
    source: str


def unpublished_components(path: Path = UNPUBLISHED) -> list[Unpublished]:
    """The entries of unpublished_components.yaml, each with its fact and source."""
    import yaml

    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for entry in entries:
        if not (entry.get("models") and entry.get("component") and entry.get("fact") and entry.get("source")):
            raise ValueError(f"{path.name}: every entry needs models, component, fact and source: {entry!r}")
        out.append(Unpublished(tuple(entry["models"]), entry["component"], " ".join(entry["fact"].split()),
                               entry["source"]))
    return out


def mark_unpublished(rows: list[ModelRow], entries: list[Unpublished]) -> None:
    """Set each row's `unpublished` from the entries, refusing one that would hide a public component."""
    for entry in entries:
        matched = [r for r in rows if any(fnmatch.fnmatchcase(r.model, p) for p in entry.models)]
        if not matched:
            raise ValueError(f"unpublished component {entry.component!r}: {entry.models} match no covered model")
        for row in matched:
            if row.components.get(entry.component) != "only curated":
                raise ValueError(f"{row.model}: {entry.component!r} is listed as unpublished, but the comparison "
                                 f"says {row.components.get(entry.component, 'not in the record')!r}")
            row.unpublished.append(entry.component)


def check_model(model: str, url: str, cache: Path) -> dict[str, Any] | None:
    """The JSON report of `opencheck check MODEL` against the replay Hub, or None when the check failed."""
    from opencheck.cli.app import main
    from opencheck.environment import Environment

    out, err = io.StringIO(), io.StringIO()
    env = {"HF_ENDPOINT": url, "OPENCHECK_GITHUB_API": url, "OPENCHECK_ARXIV_API": f"{url}/oai2",
           "HF_HUB_DISABLE_TELEMETRY": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    code = main(["check", model, "-f", "json", "--cache-dir", str(cache)],
                Environment(stdout=out, stderr=err, env=env, cwd=REPO))
    if code not in (0, 1) or not out.getvalue():
        return None
    return json.loads(out.getvalue())


def row_of(model: str, report: dict[str, Any]) -> ModelRow | None:
    """The comparison for one report, or None when no MOT record is about the model itself."""
    records = (report.get("references") or {}).get("records") or []
    record = next((r for r in records if r.get("source") == "mot" and r.get("about") == "this model"), None)
    if record is None:
        return None
    osaid = next((p["grade"]["value"] for p in report["packs"] if p["name"] == "osaid"), "not run")
    higher = record.get("live_higher") or {}
    return ModelRow(model=model, record=record["id"], curated=record["verdict"]["class"],
                    live=record["live"]["class"], osaid=osaid,
                    explained=higher.get("reason") if higher.get("explained") else None,
                    components={c["component"]: c["result"] for c in record.get("components") or []})


def collect(models: list[str] | None = None) -> tuple[list[ModelRow], dict[str, str]]:
    """Check each fixture model on a fresh replay Hub: the covered ones' rows, in model order, and every checked
    model's OSAID outcome (`error` when the check failed, e.g. a gated model)."""
    from tests.hubreplay.server import HubReplayServer

    rows: list[ModelRow] = []
    osaid: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="opencheck-agreement-") as tmp, HubReplayServer() as server:
        url = f"http://127.0.0.1:{server.port}"
        for model in models if models is not None else fixture_models():
            report = check_model(model, url, Path(tmp) / "cache")
            osaid[model] = next((p["grade"]["value"] for p in (report or {}).get("packs", [])
                                 if p["name"] == "osaid"), "error")
            row = row_of(model, report) if report else None
            if row is not None:
                rows.append(row)
    mark_unpublished(rows, unpublished_components())
    return rows, osaid


def _ratio(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def totals(rows: list[ModelRow]) -> dict[str, Any]:
    """Class agreement counts, and per component recall and precision over every covered model."""
    relations = {key: sum(1 for r in rows if r.relation == key) for key in ("same", "live higher", "live lower")}
    per: dict[str, dict[str, int]] = {}
    for row in rows:
        for component, result in row.components.items():
            counts = per.setdefault(component, {"curated": 0, "live": 0, "both": 0})
            counts["curated"] += result != "only live"
            counts["live"] += result != "only curated"
            counts["both"] += result in ("agrees", "licence differs")
    components = {name: {**c, "recall": _ratio(c["both"], c["curated"]), "precision": _ratio(c["both"], c["live"]),
                         "licence_agrees": sum(1 for r in rows if r.components.get(name) == "agrees")}
                  for name, c in sorted(per.items())}
    public = [r for r in rows if not r.unpublished]
    public_same = sum(1 for r in public if r.relation == "same")
    return {"models": len(rows), **relations, "same_share": _ratio(relations["same"], len(rows)),
            "public": {"models": len(public), "same": public_same, "same_share": _ratio(public_same, len(public))},
            "unexplained_higher": sum(1 for r in rows if r.relation == "live higher" and not r.explained),
            "osaid": {key: sum(1 for r in rows if r.osaid == key) for key in ("pass", "inconclusive", "fail")},
            "components": components}


def render(rows: list[ModelRow], summary: dict[str, Any]) -> Iterator[str]:
    """The table and totals as text lines."""
    wide = max([len("model"), *(len(r.model) for r in rows)]) + 2
    record = max([len("MOT record"), *(len(r.record) for r in rows)]) + 2
    yield f"{'model':<{wide}}{'MOT record':<{record}}{'curated':>12}{'live':>14}  {'relation':<13}OSAID"
    for r in rows:
        yield (f"{r.model:<{wide}}{r.record:<{record}}{class_name(r.curated):>12}{class_name(r.live):>14}  "
               f"{r.relation:<13}{r.osaid}" + (f"  ({r.explained})" if r.explained else "")
               + (f"  [not public: {', '.join(r.unpublished)}]" if r.unpublished else ""))
    yield ""
    yield (f"{summary['models']} covered models: same class {summary['same']} ({summary['same_share']} %), "
           f"live higher {summary['live higher']} ({summary['unexplained_higher']} unexplained), "
           f"live lower {summary['live lower']}")
    public = summary["public"]
    yield (f"{public['models']} covered models whose curated components are public: same class {public['same']} "
           f"({public['same_share']} %); the others list a component no public source shows "
           f"({UNPUBLISHED.name})")
    osaid = summary["osaid"]
    yield f"OSAID: pass {osaid['pass']}, inconclusive {osaid['inconclusive']}, fail {osaid['fail']}"
    yield ""
    yield (f"{'component':<34}{'curated':>8}{'live':>6}{'both':>6}{'recall %':>10}{'precision %':>13}"
           f"{'same licence':>14}")
    for name, c in summary["components"].items():
        recall = "-" if c["recall"] is None else f"{c['recall']:.1f}"
        precision = "-" if c["precision"] is None else f"{c['precision']:.1f}"
        yield (f"{name:<34}{c['curated']:>8}{c['live']:>6}{c['both']:>6}{recall:>10}{precision:>13}"
               f"{c['licence_agrees']:>14}")


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print it (text, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print rows and totals as JSON")
    opts = parser.parse_args(argv)
    rows, osaid = collect()
    summary = totals(rows)
    if opts.json:
        print(json.dumps({"rows": [{**r.__dict__, "relation": r.relation} for r in rows], "totals": summary,
                          "osaid_all": osaid, "unpublished": [{**e.__dict__, "models": list(e.models)}
                                                              for e in unpublished_components()]},
                         indent=1, sort_keys=True))
        return
    for line in render(rows, summary):
        print(line)
    print("\nCurated components no public source shows (left out of the 'components public' figure):")
    for entry in unpublished_components():
        print(f"  {', '.join(entry.models)}: {entry.component}: {entry.fact} ({entry.source})")
    print("\nOSAID outcome of every checked fixture model (covered or not):")
    for model, outcome in osaid.items():
        print(f"  {model:<46}{outcome}")
    print("\nreproduce: python benchmarks/agreement.py")


if __name__ == "__main__":
    main()
