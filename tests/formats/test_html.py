"""HTML: parses, is self-contained (no external resources), escapes what it shows."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from opencheck.evidence import Provenance
from opencheck.formats.html import format_html, safe_url
from opencheck.report import Report

RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background", "action", "formaction"}


class Collector(HTMLParser):
    """Collect tags and attributes, and check nesting."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def _parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    assert c.stack == [], c.stack
    return c


def test_self_contained(report: Report, mot_report: Report) -> None:
    for rep in (report, mot_report):
        c = _parse(format_html(rep))
        names = {t for t, _ in c.tags}
        assert not names & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}
        for tag, attrs in c.tags:
            assert not RESOURCE_ATTRS & set(attrs), (tag, attrs)
            if tag == "a":
                href = attrs.get("href") or ""
                assert href.startswith(("https://", "http://")), href
        assert "url(" not in c.style and "@import" not in c.style and "@font-face" not in c.style


def test_content(mot_report: Report) -> None:
    html = format_html(mot_report)
    c = _parse(html)
    text = " ".join(c.text)
    for pack in mot_report.packs:
        assert pack.title in text
    for comp in mot_report.components:
        assert comp.name in text
        if comp.normalised:
            assert comp.normalised in text
    assert "Class II" in text and "Remediation" in text
    assert 't-open' in html and 'fill-good' in html  # matrix coloured by status, progress bars
    assert any(t == "a" and (a.get("href") or "").startswith("https://example.com/") for t, a in c.tags)


def test_escapes_hostile_text(report: Report) -> None:
    first = report.components[0]
    evil = dataclasses.replace(first, licence="<script>alert(1)</script>", normalised="<img src=x onerror=y>")
    pack = report.packs[0]
    res = dataclasses.replace(pack.results[0], message="</td><script>x</script>",
                              evidence=(Provenance(url="javascript:alert(1)", note="<b>"),))
    hostile = dataclasses.replace(
        report, components=[evil, *report.components[1:]],
        packs=[dataclasses.replace(pack, results=[res, *pack.results[1:]]), *report.packs[1:]])
    html = format_html(hostile)
    c = _parse(html)
    assert not any(t in ("script", "img") for t, _ in c.tags)
    assert "javascript:" not in " ".join((a.get("href") or "") for t, a in c.tags if t == "a")


def test_safe_url() -> None:
    assert safe_url("https://arxiv.org/abs/1") == "https://arxiv.org/abs/1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("//evil.example/x") is None
    assert safe_url(None) is None


def test_deterministic(report: Report) -> None:
    assert format_html(report) == format_html(report)
