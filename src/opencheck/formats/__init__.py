"""Reporters: pure functions that render a finished report; they never compute verdicts."""
