"""The HTTP API's view of the settings (``MESOPLAN_API_*``, read by ``Settings``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ...config import Settings
from ...services.accounts import PasswordPolicy
from ...services.login_throttle import ThrottleSettings


@dataclass(frozen=True)
class ServerLimits:
    """What one request and one connection may take (``MESOPLAN_API_MAX_BODY_BYTES``,
    ``..._BODY_TIMEOUT_S``, ``..._HEADER_TIMEOUT_S``, ``..._KEEP_ALIVE_S``,
    ``..._KEEP_ALIVE_REQUESTS``, ``..._MAX_CONNECTIONS``; see :class:`~mesoplan.Settings`)."""

    max_body_bytes: int = 4 * 1024 * 1024
    body_timeout_s: float = 30.0
    header_timeout_s: float = 10.0
    keep_alive_s: float = 5.0
    keep_alive_requests: int = 1000
    max_connections: int = 1000


@dataclass(frozen=True)
class ApiSettings:
    """``token_ttl``: how long a login token lives (``MESOPLAN_API_TOKEN_TTL_MIN``, default
    720). ``passwords``: argon2id parameters (``MESOPLAN_API_ARGON2_TIME_COST``,
    ``MESOPLAN_API_ARGON2_MEMORY_KIB``, ``MESOPLAN_API_ARGON2_PARALLELISM``); keep the
    defaults in production, cheap ones only in tests. ``docs``: serve ``/docs``.
    ``auth_cache_s``: how long a process remembers who a token names
    (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0: ask the database every time).
    ``login``: the login throttle (``MESOPLAN_API_LOGIN_*``); ``limits``: the server's."""

    token_ttl: timedelta = timedelta(hours=12)
    passwords: PasswordPolicy = field(default_factory=PasswordPolicy)
    docs: bool = True
    auth_cache_s: float = 5.0
    login: ThrottleSettings = field(default_factory=ThrottleSettings)
    limits: ServerLimits = field(default_factory=ServerLimits)

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
            login=ThrottleSettings(
                int(settings.api_login_hashes),
                settings.api_login_queue_s,
                int(settings.api_login_free_failures),
                int(settings.api_login_address_free_failures),
                settings.api_login_backoff_s,
                settings.api_login_backoff_max_s,
            ),
            limits=ServerLimits(
                int(settings.api_max_body_bytes),
                settings.api_body_timeout_s,
                settings.api_header_timeout_s,
                settings.api_keep_alive_s,
                int(settings.api_keep_alive_requests),
                int(settings.api_max_connections),
            ),
        )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiSettings:
        return cls.from_settings(Settings.from_env(environ))
