"""Secrets never reach an output: token-shaped strings and the values of secret-bearing variables become `[redacted]`.

This is the second line of defence. Sources should not copy secrets into problems or facts in the first place,
but a card, a file name, a server's error text or a git configuration may carry one, and every report, message
and written file passes through `Redactor.scrub` (text) or `scrub_data` (a report's objects) on its way out.
Every pattern is linear: cards can hold 200,000-character lines, so no pattern may rescan a run from each start.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from typing import Any, TypeVar

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8  # shorter values of secret-named variables ("1", "true") would redact ordinary words
# The shortest text any rule below can change: "?key=x" and "://:x@" (a value of one character). A shorter text
# cannot hold a secret value either (MIN_SECRET_LENGTH), so it is returned untouched.
_SHORTEST_MATCH = 6
# A variable whose name holds one of these words carries a secret (HF_TOKEN, GITHUB_TOKEN, ACTIONS_RUNTIME_TOKEN,
# AWS_SECRET_ACCESS_KEY, OPENAI_API_KEY, PYPI_PASSWORD, ...); its exact value is redacted wherever it appears.
# KEY and AUTH count only as the end of a name part, so KEYBOARD_LAYOUT and GIT_AUTHOR_NAME are not secrets.
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|KEYS?(?:_|$)|AUTH(?:_|$)", re.IGNORECASE)
# Known token prefixes: the part after the prefix is redacted too, in case something printed only that.
_TOKEN_PREFIXES = ("github_pat_", "hf_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_")
_URL_STOP = r"\s/?#@\"'<>"

# (triggers, pattern, replacement) in order. A pattern runs only when one of its triggers is in the text, so the
# usual string costs a few substring tests. A trigger is a literal every match contains, in the pattern's own case
# rule: lower case, tested in the lowered text, for a case-insensitive pattern; exact case for a case-sensitive one
# (a report full of the word "token" must not run the NAME_TOKEN=value scan). Each pattern starts only at a word
# boundary or a fixed literal, and its repeats are bounded by a character class the next part cannot match, so
# each is linear.
_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    # Hugging Face user and organisation tokens (hf_ + 34 letters and digits today; older ones were shorter).
    (("hf_",), re.compile(r"\bhf_[A-Za-z0-9]{20,}"), REDACTED),
    # GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), REDACTED),
    # AWS access key ids.
    (("AKIA", "ASIA"), re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), REDACTED),
    # JSON Web Tokens (Actions' OIDC and runtime tokens are JWTs).
    (("eyJ",), re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), REDACTED),
    # An Authorization header as a log or an error text would quote it, whatever the scheme.
    (("authorization",),
     re.compile(r"(?i)(\b(?:proxy-)?authorization[\"']?\s{0,4}[:=]\s{0,4}[\"']?(?:(?:bearer|basic|token|bot)\s+)?)"
                r"[^\s\"',;]{4,}"), rf"\1{REDACTED}"),
    (("bearer",), re.compile(r"(?i)(\bbearer\s{1,4})[A-Za-z0-9._~+/-]{8,}=*"), rf"\1{REDACTED}"),
    # Credentials in a URL: https://user:password@host keeps the user, loses the password. It starts at the literal
    # "://" (a look-behind would be tried at every position of a long text); the previous match ends at "@",
    # which "://" cannot contain, so the matches are the same.
    (("://",), re.compile(rf"://([^{_URL_STOP}:]*):[^{_URL_STOP}]+@"), rf"://\1:{REDACTED}@"),
    # Secrets in a query string: ?token=..., &hf_token=..., &api_key=..., &X-Amz-Signature=..., &sig=...
    # (every match holds one of the names right before its "=").
    (("token=", "key=", "secret=", "password=", "passwd=", "auth=", "sig=", "signature=", "credential="),
     re.compile(r"(?i)([?&;][a-z0-9_.-]{0,40}?(?:token|key|secret|password|passwd|auth|sig|signature|"
                r"credential)=)[^&\s#\"'<>]+"), rf"\1{REDACTED}"),
    # NAME_TOKEN=value as an environment dump (/proc/self/environ, .env files, CI logs) would show it.
    (("TOKEN", "SECRET", "PASSW", "KEY", "CREDENTIALS"),
     re.compile(r"(\b[A-Z][A-Z0-9_]{0,62}(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|SECRET_KEY|ACCESS_KEY|"
                r"PRIVATE_KEY|CREDENTIALS)\b[\"']?\s{0,4}[=:]\s{0,4}[\"']?)[^\s\"'&,;\x00]{8,}"), rf"\1{REDACTED}"),
)



def _gate(triggers: tuple[str, ...]) -> str:
    """A literal every trigger holds (their longest common prefix or suffix; "" for none or a single trigger):
    where it is absent, none of them can be, which saves one pass over a long text per trigger."""
    if len(triggers) < 2:
        return ""

    def common_start(words: list[str]) -> str:
        first, last = min(words), max(words)  # the words sorted between them share what these two share
        size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
        return first[:size]

    prefix = common_start(list(triggers))
    suffix = common_start([t[::-1] for t in triggers])[::-1]
    return max(prefix, suffix, key=len)


# Each rule with its gate, and whether its triggers are looked for in the lowered text (its pattern ignores case).
_SCANS = tuple((_gate(triggers), triggers, pattern, replacement, bool(pattern.flags & re.IGNORECASE))
               for triggers, pattern, replacement in _RULES)



def _finder(triggers: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for triggers that start alike (ghp_, gho_, ..., github_pat_): the regex engine looks for their
    common start and tries the rest only there, one pass instead of one per trigger (six over a 40 KB report)."""
    if len(triggers) < 2 or len({t[0] for t in triggers}) != 1:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(triggers, key=lambda t: (-len(t), t))))


