"""Model cards built to make a backtracking regular expression take quadratic time, checked end to end.

Each card (also written as the folder's LICENSE) is a keyword some pattern looks for (a heading mark,
"carbon emitted", "trained for 1", a label...) followed by a long run of one character class, then an optional
closing character. Every pattern opencheck applies to card and licence text must get through each card in time
linear in its length.

    python benchmarks/hostile_text.py [--length 20000] [-p my-pack.yaml]   # the sweep: 35 x 20 x 2 cards
    python benchmarks/hostile_text.py --regressions --length 200000 [--shape N]

The sweep prints the slowest cards; compare two lengths to see the growth (linear: 10x the length, about 10x
the time). `--regressions` checks only the shapes that were once quadratic; tests/hardening runs each of them at 200,000
characters in its own process under a timeout, which a quadratic pattern (200,000 squared steps) cannot meet.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PREFIXES = ("", "# x", "## x ", "| x ", "- ", "1. ", "> ", "**License**:", "License: ", "carbon emitted",
            "trained for 1", "train on 1", "8", "1,", "1.", "@article", "http://x", "[x](", "<!--", "```",
            "insert ", "your ", "more info", "Energy ", "emissions ", "lr ", "tokens ", "RLHF", "self",
            "**", "__", "{{", "arxiv.org/abs/", "trained on ", "- **Paper:** ")
FILLERS = (" ", "\t", "1", "#", "*", "_", "`", "|", "-", "[", "(", "<", ".", ",", ":", "a", " 1", "1,", "* ",
           "x ")
ENDS = ("q", "")

# (prefix, filler, end) of every shape that once took quadratic time, and the pattern it caught.
REGRESSIONS = (
    ("", "1", "q"),  # footprint number: a digit run was a start at every digit
    ("", "1,", "q"),  # fmti `\d[\d.,]*` patterns: every digit after a comma was a start
    ("1", ".", " kWh energy"),  # ditto, with dots
    ("1", " ", "q"),  # facts hardware `\d+\s*(?:x)?\s*`: two quantifiers sharing the blanks
    ("8", " ", "q gpus"),  # ditto
    ("carbon emitted", " *", "q"),  # fmti `carbon emitted\W+\**\s*\d`
    ("trained for 1", " ", "q"),  # training-length `(k|m|...)?\s*` after `\s*`
    ("", "a", "q"),  # train_tokens `(?=.*tokens)` lookahead at every position
    ("# x", " ", "y"),  # card heading `(.*?)[ \t]*$`
    ("x", " ", "q"),  # card `_CLOSING_HASHES` and `_EMPHASIS` blank runs
    ("", ".", "q"),  # placeholder `\.\.\.+` before `[\s.!]*`
    ("insert ", " ", "q"),  # placeholder `insert\s+.*\s+here`
    ("your x here", " ", "q"),  # placeholder `\s*\]?` before `[\s.!]*`
    ("", "<!--", "q"),  # `<!--.*?-->` from every unclosed opener
    ("License: ", "[", "q"),  # link text `\[([^\]]*)\]` from every "["
    ("", "[x](", "q"),  # link target `\([^)]*\)` from every "("
    ("license", " ", "q"),  # licence mention `^\s*(?:[*_#>\-\s]*)licen[cs]e\s*[*_]*\s*:` (in LICENSE)
    ("- ", " ", "q"),  # base-model label `^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*`: three blank runs for the same spaces
)


def card(prefix: str, filler: str, end: str, length: int) -> str:
    """A card whose body is the prefix, `length` characters of the filler, then the end."""
    run = filler * max(1, length // len(filler))
    return f"---\nlicense: mit\n---\n# Model\n\n{prefix}{run}{end}\n"


def sweep(length: int) -> Iterator[tuple[str, str]]:
    """(name, card) for every prefix, filler and end."""
    for prefix in PREFIXES:
        for filler in FILLERS:
            for end in ENDS:
                yield f"{prefix!r}+{filler!r}*+{end!r}", card(prefix, filler, end, length)


def regressions(length: int) -> Iterator[tuple[str, str]]:
    """(name, card) for the shapes that were once quadratic."""
    for prefix, filler, end in REGRESSIONS:
        yield f"{prefix!r}+{filler!r}*+{end!r}", card(prefix, filler, end, length)


def check_all(cards: Iterable[tuple[str, str]], packs: list[str] | None = None) -> list[tuple[float, str]]:
    """Run a full check with the packs (default: every built-in one) on each card; (seconds, name) per card."""
    from opencheck.check import CheckOptions, run_check
    from opencheck.rulepacks import builtin_pack_names, load_pack

    options = CheckOptions(packs=[load_pack(spec) for spec in packs or builtin_pack_names()])
    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in cards:
            (folder / "README.md").write_text(text, encoding="utf-8")
            # The same body as a licence file: licence texts go through the identifier's patterns.
            (folder / "LICENSE").write_text(text.split("# Model\n\n", 1)[1], encoding="utf-8")
            start = time.perf_counter()
            report = run_check(str(folder), options, "2026-01-01T00:00:00Z")
            timings.append((time.perf_counter() - start, name))
            if report.evidence.card is None:
                raise SystemExit(f"{name}: the card was not read")
    return timings


def main(argv: list[str] | None = None) -> int:
    """Check the hostile cards and print the slowest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=20_000)
    parser.add_argument("--regressions", action="store_true", help="only the shapes that were once quadratic")
    parser.add_argument("--shape", type=int, help="with --regressions: only this one (0-based index)")
    parser.add_argument("-p", "--pack", action="append", help="a pack name or file (repeatable; default: built-ins)")
    args = parser.parse_args(argv)
    cards = regressions(args.length) if args.regressions else sweep(args.length)
    if args.shape is not None:
        cards = [list(cards)[args.shape]]
    from opencheck.errors import ConfigError

    try:
        timings = check_all(cards, args.pack)
    except ConfigError as exc:
        print(f"hostile_text: {exc}", file=sys.stderr)
        return 2
    for seconds, name in sorted(timings, reverse=True)[:5]:
        print(f"{seconds:.3f}s {name}")
    print(f"checked {len(timings)} cards of {args.length} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
