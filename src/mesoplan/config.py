"""One settings object for the whole application (environment variables ``MESOPLAN_*``)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .domain.errors import MesoplanError

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _split_paths(value: str | None) -> tuple[Path, ...]:
    if not value:
        return ()
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p.strip())


def _number(env: dict[str, str], name: str, default: float) -> Any:
    """A number from the environment, of ``default``'s type; a clear error otherwise."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = type(default)(raw)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise MesoplanError(f"{name} must be {kind}, got {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise MesoplanError(f"{name} must be a finite number, not negative, got {raw!r}")
    return value


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise MesoplanError(f"{name} must be a whole number of at least 1, got {value}")
    return value


_LIMITS: tuple[tuple[str, float], ...] = (
    ("api_login_hashes", 2),
    ("api_login_queue_s", 5.0),
    ("api_login_free_failures", 5),
    ("api_login_address_free_failures", 20),
    ("api_login_backoff_s", 1.0),
    ("api_login_backoff_max_s", 900.0),
    ("api_max_body_bytes", 4 * 1024 * 1024),
    ("api_body_timeout_s", 30.0),
    ("api_header_timeout_s", 10.0),
    ("api_keep_alive_s", 5.0),
    ("api_keep_alive_requests", 1000),
    ("api_max_connections", 1000),
)
"""The login throttle's and the server's settings: (field, default); the variable is
``MESOPLAN_`` and the field's name in capitals."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mesoplan", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment by :meth:`from_env`.

    ``protocol_path``: folders (or files) of clinic protocols, ``MESOPLAN_PROTOCOL_PATH``,
    separated like ``PATH`` (``:`` on POSIX).
    ``database_url``: ``MESOPLAN_DATABASE_URL``; ``None`` means a SQLite file in the user
    data directory (see :meth:`resolved_database_url`).
    ``practitioner``: ``MESOPLAN_PRACTITIONER``, the acting practitioner's handle.
    ``max_plan_points``: ``MESOPLAN_MAX_PLAN_POINTS`` (default 200,000), the work bound:
    a plan whose lattices could hold more points (an upper bound from areas and spacings)
    is refused before any lattice is made, in the CLI, the API preview and the web.
    ``db_connect_timeout_s``: ``MESOPLAN_DB_CONNECT_TIMEOUT_S`` (default 10; 0 waits for
    ever): how long to wait for a PostgreSQL server to accept and answer a connection.
    ``db_statement_timeout_s``: ``MESOPLAN_DB_STATEMENT_TIMEOUT_S`` (default 0, no limit):
    a PostgreSQL statement running longer is cancelled; off by default so that long work
    (``db upgrade``, ``export fhir --all``, ``backup``) is never cut.

    The REST API's settings (the API reads them through ``ApiSettings.from_settings``):
    ``api_token_ttl_min`` (``MESOPLAN_API_TOKEN_TTL_MIN``, default 720): how long a login
    token lives; ``api_argon2_time_cost``, ``api_argon2_memory_kib``,
    ``api_argon2_parallelism`` (``MESOPLAN_API_ARGON2_TIME_COST``, ``..._MEMORY_KIB``,
    ``..._PARALLELISM``; default argon2-cffi's: keep them in production, cheap ones only in
    tests); ``api_docs`` (``MESOPLAN_API_DOCS``, ``0`` hides ``/docs``); ``api_auth_cache_s``
    (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0 asks the database on every request);
    ``audit_key_file`` (``MESOPLAN_AUDIT_KEY_FILE``): the clinics' audit keys (TOML, see
    ``adapters.db.audit_keys``); unset, audit entries are unkeyed SHA-256.

    ``secret_key`` (``MESOPLAN_SECRET_KEY``): the key the web pages sign their login
    forms with; unset, each process draws a random one at start (set the same key on
    every process behind one address).

    Login throttling (per process): ``api_login_hashes`` (``MESOPLAN_API_LOGIN_HASHES``,
    default 2) password hashes at most in flight, a login that finds none free waits
    ``api_login_queue_s`` (``MESOPLAN_API_LOGIN_QUEUE_S``, default 5) and then gets 503;
    after ``api_login_free_failures`` (``MESOPLAN_API_LOGIN_FREE_FAILURES``, default 5)
    failed logins of one username, or ``api_login_address_free_failures``
    (``MESOPLAN_API_LOGIN_ADDRESS_FREE_FAILURES``, default 20) from one client address,
    each further failure doubles a wait that starts at ``api_login_backoff_s``
    (``MESOPLAN_API_LOGIN_BACKOFF_S``, default 1) and stops at ``api_login_backoff_max_s``
    (``MESOPLAN_API_LOGIN_BACKOFF_MAX_S``, default 900); a login during the wait gets 429.

    Server limits: ``api_max_body_bytes`` (``MESOPLAN_API_MAX_BODY_BYTES``, default 4 MiB;
    larger bodies get 413), ``api_body_timeout_s`` (``MESOPLAN_API_BODY_TIMEOUT_S``, default
    30: the whole body must arrive in this time, else 408), ``api_header_timeout_s``
    (``MESOPLAN_API_HEADER_TIMEOUT_S``, default 10: the request line and headers must),
    ``api_keep_alive_s`` (``MESOPLAN_API_KEEP_ALIVE_S``, default 5: an idle connection is
    closed after this), ``api_keep_alive_requests`` (``MESOPLAN_API_KEEP_ALIVE_REQUESTS``,
    default 1000 requests on one connection), ``api_max_connections``
    (``MESOPLAN_API_MAX_CONNECTIONS``, default 1000; more get 503).

    Email reminders to patients who opted in: ``smtp_host`` (``MESOPLAN_SMTP_HOST``; unset:
    no reminder is sent), ``smtp_port`` (``MESOPLAN_SMTP_PORT``, default 25) and
    ``smtp_from`` (``MESOPLAN_SMTP_FROM``, the sender address).
    """

    protocol_path: tuple[Path, ...] = ()
    database_url: str | None = None
    data_dir: Path | None = None
    practitioner: str | None = None
    max_plan_points: int = 200_000
    db_connect_timeout_s: float = 10.0
    db_statement_timeout_s: float = 0.0
    api_token_ttl_min: int = 720
    api_argon2_time_cost: int = 3
    api_argon2_memory_kib: int = 65536
    api_argon2_parallelism: int = 4
    api_docs: bool = True
    api_auth_cache_s: float = 5.0
    secret_key: str | None = field(default=None, repr=False)
    audit_key_file: Path | None = None
    api_login_hashes: int = 2
    api_login_queue_s: float = 5.0
    api_login_free_failures: int = 5
    api_login_address_free_failures: int = 20
    api_login_backoff_s: float = 1.0
    api_login_backoff_max_s: float = 900.0
    api_max_body_bytes: int = 4 * 1024 * 1024
    api_body_timeout_s: float = 30.0
    api_header_timeout_s: float = 10.0
    api_keep_alive_s: float = 5.0
    api_keep_alive_requests: int = 1000
    api_max_connections: int = 1000
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        data_dir = env.get("MESOPLAN_DATA_DIR")
        return cls(
            protocol_path=_split_paths(env.get("MESOPLAN_PROTOCOL_PATH")),
            database_url=env.get("MESOPLAN_DATABASE_URL") or None,
            data_dir=Path(data_dir).expanduser() if data_dir else None,
            practitioner=env.get("MESOPLAN_PRACTITIONER") or None,
            max_plan_points=_positive(
                _number(env, "MESOPLAN_MAX_PLAN_POINTS", 200_000), "MESOPLAN_MAX_PLAN_POINTS"
            ),
            db_connect_timeout_s=_number(env, "MESOPLAN_DB_CONNECT_TIMEOUT_S", 10.0),
            db_statement_timeout_s=_number(env, "MESOPLAN_DB_STATEMENT_TIMEOUT_S", 0.0),
            api_token_ttl_min=_number(env, "MESOPLAN_API_TOKEN_TTL_MIN", 720),
            api_argon2_time_cost=_number(env, "MESOPLAN_API_ARGON2_TIME_COST", 3),
            api_argon2_memory_kib=_number(env, "MESOPLAN_API_ARGON2_MEMORY_KIB", 65536),
            api_argon2_parallelism=_number(env, "MESOPLAN_API_ARGON2_PARALLELISM", 4),
            api_docs=env.get("MESOPLAN_API_DOCS", "1") != "0",
            api_auth_cache_s=float(_number(env, "MESOPLAN_API_AUTH_CACHE_S", 5.0)),
            secret_key=env.get("MESOPLAN_SECRET_KEY") or None,
            audit_key_file=Path(env["MESOPLAN_AUDIT_KEY_FILE"])
            if env.get("MESOPLAN_AUDIT_KEY_FILE")
            else None,
            **{
                name: _number(env, f"MESOPLAN_{name.upper()}", default) for name, default in _LIMITS
            },
            smtp_host=env.get("MESOPLAN_SMTP_HOST") or None,
            smtp_port=_number(env, "MESOPLAN_SMTP_PORT", 25),
            smtp_from=env.get("MESOPLAN_SMTP_FROM") or None,
        )

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()

    def resolved_database_url(self) -> str:
        """``database_url``, or a SQLite file ``mesoplan.sqlite`` in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir() / 'mesoplan.sqlite'}"

    def engine(self) -> Engine:
        """An engine on :meth:`resolved_database_url` with the configured timeouts."""
        from .adapters.db import make_engine

        return make_engine(
            self.resolved_database_url(),
            connect_timeout_s=self.db_connect_timeout_s,
            statement_timeout_s=self.db_statement_timeout_s,
        )
