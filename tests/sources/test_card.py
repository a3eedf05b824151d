"""Model card parsing: front matter with key lines, sections, placeholders, links."""

from __future__ import annotations

from opencheck.detect.links import extract_links
from opencheck.sources.card import fenced_lines, is_placeholder_text, parse_card

CARD = """---
license: apache-2.0
datasets:
  - EleutherAI/pile
tags:
  - arxiv:2304.01373
model-index:
  - name: demo
    results: []
---

# Model Card for demo

Intro text.

## Model Details

- **Developed by:** [More Information Needed]
- **Paper [optional]:** [More Information Needed]

## Training Data

We trained on [the Pile](https://huggingface.co/datasets/EleutherAI/pile).

```python
# not a heading
print("hi")
```

### Training Procedure ###

TBD

## License

See [LICENSE](LICENSE) and https://www.apache.org/licenses/LICENSE-2.0.
"""


def test_front_matter_keys_and_lines() -> None:
    card, problems = parse_card(CARD)
    assert problems == []
    assert card.metadata["license"] == "apache-2.0"
    assert card.metadata["datasets"] == ["EleutherAI/pile"]
    assert card.metadata_lines == {"license": 2, "datasets": 3, "tags": 5, "model-index": 7}
    assert card.key_provenance("datasets").describe() == "README.md:3 [datasets]"
    assert card.body_start_line == 11


def test_sections_lines_levels_placeholders_and_fences() -> None:
    card, _ = parse_card(CARD)
    got = [(s.title, s.level, s.line, s.placeholder) for s in card.sections]
    assert got == [
        ("Model Card for demo", 1, 12, False),
        ("Model Details", 2, 16, True),
        ("Training Data", 2, 21, False),
        ("Training Procedure", 3, 30, True),
        ("License", 2, 34, False),
    ]
    training = card.sections[2]
    assert "# not a heading" in training.text  # the fenced comment stayed text
    assert "### Training Procedure" in training.text  # a section includes its subsections


def test_placeholder_detection() -> None:
    assert is_placeholder_text("")
    assert is_placeholder_text("[More Information Needed]")
    assert is_placeholder_text("More information needed.")
    assert is_placeholder_text("- **Funded by [optional]:** [More Information Needed]\n- **Demo:**\n")
    assert is_placeholder_text("TBD\n\nTODO\n<!-- Provide details -->\n")
    assert is_placeholder_text("Hardware Type: [More Information Needed]\nHours used: N/A")
    assert is_placeholder_text("{{ model_description | default('', true) }}")
    assert not is_placeholder_text("Trained on 300B tokens.")
    assert not is_placeholder_text("- **Developed by:** EleutherAI")
    assert not is_placeholder_text("```bibtex\n@misc{x}\n```")


def test_malformed_front_matter_is_a_problem_and_body_still_parses() -> None:
    text = "---\nlicense: mit\nlicense: apache-2.0\n---\n# Title\n\nBody\n"
    card, problems = parse_card(text, "README.md")
    assert card.metadata == {}
    assert [p.code for p in problems] == ["front-matter-invalid"]
    assert problems[0].provenance.file == "README.md"
    assert problems[0].provenance.line == 3  # the duplicate key, counted in the file
    assert [(s.title, s.line) for s in card.sections] == [("Title", 5)]


