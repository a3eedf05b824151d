"""Optional extras: the module each one provides, and the one line to print when it is missing."""

from __future__ import annotations

# Top-level module -> the extra of pyproject.toml that installs it (tests/test_wheel.py checks every extra is here).
EXTRA_OF_MODULE = {"pyarrow": "parquet", "matplotlib": "charts", "dask": "dask", "distributed": "dask"}


def install_command(extra: str) -> str:
    """The command that installs one extra."""
    return f'pip install "opencheck[{extra}]"'


def missing_extra(exc: BaseException) -> str | None:
    """The one-line error for an import of an optional extra's module that failed, else None."""
    name = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
    extra = EXTRA_OF_MODULE.get((name or "").split(".")[0])
    if extra is None:
        return None
    return f"this needs the optional extra {extra!r} ({name} is not installed): {install_command(extra)}"
