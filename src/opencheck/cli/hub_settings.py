"""Hub settings from the command line and the environment: one reading for every command that reads a Hub model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opencheck.collect import HubOptions
from opencheck.environment import Environment
from opencheck.sources.http_limits import timeout_from_env

_TRUE = ("1", "true", "yes")
DEFAULT_NEEDS = frozenset({"datasets"})  # commands without rule packs: dataset cards feed data licences


def hub_options(env: Environment, *, token: str | None = None, offline: bool = False, cache_dir: Path | None = None,
                use_cache: bool = True, needs: frozenset[str] = DEFAULT_NEEDS, timeout: float | None = None,
                sleep: Callable[[float], None] | None = None) -> HubOptions:
    """Endpoint, tokens, cache, offline switch, look-up servers and deadline, read the same way by every command.

    `cache_dir` is relative to the injected working folder; `timeout` defaults to $OPENCHECK_TIMEOUT, else 10 s.
    """
    return HubOptions(
        endpoint=env.env.get("HF_ENDPOINT") or None,
        token=token or env.env.get("HF_TOKEN") or env.env.get("HUGGING_FACE_HUB_TOKEN") or None,
        cache_dir=cache_dir if cache_dir is None or cache_dir.is_absolute() else env.cwd / cache_dir,
        use_cache=use_cache,
        offline=offline or any(env.env.get(v, "").lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")),
        needs=needs,
        github_api=env.env.get("OPENCHECK_GITHUB_API", "https://api.github.com"),
        arxiv_api=env.env.get("OPENCHECK_ARXIV_API") or None,
        github_token=env.env.get("GITHUB_TOKEN") or None,
        # whole-request deadline (connect + headers + body): --timeout, else $OPENCHECK_TIMEOUT, else 10 s
        timeout=timeout if timeout is not None else timeout_from_env(env.env),
        sleep=sleep,
    )
