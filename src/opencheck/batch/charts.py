"""Charts for the HTML summary: matplotlib (optional extra `charts`) rendered to inline SVG (no network needed)."""

from __future__ import annotations

import io
import re
from collections import Counter

from opencheck.errors import UsageError

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _pyplot():  # type: ignore[no-untyped-def]
    try:
        import matplotlib
    except ImportError:
        raise UsageError("HTML charts need matplotlib: pip install 'opencheck[charts]'") from None
    matplotlib.use("Agg", force=True)  # no display, no GUI toolkit
    matplotlib.rcParams["svg.hashsalt"] = "opencheck"  # stable element ids: identical data, identical page
    matplotlib.rcParams["svg.fonttype"] = "path"  # glyphs as paths: the page needs no fonts from anywhere
    import matplotlib.pyplot as plt

    return plt


def _svg(fig) -> str:  # type: ignore[no-untyped-def]
    import warnings

    buffer = io.StringIO()
    with warnings.catch_warnings():
        # A label is a stored organisation or licence name (untrusted): a glyph no font has is drawn as a box, not
        # reported as a two-line UserWarning quoting it on stderr.
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    return _PROLOGUE.sub("", buffer.getvalue(), count=1)


LABEL_CHARS = 32  # longer category or organisation names are shortened so the plot keeps its width


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _bars(ax, labels: list[str], values: list[float], color: str, *, limit: float | None = None,  # type: ignore[no-untyped-def]
          fmt: str = "{:g}") -> None:
    """Horizontal bars with their values written past each bar's end, inside the frame (never on or over it)."""
    ax.barh(range(len(labels)), values, color=color)
    ax.set_yticks(range(len(labels)), labels=[_short(x) for x in labels])
    ax.invert_yaxis()
    top = max(values, default=0) or 1
    # Room after the longest bar for its value label: the frame ends past the label, not through it.
    ax.set_xlim(0, max(limit or 0, top) * 1.15)
    ax.spines[["top", "right"]].set_visible(False)
    for i, value in enumerate(values):
        ax.text(value, i, " " + fmt.format(value), va="center", fontsize=8, clip_on=False)


def bar_chart(title: str, counts: Counter[str], *, order: list[str] | None = None, xlabel: str = "models") -> str:
    """A horizontal bar chart of category counts, as an SVG string."""
    plt = _pyplot()
    labels = [k for k in (order or []) if k in counts] + sorted(k for k in counts if k not in (order or []))
    values = [counts[k] for k in labels]
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(labels), 2) + 1.0))
    _bars(ax, labels, values, "#3b7dd8")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if not labels:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center")
    return _svg(fig)


def org_chart(title: str, scores: dict[str, tuple[float, int]], *, top: int = 20) -> str:
    """Mean openness score (0-100) per organisation, the `top` organisations by model count."""
    plt = _pyplot()
    chosen = sorted(scores.items(), key=lambda kv: (-kv[1][1], kv[0]))[:top]
    chosen.sort(key=lambda kv: -kv[1][0])
    labels = [f"{_short(org)} ({n})" for org, (_mean, n) in chosen]
    values = [mean for _org, (mean, _n) in chosen]
    fig, ax = plt.subplots(figsize=(6.4, 0.4 * max(len(labels), 2) + 1.0))
    _bars(ax, labels, values, "#2a9d5c", limit=100, fmt="{:.0f}")
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_title(title)
    ax.set_xlabel("mean score (0-100); (n) = models")
    if not labels:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center")
    return _svg(fig)
