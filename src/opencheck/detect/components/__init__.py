"""The 17 MOF components, found by one detector per family (weights, code, data, documentation, evaluation).

Each family module has one `detect_*(evidence, built)` function; the registry (detect/registry.py) runs them.
"""

from __future__ import annotations

from opencheck.detect.components.base import MOF_COMPONENTS, ComponentBuilder

__all__ = ["MOF_COMPONENTS", "ComponentBuilder"]
