"""Tests of `opencheck history` and `batch --history`."""
