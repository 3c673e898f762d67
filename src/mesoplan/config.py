"""One settings object for the whole application (environment variables ``MESOPLAN_*``)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
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
    (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0 asks the database on every request).
    """

    protocol_path: tuple[Path, ...] = ()
    database_url: str | None = None
    data_dir: Path | None = None
    practitioner: str | None = None
    db_connect_timeout_s: float = 10.0
    db_statement_timeout_s: float = 0.0
    api_token_ttl_min: int = 720
    api_argon2_time_cost: int = 3
    api_argon2_memory_kib: int = 65536
    api_argon2_parallelism: int = 4
    api_docs: bool = True
    api_auth_cache_s: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        data_dir = env.get("MESOPLAN_DATA_DIR")
        return cls(
            protocol_path=_split_paths(env.get("MESOPLAN_PROTOCOL_PATH")),
            database_url=env.get("MESOPLAN_DATABASE_URL") or None,
            data_dir=Path(data_dir).expanduser() if data_dir else None,
            practitioner=env.get("MESOPLAN_PRACTITIONER") or None,
            db_connect_timeout_s=_number(env, "MESOPLAN_DB_CONNECT_TIMEOUT_S", 10.0),
            db_statement_timeout_s=_number(env, "MESOPLAN_DB_STATEMENT_TIMEOUT_S", 0.0),
            api_token_ttl_min=_number(env, "MESOPLAN_API_TOKEN_TTL_MIN", 720),
            api_argon2_time_cost=_number(env, "MESOPLAN_API_ARGON2_TIME_COST", 3),
            api_argon2_memory_kib=_number(env, "MESOPLAN_API_ARGON2_MEMORY_KIB", 65536),
            api_argon2_parallelism=_number(env, "MESOPLAN_API_ARGON2_PARALLELISM", 4),
            api_docs=env.get("MESOPLAN_API_DOCS", "1") != "0",
            api_auth_cache_s=float(_number(env, "MESOPLAN_API_AUTH_CACHE_S", 5.0)),
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
