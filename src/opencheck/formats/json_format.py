"""JSON report: the versioned envelope, byte-for-byte deterministic apart from `generated_at`."""

from __future__ import annotations

from opencheck.formats.json_text import pretty_json
from opencheck.report import Report


def format_json(report: Report) -> str:
    """Render the report as JSON with sorted keys and a trailing newline."""
    return pretty_json(report.to_dict()) + "\n"  # json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
