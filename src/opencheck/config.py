"""Project configuration: `.opencheck.yml`, `.opencheck.yaml` or `[tool.opencheck]` in pyproject.toml.

It sets default packs, gates (`fail-under` per pack, `fail-on`) and suppressions with reasons. Command-line
flags override it. Every problem is a `ConfigError` reading `FILE:LINE: $.path: message`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opencheck.errors import ConfigError

CONFIG_SCHEMA = "config.schema.json"
CONFIG_NAMES = (".opencheck.yml", ".opencheck.yaml")
MAX_CONFIG_BYTES = 1_000_000

# tomllib is in the standard library from Python 3.11; importing it only to probe would cost every check.
_HAVE_TOMLLIB = sys.version_info >= (3, 11)


@dataclass(frozen=True)
class SuppressionEntry:
    """One `suppressions:` item, with where it was written."""

    rule: str
    reason: str
    note: str | None
    expires: str | None
    source: str  # FILE:LINE of the entry
    file: str
    line: int | None


@dataclass
class Config:
    """A loaded configuration (empty when there is no file)."""

    path: Path | None = None
    display: str | None = None
    packs: list[str] = field(default_factory=list)
    fail_under: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    suppressions: list[SuppressionEntry] = field(default_factory=list)
    folder: Path | None = None  # set when found in a folder: its packs must lie inside it (target_files)
    eu_ai_act: dict[str, Any] = field(default_factory=dict)  # declared EU release facts (`eu-ai-act:`)

    @property
    def base_dir(self) -> Path | None:
        """Folder that relative pack paths in the configuration are resolved against."""
        return self.path.parent if self.path else None


def find_config(folders: list[Path]) -> Path | None:
    """The first configuration file in the given folders: .opencheck.yml, .opencheck.yaml, then pyproject.toml.

    A .opencheck.yml/.yaml that is a symbolic link out of its folder is refused (ConfigError), as every file the
    checked folder supplies is (target_files); such a pyproject.toml, or any candidate that is not a regular file
    (a FIFO, a folder), is passed over unread."""
    from opencheck.target_files import leaves_folder

    seen: set[Path] = set()
    for folder in folders:
        try:
            folder = folder.resolve()
        except OSError:
            continue
        if folder in seen or not folder.is_dir():
            continue
        seen.add(folder)
        for name in (*CONFIG_NAMES, "pyproject.toml"):
            candidate = folder / name
            if not candidate.is_symlink() and not candidate.is_file():
                continue
            if leaves_folder(candidate, folder):
                if name == "pyproject.toml":
                    continue  # usually not ours at all: not read, and not worth failing over
                raise ConfigError(f"{candidate}: configuration file is a symbolic link out of {folder}; not read "
                                  "(opencheck reads only files inside the checked folder; name it with --config "
                                  "to use it)")
            if not candidate.is_file():
                continue  # a dangling link, or one to a FIFO or folder
            if name != "pyproject.toml":
                return candidate
            # Without tomllib (Python 3.10) a pyproject.toml is skipped; `--config pyproject.toml` explains why.
            if _HAVE_TOMLLIB and _has_tool_table(candidate, folder):
                return candidate
    return None


def _has_tool_table(path: Path, folder: Path) -> bool:
    from opencheck.target_files import read_confined

    try:
        text = read_confined(path, str(path), max_bytes=MAX_CONFIG_BYTES, what="pyproject.toml",
                             folder=folder).decode("utf-8", errors="replace")
    except ConfigError:
        return False  # unreadable or oversized: not ours to complain about unless it names our table
    # A cheap textual test, so a pyproject.toml without our table is never parsed (or complained about).
    return re.search(r"^\s*\[\s*tool\s*\.\s*opencheck\s*[\].]", text, re.MULTILINE) is not None


def load_config(path: Path, display: str | None = None, folder: Path | None = None) -> Config:
    """Read, validate and interpret one configuration file; one found in `folder` may read only inside it."""
    shown = display or str(path)
    from opencheck.schema_validation import ensure_valid, read_capped_file

    raw = read_capped_file(path, shown, max_bytes=MAX_CONFIG_BYTES, what="configuration file", folder=folder)
    if path.name == "pyproject.toml":
        data, line_of = _load_pyproject(raw, shown)
    else:
        from opencheck.yaml_loading import load_yaml

        doc = load_yaml(raw, shown, max_bytes=MAX_CONFIG_BYTES)
        data = {} if doc.data is None else doc.data
        line_of = doc.line_of
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}:1: $: the configuration must be a mapping")
    ensure_valid(data, CONFIG_SCHEMA, source=shown, line_of=line_of)
    if folder is not None:
        _confine_packs(data.get("packs") or [], path.parent, folder, shown, line_of)
    entries = []
    for i, item in enumerate(data.get("suppressions") or []):
        line = line_of(("suppressions", i))
        entries.append(SuppressionEntry(
            rule=item["rule"], reason=item["reason"], note=item.get("note"), expires=item.get("expires"),
            source=f"{shown}:{line}" if line else shown, file=shown, line=line))
    return Config(path=path, display=shown, packs=list(data.get("packs") or []),
                  fail_under={k: str(v) for k, v in (data.get("fail-under") or {}).items()},
                  fail_on=data.get("fail-on"), suppressions=entries, folder=folder,
                  eu_ai_act=dict(data.get("eu-ai-act") or {}))


def _confine_packs(packs: list[str], base: Path, folder: Path, shown: str, line_of: Any) -> None:
    """A configuration found in a folder may name pack files only inside that folder (never /etc/...)."""
    from opencheck.rulepacks import is_path_like
    from opencheck.target_files import leaves_folder

    for i, spec in enumerate(packs):
        if not isinstance(spec, str) or not is_path_like(spec):
            continue
        path = Path(spec) if Path(spec).is_absolute() else base / spec
        if leaves_folder(path, folder):
            line = line_of(("packs", i))
            raise ConfigError(f"{shown}:{line or 1}: $.packs[{i}]: pack {spec!r} is outside {folder}; a "
                              "configuration found in a folder may name only packs inside it (name others with "
                              "--pack or --config)")


def _load_pyproject(raw: bytes, shown: str) -> tuple[dict[str, Any], Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML parser in the standard library, and tomli is not a dependency
        raise ConfigError(f"{shown}:1: $: [tool.opencheck] in pyproject.toml needs Python 3.11 or later; "
                          "use .opencheck.yml instead") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{shown}:{_toml_error_line(str(exc))}: $: invalid TOML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # an integer past Python's 4,300 digits; nesting past its limit
        raise ConfigError(f"{shown}:1: $: invalid TOML: {exc if isinstance(exc, ValueError) else 'nested too deeply'}"
                          ) from None
    table = (doc.get("tool") or {}).get("opencheck")
    if table is None:
        return {}, lambda _path: None
    text = raw.decode("utf-8")
    header = _table_line(text)
    lines = _toml_key_lines(text, header)

    def line_of(path: tuple[str | int, ...]) -> int | None:
        # TOML parsers keep no positions; point at the key's line when it is a plain top-level key of the table.
        return lines.get(str(path[0]), header) if path else header

    return _plain(table), line_of


def _toml_error_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _table_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[\s*tool\s*\.\s*opencheck\s*[\].]", line):
            return number
    return 1


def _toml_key_lines(text: str, header: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, line in enumerate(text.splitlines()[header:], header + 1):
        sub = re.match(r"^\s*\[+\s*tool\s*\.\s*opencheck\s*\.\s*([\w-]+)", line)
        if sub:
            out.setdefault(sub.group(1), number)
            continue
        if line.lstrip().startswith("["):
            break
        key = re.match(r"^\s*\"?([\w-]+)\"?\s*=", line)
        if key:
            out.setdefault(key.group(1), number)
    return out


def _plain(value: Any) -> Any:
    """TOML dates become ISO strings, as YAML timestamps do in opencheck's YAML loader."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def resolve_config(explicit: Path | None, folders: list[Path], cwd: Path) -> Config:
    """The configuration `--config FILE` names, else the first one found in `folders`, else an empty one."""
    if explicit is not None:
        path = explicit if explicit.is_absolute() else cwd / explicit
        return load_config(path, str(explicit))
    found = find_config(folders)
    if found is None:
        return Config()
    try:
        shown = str(found.relative_to(cwd.resolve()))
    except ValueError:
        shown = str(found)
    return load_config(found, shown, folder=found.parent)


def config_folders(target: str, cwd: Path) -> list[Path]:
    """Where to look for a configuration: the checked folder (or a manifest's folder), then the working folder."""
    path = Path(target)
    if not path.is_absolute():
        path = cwd / path
    folders: list[Path] = []
    try:
        if path.is_dir():
            folders.append(path)
        elif path.is_file():
            folders.append(path.parent)
    except OSError:
        pass
    folders.append(cwd)
    return folders


def gates_from(config: Config, pack_names: list[str], flags_fail_under: dict[str, str],
               flag_fail_on: str | None) -> tuple[dict[str, str], str | None]:
    """Gates after command-line flags override the configuration (per pack for `fail-under`)."""
    # A configured gate for a pack that is not being run is ignored: the config may serve several pack sets.
    merged = {k: v for k, v in config.fail_under.items() if k in pack_names}
    merged.update(flags_fail_under)
    return merged, flag_fail_on or config.fail_on
