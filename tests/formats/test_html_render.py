"""The HTML report as a browser shows it: headless Chromium at desktop and phone width."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from opencheck.formats.html import format_html
from opencheck.report import Report

from .browser import measure, screenshot

# Measured inside the page: horizontal overflow, words split across lines, backticks left in prose, and what each
# grade card shows under the grade.
SCRIPT = r"""
const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
             splitWords: [], backticks: [], cards: [], codes: 0};
for (const cell of document.querySelectorAll('td, .tile .src, .steps li')) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Words and the parts of hyphenated or slashed words: a line may end after a hyphen, never inside a part.
    const re = /[^\s\-\/]+[\-\/]?/g; let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const tops = new Set(rects.map(r => Math.round(r.top)));
      // A word may only break when it is wider than its cell (a long URL); otherwise it must stay on one line.
      if (tops.size > 1 && range.getBoundingClientRect().width < cell.clientWidth - 30) {
        out.splitWords.push(m[0]);
      }
    }
  }
  if (cell.textContent.includes('`')) out.backticks.push(cell.textContent.slice(0, 80));
}
for (const card of document.querySelectorAll('.card')) {
  out.cards.push({pack: card.querySelector('.pack').textContent, grade: card.querySelector('.grade').textContent,
                  label: card.querySelector('.label').textContent});
}
out.codes = document.querySelectorAll('td.fix code').length;
document.body.dataset.measure = JSON.stringify(out);
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_report_reads_well_in_a_browser(report: Report, mot_report: Report, width: int) -> None:
    for rep in (report, mot_report):
        got = measure(format_html(rep), SCRIPT, width)
        assert got["scrollWidth"] <= got["innerWidth"], "the page scrolls sideways"
        assert got["splitWords"] == [], got["splitWords"][:10]
        assert got["backticks"] == [], got["backticks"][:5]
        names = {p.name for p in rep.packs}
        for card in got["cards"]:
            assert card["label"].strip() not in names, card
            assert card["grade"].strip().lower() not in card["label"].lower(), card
    assert got["codes"] > 0 or "`" not in "".join(r.remediation for p in rep.packs for r in p.results)


def test_screenshots_at_desktop_and_phone_width(report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(format_html(report), encoding="utf-8")
    for width in (1280, 390):
        png = screenshot(page, tmp_path / f"{width}.png", width, 1600)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (width, 1600)
