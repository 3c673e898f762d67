"""The HTTP API's view of the settings (``MESOPLAN_API_*``, read by ``Settings``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ...config import Settings
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
    def from_settings(cls, settings: Settings) -> ApiSettings:
        """The API's view of the application's one :class:`~mesoplan.Settings`."""
        return cls(
            token_ttl=timedelta(minutes=settings.api_token_ttl_min),
            passwords=PasswordPolicy(
                settings.api_argon2_time_cost,
                settings.api_argon2_memory_kib,
                settings.api_argon2_parallelism,
            ),
            docs=settings.api_docs,
            auth_cache_s=settings.api_auth_cache_s,
        )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiSettings:
        return cls.from_settings(Settings.from_env(environ))
