"""Detect: turn the raw evidence sources read into facts (licences, links, datasets, checkpoints, components).

Each detection is a named, registered `Detector` (detect/registry.py); `enrich` runs them all.
"""

from __future__ import annotations

from opencheck.detect.registry import DETECTORS, Detector, enrich

__all__ = ["DETECTORS", "Detector", "enrich"]
