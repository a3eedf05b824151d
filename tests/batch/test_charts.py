"""Batch summary charts: every value label and category label sits inside the figure, clear of the frame."""

from __future__ import annotations

from collections import Counter

import pytest

from opencheck.batch import charts


@pytest.fixture
def plt():  # type: ignore[no-untyped-def]
    return charts._pyplot()


@pytest.mark.parametrize("values", [[3400, 120, 15, 7], [1, 1], [100.0, 88.0, 31.0]])
def test_value_labels_end_inside_the_axes(plt, values: list[float]) -> None:  # type: ignore[no-untyped-def]
    fig, ax = plt.subplots(figsize=(6.4, 3))
    charts._bars(ax, [f"label {i}" for i in range(len(values))], values, "#3b7dd8",
                 limit=100 if max(values) <= 100 else None)
    fig.canvas.draw()
    frame = ax.get_window_extent()
    texts = [t for t in ax.texts]
    assert len(texts) == len(values)
    for text in texts:
        assert text.get_window_extent().x1 <= frame.x1, text.get_text()
    plt.close(fig)


def test_long_names_are_shortened() -> None:
    name = "an-organisation-with-a-very-long-name-indeed"
    svg = charts.org_chart("Openness", {name: (50.0, 3)})
    assert svg.startswith("<svg")
    assert charts._short(name).endswith("…") and len(charts._short(name)) == charts.LABEL_CHARS
    assert charts._short("EleutherAI") == "EleutherAI"


def test_empty_chart_renders() -> None:
    assert charts.bar_chart("nothing", Counter()).startswith("<svg")