# Per rule, the search that says whether any of its triggers is in a text (None: a substring test per trigger).
_FINDERS = tuple(_finder(triggers) for triggers, _pattern, _replacement in _RULES)

T = TypeVar("T")


def secret_values(env: Mapping[str, str], extra: Iterable[str | None] = ()) -> tuple[str, ...]:
    """The values to redact exactly: secret-named variables of `env` and `extra` ones, longest first."""
    values: set[str] = set()
    candidates = [v for k, v in env.items() if _SECRET_NAME.search(k)] + [v for v in extra if v]
    for value in candidates:
        value = value.strip()
        if len(value) < MIN_SECRET_LENGTH:
            continue
        values.add(value)
        for prefix in _TOKEN_PREFIXES:
            rest = value[len(prefix):]
            if value.startswith(prefix) and len(rest) >= 16:
                values.add(rest)
    return tuple(sorted(values, key=lambda v: (-len(v), v)))


class Redactor:
    """Replaces secrets in text: the exact values it was given, then every token shape it knows."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a value that contains another is replaced whole.
        self.secrets = tuple(sorted(set(secrets), key=lambda v: (-len(v), v)))

    @classmethod
    def from_env(cls, env: Mapping[str, str], extra: Iterable[str | None] = ()) -> Redactor:
        """A redactor for the secrets of an environment (see `secret_values`)."""
        return cls(secret_values(env, extra))

    def scrub(self, text: str) -> str:
        """`text` with every secret replaced by `[redacted]`."""
        if len(text) < _SHORTEST_MATCH:
            return text
        # Substring tests run in C and most strings hold no secret: they keep the usual string to one pass each.
        for value in self.secrets:
            if value in text:
                text = text.replace(value, REDACTED)
        lower = text.lower()
        for (gate, triggers, pattern, replacement, folded), finder in zip(_SCANS, _FINDERS, strict=True):
            haystack = lower if folded else text
            if gate and gate not in haystack:
                continue
            if finder.search(haystack) is not None if finder else any(t in haystack for t in triggers):
                text = pattern.sub(replacement, text)
        return text

    def clean(self, texts: list[str]) -> bool:
        """True when `scrub` would change none of `texts`: one scrub of them joined by line breaks.

        Sound because every rule's match inside one text is a match inside the joined text too (each pattern
        starts at a word boundary, a literal or after "://", and its runs stop at white space, so a line break
        bounds them as the end of a text does), and every replacement changes the text. A match across two
        texts only makes this False, and the caller then scrubs the texts one by one.
        """
        joined = "\n".join(texts)
        return self.scrub(joined) == joined


# A list this long is first checked as a whole (`clean`); a shorter one is cheap to scrub item by item.
_BULK_CHECK_MIN = 32


_KEPT_TYPES = (type(None), bool, int, float)  # never scrubbed, like Enum members
_UNSEEN: Any = object()  # a text not scrubbed yet in this `scrub_data` call


@lru_cache(maxsize=64)
def _number_fields(kind: type) -> frozenset[str]:
    """The fields of a dataclass declared as plain numbers (`size: int`), which no text can be in."""
    return frozenset(f.name for f in fields(kind) if f.type in ("int", "float", "bool", int, float, bool))


def _flat_strings(items: list[Any] | tuple[Any, ...], names_of: Callable[[type], tuple[str, ...]]) -> list[str] | None:
    """The strings of `items` when all are strings, or all dataclasses of one type whose fields hold strings,
    numbers, enums and None; else None (the list is then walked the usual way). Column by column, in C loops."""
    kinds = set(map(type, items))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind is str:
        return list(items)
    if not is_dataclass(kind):
        return None
    found: list[str] = []
    numbers = _number_fields(kind)
    for name in names_of(kind):
        if name in numbers:
            continue  # declared a number: never text, and a local file's size costs a stat to read
        column = list(map(attrgetter(name), items))
        types = set(map(type, column))
        if not all(t is str or issubclass(t, (Enum, *_KEPT_TYPES)) for t in types):
            return None  # nested containers or records are walked the usual way
        if str in types:
            found.extend(value for value in column if type(value) is str)
    return found


def _once_per_text(scrub: Callable[[str], str]) -> Callable[[str], str]:
    """`scrub` that scrubs equal texts once: a batch outcome repeats its 30 row keys and most values once per pack,
    and each scrub is a dozen substring passes. A text that needs no change is returned as its own object."""
    texts: dict[str, str | None] = {}  # None: the text needs no change

    def scrub_text(value: str) -> str:
        done = texts.get(value, _UNSEEN)
        if done is _UNSEEN:
            now = scrub(value)
            done = texts[value] = None if now == value else now
        return value if done is None else done

    return scrub_text


def scrub_data(obj: T, scrub: Callable[[str], str], clean: Callable[[list[str]], bool] | None = None) -> T:
    """A copy of `obj` (dataclasses, lists, tuples, dicts, strings) with `scrub` applied to every string.

    Enum members, numbers and other objects are kept as they are; shared objects are copied once. With `clean`
    (`Redactor.clean`), a tree (the usual report), then each long list of flat records (100,000 file entries), is
    checked in one pass over its strings and kept as it is when nothing in it needs scrubbing.
    """
    memo: dict[int, Any] = {}
    scrub_text = _once_per_text(scrub)
    field_names: dict[type, tuple[str, ...]] = {}

    def names_of(kind: type) -> tuple[str, ...]:
        names = field_names.get(kind)
        if names is None:
            names = field_names[kind] = tuple(f.name for f in fields(kind) if f.init)
        return names

    def bulk_clean(value: list[Any] | tuple[Any, ...]) -> bool:
        if clean is None or len(value) < _BULK_CHECK_MIN:
            return False
        strings = _flat_strings(value, names_of)
        return strings is not None and clean(strings)

    def walk(value: Any) -> Any:
        if value is None or isinstance(value, (Enum, bool, int, float)):
            return value
        if isinstance(value, str):
            return scrub_text(value)
        key = id(value)
        if key in memo:
            return memo[key]
        new: Any = value
        if is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for name in names_of(type(value)):
                old = getattr(value, name)
                now = walk(old)
                if now is not old:
                    changes[name] = now
            if changes:
                new = replace(value, **changes)
        elif type(value) in (list, tuple) and bulk_clean(value):
            pass  # nothing in it to scrub: kept as it is
        elif type(value) is list:
            items = [walk(v) for v in value]
            new = value if all(a is b for a, b in zip(items, value, strict=True)) else items
        elif type(value) is tuple:
            items = [walk(v) for v in value]
            new = value if all(a is b for a, b in zip(items, value, strict=True)) else tuple(items)
        elif type(value) is dict:
            pairs = [(walk(k), walk(v)) for k, v in value.items()]
            same = all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items(), strict=True))
            new = value if same else dict(pairs)
        memo[key] = new
        return new

    if clean is not None and clean(list(dict.fromkeys(_tree_strings(obj, names_of)))):
        return obj
    result: T = walk(obj)
    return result


def _tree_strings(obj: Any, names_of: Callable[[type], tuple[str, ...]]) -> list[str]:
    """Every string `scrub_data` would scrub in `obj` (dict keys included), each shared object visited once."""
    found: list[str] = []
    seen: set[int] = set()
    stack = [obj]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:  # the usual case first: exact types are tested without isinstance's walk of the bases
            found.append(value)
            continue
        if kind in _KEPT_TYPES or isinstance(value, (Enum, bool, int, float)):
            continue
        if isinstance(value, str):
            found.append(value)
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if hasattr(kind, "__dataclass_fields__"):  # is_dataclass(value), and not a class (its type is then `type`)
            names = names_of(kind)
            if len(names) > 1:
                stack.extend(attrgetter(*names)(value))
            elif names:
                stack.append(getattr(value, names[0]))
        elif type(value) in (list, tuple):
            flat = _flat_strings(value, names_of) if len(value) >= _BULK_CHECK_MIN else None
            if flat is None:
                stack.extend(value)
            else:  # a long list of flat records (100,000 file entries), read column by column in C loops
                found.extend(flat)
        elif type(value) is dict:
            stack.extend(value)
            stack.extend(value.values())
    return found