def test_bad_yaml_syntax_and_python_tags() -> None:
    _, problems = parse_card("---\nlicense: [mit\n---\n# T\n")
    assert problems[0].code == "front-matter-invalid" and problems[0].provenance.line >= 2
    _, problems = parse_card("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert problems[0].code == "front-matter-invalid" and problems[0].provenance.line == 2
    card, problems = parse_card("---\n- a\n- b\n---\n# T\n")
    assert problems[0].code == "front-matter-invalid" and card.metadata == {}


def test_unclosed_front_matter_and_no_front_matter() -> None:
    card, problems = parse_card("---\nlicense: mit\n# Title\n")
    assert problems[0].code == "front-matter-invalid"
    assert [s.title for s in card.sections] == ["Title"]
    card, problems = parse_card("\ufeff# Only body\ntext\n")
    assert problems == [] and card.metadata == {} and card.sections[0].line == 1


def test_atx_heading_rules() -> None:
    card, _ = parse_card("#hashtag is not a heading\n## Title ##\ntext\n####### seven\n")
    assert [(s.title, s.level) for s in card.sections] == [("Title", 2)]


def test_extract_links_kinds_and_lines() -> None:
    text = """---
license: other
license_link: https://example.com/terms
tags: [arxiv:2402.00838]
---
# Model
[![arXiv](https://img.shields.io/badge/arXiv-2304.01373-b31b1b.svg)](https://arxiv.org/abs/2304.01373)
Code: https://github.com/EleutherAI/gpt-neox.
See our [technical report](https://example.org/report.html) and https://aclanthology.org/2022.acl-long.1/.
Data: [dolma](https://huggingface.co/datasets/allenai/dolma), paper at https://openreview.net/forum?id=abc
Slides: https://example.org/slides.pdf and https://github.com/EleutherAI (an org page)
Cite: Biderman et al., arXiv:2304.01373.

## License

Terms are [here](https://example.com/model-terms) and in [the licence file](LICENSE.md).
"""
    card, _ = parse_card(text)
    links = extract_links(card)
    got = {(link.url, link.kind, link.provenance.line) for link in links}
    assert ("https://example.com/terms", "license", 3) in got  # license_link in the front matter
    assert ("https://arxiv.org/abs/2304.01373", "paper", 7) in got
    assert not any("img.shields.io" in url for url, _, _ in got)  # badge images are not links
    assert ("https://github.com/EleutherAI/gpt-neox", "code-repository", 8) in got
    assert ("https://example.org/report.html", "technical-report", 9) in got
    assert ("https://aclanthology.org/2022.acl-long.1/", "paper", 9) in got
    assert ("https://huggingface.co/datasets/allenai/dolma", "dataset", 10) in got
    assert ("https://openreview.net/forum?id=abc", "paper", 10) in got
    # A PDF is a paper unless it says it is another document: slides are not the research paper.
    assert ("https://example.org/slides.pdf", "other", 11) in got
    assert ("https://github.com/EleutherAI", "other", 11) in got
    assert ("https://arxiv.org/abs/2304.01373", "paper", 12) in got
    assert ("https://example.com/model-terms", "license", 16) in got
    assert ("LICENSE.md", "license", 16) in got
    tag_links = [link for link in links if link.provenance.key == "tags"]
    assert [link.url for link in tag_links] == ["https://arxiv.org/abs/2402.00838"]
    assert tag_links[0].provenance.line == 4


def test_a_metadata_key_of_the_wrong_shape_is_a_warning_at_its_line() -> None:
    text = ("---\nlicense: 12\ndatasets: {pile: 1}\nbase_model: [org/a, 3]\nmodel-index: text\nlibrary_name: [x]\n"
            "language: [en, no, 2024]\ntags: [a, 5]\nthumbnail: null\npipeline_tag: text-generation\n---\n# x\n")
    _card, problems = parse_card(text)
    found = {p.provenance.key: (p.code, p.provenance.line, p.message) for p in problems}
    assert set(found) == {"license", "datasets", "base_model", "model-index", "library_name"}
    assert all(code == "front-matter-key-invalid" for code, _line, _message in found.values())
    assert found["license"][1] == 2 and found["datasets"][1] == 3 and found["library_name"][1] == 6
    assert "not a number" in found["license"][2] and "not a mapping" in found["datasets"][2]
    assert "not a list holding a number" in found["base_model"][2] and "not a string" in found["model-index"][2]
    # Well-shaped cards (every Hub key as the Hub writes it) give no warning.
    assert parse_card(CARD)[1] == []


def test_fenced_lines_follow_the_fence_rules_the_sections_use() -> None:
    lines = ["text", "```python", "# not a heading", "``` still open", "````", "~~~", "x", "~~~", "```a`b", "y"]
    # A fence closes on the same character, at least as long, with nothing after; ```a`b (a backtick in the info
    # string) opens none.
    assert fenced_lines(lines) == frozenset({2, 3, 4, 5, 6, 7, 8})
    assert fenced_lines(lines, start=5) == frozenset({6, 7, 8})
