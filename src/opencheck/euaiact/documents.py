"""Which repository documents the EU AI Act view reads, and their text (a local file, or fetched by the Hub source)."""

from __future__ import annotations

import re
from pathlib import Path

from opencheck.evidence import Evidence, TargetKind

MAX_DOCUMENT_BYTES = 1_000_000
MAX_DOCUMENTS = 3  # bounds the requests a Hub check spends on documents
SUMMARY_NAME = re.compile(r"training[-_ ]*(data|content)[-_ ]*summary|public[-_ ]*summary|summary[-_ ]*of[-_ ]*(the"
                          r"[-_ ]*)?(training|content)|training[-_ ]*summary|gpai[-_ ]*summary", re.IGNORECASE)
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".rst")


# A Markdown link; neither part may cross a "[", so each bracket's scan ends at the next one (linear time).
MD_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\[\]\s]+)\)")


def linked_path(target: str, paths: set[str], repo_id: str) -> str | None:
    """The repository path a card link points at: relative, or a huggingface.co URL of this repository."""
    m = re.match(rf"https?://[^/]+/{re.escape(repo_id)}/(?:blob|resolve)/[^/]+/(.+)$", target)
    path = m.group(1) if m else (None if re.match(r"[a-z]+:", target) else target.lstrip("./"))
    return path if path in paths else None


def wanted_documents(paths: list[str], card_text: str = "", repo_id: str = "") -> list[str]:
    """Repository files that look like a training-content summary in a text format (PDFs are not read): named
    like one, or linked from the card with a text or target that says so."""
    names = set(paths)
    hits = [p for p in sorted(paths) if SUMMARY_NAME.search(p.rsplit("/", 1)[-1])]
    for m in MD_LINK.finditer(card_text):
        if SUMMARY_NAME.search(m.group(1)) or SUMMARY_NAME.search(m.group(2)):
            path = linked_path(m.group(2), names, repo_id)
            if path and path not in hits:
                hits.append(path)
    return [p for p in hits if p.lower().endswith(TEXT_SUFFIXES)][:MAX_DOCUMENTS]


def document_text(evidence: Evidence, path: str) -> tuple[str | None, str]:
    """The text of a repository document, and a note when it cannot be read (a PDF, a URL, not fetched)."""
    if re.match(r"[a-z]+://", path):
        return None, "linked by URL; opencheck reads only files in the repository"
    if not path.lower().endswith(TEXT_SUFFIXES):
        return None, f"{path}: found, not parsed (only Markdown and text summaries are read)"
    if evidence.target.kind == TargetKind.HUB:
        text = (evidence.hub.get("documents") or {}).get(path)
        return (text, "") if isinstance(text, str) else (None, f"{path}: not downloaded")
    if evidence.target.kind == TargetKind.LOCAL and evidence.target.path:
        from opencheck.errors import ConfigError
        from opencheck.target_files import read_confined

        root = Path(evidence.target.path)
        try:
            data = read_confined(root / path, path, max_bytes=MAX_DOCUMENT_BYTES, what="summary", folder=root)
        except (ConfigError, OSError) as exc:
            return None, str(exc)
        return data.decode("utf-8", errors="replace"), ""
    return None, f"{path}: not readable for a {evidence.target.kind.value} target"
