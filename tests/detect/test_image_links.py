"""An embedded picture or an uploaded asset is not a link to the code repository it is stored in."""

from __future__ import annotations

from opencheck.detect.links import classify_url, extract_links, github_repositories
from opencheck.sources.card import parse_card

_CARD = """---
license: apache-2.0
---
# Model

![plot](https://github.com/org/figures/assets/19511788/d5b49364-aed5-4467-bae2-5a322c8e2ceb)
<img src="https://github.com/org/html-figures/assets/1/2" width="800px">
<p><img alt="x" src='https://github.com/org/raw-figure/raw/main/fig.png'></p>
See [the loss curve](https://github.com/org/blob-figure/blob/main/docs/loss.png).
Upload: https://github.com/user-attachments/assets/0a1b2c3d
[![stars](https://img.shields.io/github/stars/org/badged)](https://github.com/org/badged)
<a href="https://github.com/org/html-badged"><img src="https://img.shields.io/badge/code-blue.svg"></a>
![hosted](https://raw.githubusercontent.com/org/rawhost/main/fig.jpg)
[figure]: https://github.com/org/ref-figure/blob/main/fig.svg

## License

The [licence badge](https://github.com/org/licence-figure/raw/main/badge.png) is ours.
"""


def test_images_and_assets_are_not_code_repositories() -> None:
    card, _ = parse_card(_CARD)
    assert github_repositories(card) == [("org", "badged"), ("org", "html-badged")]
    kinds = {link.url: link.kind for link in extract_links(card)}
    # A link to a picture stays a link (to a figure), of no kind that counts as evidence.
    assert kinds["https://github.com/org/blob-figure/blob/main/docs/loss.png"] == "other"
    assert kinds["https://github.com/user-attachments/assets/0a1b2c3d"] == "other"
    assert kinds["https://github.com/org/ref-figure/blob/main/fig.svg"] == "other"
    # Embedded pictures (Markdown or HTML) are not links at all, as before for Markdown ones.
    assert not any("figures" in url or "raw-figure" in url or "rawhost" in url for url in kinds)
    # A picture in a licence section is not the licence terms.
    assert kinds["https://github.com/org/licence-figure/raw/main/badge.png"] == "other"


def test_classify_url_media() -> None:
    assert classify_url("https://github.com/o/r/assets/1/abc") == "other"
    assert classify_url("https://github.com/o/r/blob/main/technical_report_figure.png") == "other"
    assert classify_url("https://example.org/paper-figure.PNG") == "other"
    assert classify_url("https://github.com/o/r/blob/main/train.py") == "code-repository"
    assert classify_url("https://github.com/o/r/raw/main/scripts/train.sh") == "code-repository"
    assert classify_url("https://github.com/o/r") == "code-repository"
