"""One settings object for the whole application (environment variables ``MESOPLAN_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .domain.errors import MesoplanError


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
    if value < 0:
        raise MesoplanError(f"{name} must not be negative, got {raw!r}")
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

    The REST API's settings (the API reads them through ``ApiSettings.from_settings``):
    ``api_token_ttl_min`` (``MESOPLAN_API_TOKEN_TTL_MIN``, default 720): how long a login
    token lives; ``api_argon2_time_cost``, ``api_argon2_memory_kib``,
    ``api_argon2_parallelism`` (``MESOPLAN_API_ARGON2_TIME_COST``, ``..._MEMORY_KIB``,
    ``..._PARALLELISM``; default argon2-cffi's: keep them in production, cheap ones only in
    tests); ``api_docs`` (``MESOPLAN_API_DOCS``, ``0`` hides ``/docs``); ``api_auth_cache_s``
    (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0 asks the database on every request).

    Email reminders to patients who opted in: ``smtp_host`` (``MESOPLAN_SMTP_HOST``; unset:
    no reminder is sent), ``smtp_port`` (``MESOPLAN_SMTP_PORT``, default 25) and
    ``smtp_from`` (``MESOPLAN_SMTP_FROM``, the sender address).
    """

    protocol_path: tuple[Path, ...] = ()
    database_url: str | None = None
    data_dir: Path | None = None
    practitioner: str | None = None
    api_token_ttl_min: int = 720
    api_argon2_time_cost: int = 3
    api_argon2_memory_kib: int = 65536
    api_argon2_parallelism: int = 4
    api_docs: bool = True
    api_auth_cache_s: float = 5.0
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
            api_token_ttl_min=_number(env, "MESOPLAN_API_TOKEN_TTL_MIN", 720),
            api_argon2_time_cost=_number(env, "MESOPLAN_API_ARGON2_TIME_COST", 3),
            api_argon2_memory_kib=_number(env, "MESOPLAN_API_ARGON2_MEMORY_KIB", 65536),
            api_argon2_parallelism=_number(env, "MESOPLAN_API_ARGON2_PARALLELISM", 4),
            api_docs=env.get("MESOPLAN_API_DOCS", "1") != "0",
            api_auth_cache_s=float(_number(env, "MESOPLAN_API_AUTH_CACHE_S", 5.0)),
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
