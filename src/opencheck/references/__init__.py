"""Curated references (MOT's manifests, the Opening up ChatGPT index) shown beside what a check finds live.

Nothing here is imported by a check unless references are on and a target could match; the index is one small
JSON file, and a curated record is read only when it matches.
"""
