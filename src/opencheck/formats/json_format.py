"""JSON report: the versioned envelope, byte-for-byte deterministic apart from `generated_at`."""

from __future__ import annotations

import json

from opencheck.report import Report


def format_json(report: Report) -> str:
    """Render the report as JSON with sorted keys and a trailing newline."""
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
