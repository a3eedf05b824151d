"""CI gates: `--fail-under` per pack and `--fail-on` a severity."""

from __future__ import annotations

from opencheck.errors import UsageError
from opencheck.report import GateResult
from opencheck.results import PackResult, Severity


def parse_fail_under(specs: list[str], pack_names: list[str]) -> dict[str, str]:
    """Map `III`, `mof=II`, `osaid=pass` to {pack: minimum grade}; a bare grade applies to the MOF pack."""
    out: dict[str, str] = {}
    for spec in specs:
        if "=" in spec:
            pack, _, value = spec.partition("=")
            pack, value = pack.strip(), value.strip()
        else:
            pack, value = ("mof" if "mof" in pack_names else (pack_names[0] if pack_names else "mof")), spec.strip()
        if pack not in pack_names:
            raise UsageError(f"--fail-under {spec}: pack {pack!r} is not being run (packs: {', '.join(pack_names)})")
        if not value:
            raise UsageError(f"--fail-under {spec}: no grade given")
        out[pack] = value
    return out


def _normalise_grade(value: str) -> str:
    v = value.strip()
    upper = v.upper()
    for prefix in ("CLASS ", "CLASS"):
        if upper.startswith(prefix):
            upper = upper[len(prefix):].strip()
    if upper in ("I", "II", "III", "1", "2", "3"):
        return {"1": "I", "2": "II", "3": "III"}.get(upper, upper)
    if upper == "UNCLASSIFIED":
        return "Unclassified"
    return v


def evaluate_gates(packs: list[PackResult], fail_under: dict[str, str], fail_on: Severity | None) -> list[GateResult]:
    """Check each gate against the pack results."""
    gates: list[GateResult] = []
    by_name = {p.name: p for p in packs}
    for name, wanted_raw in sorted(fail_under.items()):
        grade = by_name[name].grade
        wanted = _normalise_grade(wanted_raw)
        if grade.order:
            matches = [g for g in grade.order if g.lower() == wanted.lower()]
            if not matches:
                raise UsageError(f"--fail-under {name}={wanted_raw}: not a grade of pack {name!r} "
                                 f"(grades, worst first: {', '.join(grade.order)})")
            need = grade.order.index(matches[0])
            ok = grade.rank >= need
            gates.append(GateResult(f"fail-under:{name}", ok,
                                    f"{name}: {grade.value} {'meets' if ok else 'is below'} the minimum "
                                    f"{matches[0]}"))
        else:
            try:
                threshold = float(wanted)
            except ValueError:
                raise UsageError(f"--fail-under {name}={wanted_raw}: pack {name!r} has a numeric grade; "
                                 "give a number") from None
            # An undetermined grade is gated on its unfavourable bound: unfetched facts never pass a gate.
            shown = grade.bounds[0] if grade.undetermined and grade.bounds else grade.value
            actual = float(shown.split("/")[0])
            ok = actual >= threshold
            gates.append(GateResult(f"fail-under:{name}", ok,
                                    f"{name}: {grade.value} {'meets' if ok else 'is below'} the minimum {wanted}"))
    if fail_on is not None:
        bad = sorted(r.rule_id for p in packs for r in p.results if r.failed and r.severity.rank >= fail_on.rank)
        gates.append(GateResult(f"fail-on:{fail_on.value}", not bad,
                                f"{len(bad)} unsuppressed failures at severity {fail_on.value} or above"
                                + (f": {', '.join(bad[:10])}" if bad else "")))
    return gates
