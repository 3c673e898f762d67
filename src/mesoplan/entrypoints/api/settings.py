"""Settings of the HTTP API (environment variables ``MESOPLAN_API_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from ...services.accounts import PasswordPolicy


@dataclass(frozen=True)
class ApiSettings:
    """``token_ttl``: how long a login token lives (``MESOPLAN_API_TOKEN_TTL_MIN``, default
    720). ``passwords``: argon2id parameters (``MESOPLAN_API_ARGON2_TIME_COST``,
    ``MESOPLAN_API_ARGON2_MEMORY_KIB``, ``MESOPLAN_API_ARGON2_PARALLELISM``); keep the
    defaults in production, cheap ones only in tests. ``docs``: serve ``/docs``.
    ``auth_cache_s``: how long a process remembers who a token names
    (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0: ask the database every time)."""

    token_ttl: timedelta = timedelta(hours=12)
    passwords: PasswordPolicy = field(default_factory=PasswordPolicy)
    docs: bool = True
    auth_cache_s: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiSettings:
        env = dict(os.environ if environ is None else environ)
        base = PasswordPolicy()

        def num(name: str, default: int) -> int:
            return int(env.get(f"MESOPLAN_API_{name}", default))

        return cls(
            token_ttl=timedelta(minutes=num("TOKEN_TTL_MIN", 720)),
            passwords=PasswordPolicy(
                num("ARGON2_TIME_COST", base.time_cost),
                num("ARGON2_MEMORY_KIB", base.memory_cost_kib),
                num("ARGON2_PARALLELISM", base.parallelism),
            ),
            docs=env.get("MESOPLAN_API_DOCS", "1") != "0",
            auth_cache_s=float(env.get("MESOPLAN_API_AUTH_CACHE_S", "5")),
        )
