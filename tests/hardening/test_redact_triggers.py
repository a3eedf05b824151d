"""Redaction's triggers are exact: a pattern is skipped only when it cannot match, and prose does not run the scans.

A batch scrubs every stored report (about 40 KB of JSON each); running every pattern whose lowercase word appears
somewhere in it ("token", "key", "://") cost more than a third of a millisecond per report for nothing.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from opencheck.output.redact import _FINDERS, _RULES, _SCANS, REDACTED, Redactor

_URL_STOP = r"\s/?#@\"'<>"
# The rules as they were written before the triggers were made exact, run unconditionally: the reference.
_UNCONDITIONAL = (
    (re.compile(r"\bhf_[A-Za-z0-9]{20,}"), REDACTED),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), REDACTED),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)(\b(?:proxy-)?authorization[\"']?\s{0,4}[:=]\s{0,4}[\"']?(?:(?:bearer|basic|token|bot)\s+)?)"
                r"[^\s\"',;]{4,}"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)(\bbearer\s{1,4})[A-Za-z0-9._~+/-]{8,}=*"), rf"\1{REDACTED}"),
    (re.compile(rf"(?<=://)([^{_URL_STOP}:]*):[^{_URL_STOP}]+@"), rf"\1:{REDACTED}@"),
    (re.compile(r"(?i)([?&;][a-z0-9_.-]{0,40}?(?:token|key|secret|password|passwd|auth|sig|signature|"
                r"credential)=)[^&\s#\"'<>]+"), rf"\1{REDACTED}"),
    (re.compile(r"(\b[A-Z][A-Z0-9_]{0,62}(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|SECRET_KEY|ACCESS_KEY|"
                r"PRIVATE_KEY|CREDENTIALS)\b[\"']?\s{0,4}[=:]\s{0,4}[\"']?)[^\s\"'&,;\x00]{8,}"), rf"\1{REDACTED}"),
)

# Pieces that make every pattern match, nearly match or overlap another, in both cases.
_PIECES = ("hf_", "HF_", "ghp_", "GHS_", "github_pat_", "AKIA", "asia", "eyJ", "EYJ", "authorization", "Bearer",
           "BEARER ", "://", ":", "@", "/", "?", "&", ";", "=", "token", "TOKEN", "Token", "key", "KEY", "api_key",
           "API_KEY", "SECRET", "secret", "PASSWD", "password", "CREDENTIALS", "sig", "signature", "auth", " ", "\n",
           "'", '"', "x", "Z", "0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUV", "-", ".", "_",
           "user", "https")


def _reference(text: str) -> str:
    for pattern, replacement in _UNCONDITIONAL:
        text = pattern.sub(replacement, text)
    return text


def _rules_run(text: str) -> list[str]:
    """The patterns scrub runs on `text` (those with a trigger in it)."""
    lower = text.lower()
    return [pattern.pattern for gate, triggers, pattern, _r, folded in _SCANS
            if gate in (lower if folded else text) and any(t in (lower if folded else text) for t in triggers)]


def test_reference_has_every_rule_and_each_gate_is_in_every_trigger() -> None:
    assert len(_UNCONDITIONAL) == len(_RULES) == len(_SCANS)
    for gate, triggers, *_rest in _SCANS:
        assert all(gate in t for t in triggers)
    assert [gate for gate, *_rest in _SCANS if gate] == ["g", "IA", "="]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_triggered_scrub_equals_every_pattern_run_unconditionally(text: str) -> None:
    assert Redactor().scrub(text) == _reference(text)


def test_the_shapes_redaction_knows_are_still_redacted_by_the_exact_triggers() -> None:
    for text in ("AWS key AKIAABCDEFGHIJKLMNOP", "a.eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
                 "https://user:p4ssw0rd@host.example/repo.git", "GET /x?Api_Key=sekrit-value&q=1",
                 "HF_TOKEN=abcdefgh1234", "export MY_PRIVATE_KEY='abcdefgh12345678'"):
        assert REDACTED in Redactor().scrub(text), text


def test_report_prose_with_the_words_token_key_and_urls_runs_only_the_url_scan() -> None:
    prose = ("The tokenizer (pad_token, bos_token) is released; key findings: see https://huggingface.co/org/m "
             "and https://github.com/org/code. The licence key facts, secret sauce and password-free download.\n")
    assert Redactor().scrub(prose * 200) == prose * 200
    assert _rules_run(prose) == [rf"://([^{_URL_STOP}:]*):[^{_URL_STOP}]+@"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from((*_PIECES, "gh", "github_", "_pat_", "AS", "IA", "g")), max_size=30).map("".join))
def test_one_search_for_triggers_that_start_alike_finds_what_a_test_per_trigger_finds(text: str) -> None:
    """The gh*_ tokens' six triggers cost one regex search over a long report instead of six substring passes."""
    assert [f.pattern for f in _FINDERS if f] == ["github_pat_|gho_|ghp_|ghr_|ghs_|ghu_", "AKIA|ASIA"]
    for (_gate, triggers, _pattern, _replacement, folded), finder in zip(_SCANS, _FINDERS, strict=True):
        haystack = text.lower() if folded else text
        if finder is not None:
            assert (finder.search(haystack) is not None) == any(t in haystack for t in triggers)


def test_the_shortest_texts_a_rule_changes_are_scrubbed() -> None:
    # Shorter than a secret value (8) but not than a query secret or URL password of one character.
    for text in ("?key=:", "&sig=x", ";auth=x", "://:x@", "://a:b@"):
        assert Redactor().scrub(text) == _reference(text) != text
    for text in ("?key=", "://:@", "abcde"):
        assert Redactor().scrub(text) == _reference(text) == text
