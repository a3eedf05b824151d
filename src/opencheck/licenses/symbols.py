"""license-expression's SPDX symbols as a small packaged table, so a lone licence id parses without its index.

Building license-expression's SPDX `Licensing` (a 1 MB JSON index of ~2,000 licences, its symbols, then its
tokenizer) costs more than the rest of a small check, and most expressions a check classifies are one id
(`Apache-2.0`). `rules/licenses/spdx-symbols.json` holds the SPDX part of that index (key, aliases, deprecated,
exception: what `build_spdx_licensing` reads, in its order), stamped with the index's SHA-256. It is used only while
the installed license-expression ships that very index (another version simply takes the slow road), two ways:
a lone id is answered from it (license-expression's answer is the canonical key of the symbol whose key or alias
matches it case-insensitively), and the `Licensing` a longer expression needs is built from it rather than from the
1 MB file. tests/licenses/test_symbols.py checks both give license-expression's own answers and that the file is
current (`python -m opencheck.licenses.symbols` rewrites it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from opencheck.data_cache import compiled, file_digest
from opencheck.digests import sha256
from opencheck.once import computed_once

SYMBOLS_FILE = "spdx-symbols.json"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # one id: no operators, spaces, parentheses or `+`


def index_path() -> Path | None:
    """The SPDX index license-expression loads, if it is installed where it says."""
    try:
        from license_expression import vendored_scancode_licensedb_index_location as location
    except ImportError:
        return None
    return Path(location)


def symbols_path() -> Path:
    """Where the packaged table lives."""
    from opencheck._resources import rules_dir

    return rules_dir() / "licenses" / SYMBOLS_FILE


def spdx_entries(index: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The symbols `build_spdx_licensing` makes from the index, in its order and with its defaults."""
    return [
        {
            "key": entry.get("spdx_license_key", ""),
            "aliases": entry.get("other_spdx_license_keys", []),
            "is_deprecated": entry.get("is_deprecated", False),
            "is_exception": entry.get("is_exception", False),
        }
        for entry in index
        if entry.get("spdx_license_key")
    ]


def symbol_map(entries: list[dict[str, Any]]) -> dict[str, str]:
    """Lower-case key or alias -> canonical key; a spelling two symbols share is left out (it takes the slow road)."""
    found: dict[str, str] = {}
    shared: set[str] = set()
    for entry in entries:
        key = str(entry["key"])
        for name in (key, *(entry["aliases"] or ())):
            if found.setdefault(str(name).lower(), key) != key:
                shared.add(str(name).lower())
    for name in shared:
        del found[name]
    return found


def _compact_table(path: Path) -> Any:
    """The packaged table as {"index_sha256", "spdx": [[key, aliases, is_deprecated, is_exception], ...]}, read
    from its compiled form (half the JSON to parse: no field names) when the table is unchanged."""
    def build() -> Any:
        table = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(table, dict) or not isinstance(table.get("spdx"), list):
            return None
        return {"index_sha256": table.get("index_sha256"),
                "spdx": [[e["key"], e["aliases"], e["is_deprecated"], e["is_exception"]] for e in table["spdx"]]}

    return compiled(path, "compact", file_digest(path), build)


@computed_once
def packaged_entries() -> list[dict[str, Any]] | None:
    """The packaged symbols when they were made from the installed index (else None: use license-expression's)."""
    index = index_path()
    try:
        table = _compact_table(symbols_path())
        digest = file_digest(index) if index is not None else None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged table only costs time
    if not isinstance(table, dict) or table.get("index_sha256") != digest or not isinstance(table.get("spdx"), list):
        return None
    return [{"key": key, "aliases": aliases, "is_deprecated": deprecated, "is_exception": exception}
            for key, aliases, deprecated, exception in table["spdx"]]


@computed_once
def _lone_ids() -> dict[str, str] | None:
    entries = packaged_entries()
    return symbol_map(entries) if entries is not None else None


def single_key(text: str) -> str | None:
    """license-expression's key for `text` when it is one id the table knows; None means: ask license-expression."""
    if not _TOKEN.fullmatch(text):
        return None
    symbols = _lone_ids()
    return symbols.get(text.lower()) if symbols is not None else None


def spdx_licensing() -> Any:
    """license-expression's SPDX `Licensing`, from the packaged symbols when they match its index."""
    import license_expression

    entries = packaged_entries()
    if entries is None:
        return license_expression.get_spdx_licensing()
    return license_expression.load_licensing_from_license_index(entries)


def write_table() -> Path:
    """Rewrite the packaged table from the installed license-expression's index."""
    index = index_path()
    if index is None:
        raise SystemExit("license-expression is not installed")
    raw = index.read_bytes()
    table = {"index_sha256": sha256(raw).hexdigest(), "spdx": spdx_entries(json.loads(raw))}
    path = symbols_path()
    path.write_text(json.dumps(table, separators=(",", ":")).replace('},{', '},\n{') + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_table())
