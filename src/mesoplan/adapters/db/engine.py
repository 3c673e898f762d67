"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL via psycopg 3.

Only these two are supported; any other URL is refused with one clear message. A
PostgreSQL connection gives up after ``connect_timeout_s`` (a server that accepts the
connection and never answers cannot hang a command); statements have no time limit
unless ``statement_timeout_s`` is given, so long work (an upgrade, a full export) is
never cut.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ...domain.errors import MesoplanError

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)
SUPPORTED = ("sqlite", "postgresql")
CONNECT_TIMEOUT_S = 10.0
"""The default time to wait for a PostgreSQL server to accept and answer a connection."""
MIN_CONNECT_TIMEOUT_S = 2
"""libpq's and psycopg's floor: shorter connect timeouts count as 2 s."""


class DatabaseUrlError(MesoplanError):
    """A database URL that is malformed, of an unsupported kind, or names a SQLite file
    whose folder cannot be created."""


def normalise_url(url: str | URL) -> URL:
    """``postgresql://`` and ``postgres://`` mean PostgreSQL through psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def checked_url(url: str | URL) -> URL:
    """``url`` parsed and normalised, or :class:`DatabaseUrlError` saying what is valid."""
    hint = "give sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME"
    try:
        u = normalise_url(url)
        backend = u.get_backend_name()
        _ = u.port  # a malformed port is found only when it is read
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUrlError(f"{shown_url(url)} is not a database URL ({exc}); {hint}") from None
    if backend not in SUPPORTED:
        raise DatabaseUrlError(
            f"{shown_url(url)}: {backend} databases are not supported; mesoplan stores its "
            f"records in SQLite or PostgreSQL: {hint}"
        )
    if backend == "postgresql" and u.drivername != "postgresql+psycopg":
        raise DatabaseUrlError(
            f"{shown_url(url)}: the PostgreSQL driver {u.drivername!r} is not supported; "
            "use postgresql:// (psycopg 3)"
        )
    return u


def shown_url(url: str | URL) -> str:
    """The URL without its password, for messages."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return repr(url.split("@")[-1] if "@" in url else url)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _sqlite_folder(u: URL) -> None:
    if not u.database or u.database == ":memory:" or u.database.startswith("file:"):
        return
    folder = Path(u.database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUrlError(
            f"the SQLite folder {folder} cannot be created ({exc.strerror or exc}); "
            "set MESOPLAN_DATABASE_URL or MESOPLAN_DATA_DIR to a writable place"
        ) from None


def _postgresql_args(connect_timeout_s: float, statement_timeout_s: float) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if connect_timeout_s > 0 and math.isfinite(connect_timeout_s):
        args["connect_timeout"] = max(MIN_CONNECT_TIMEOUT_S, math.ceil(connect_timeout_s))
    if statement_timeout_s > 0 and math.isfinite(statement_timeout_s):
        args["options"] = f"-c statement_timeout={math.ceil(statement_timeout_s * 1000)}"
    return args


def make_engine(
    url: str | URL,
    *,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    statement_timeout_s: float = 0.0,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL). A SQLite file's folder is created
    when missing. On PostgreSQL a connection attempt gives up after
    ``connect_timeout_s`` (0: wait for ever) and a statement after
    ``statement_timeout_s`` (0, the default: no limit)."""
    u = checked_url(url)
    if u.get_backend_name() == "sqlite":
        _sqlite_folder(u)
        engine = create_engine(u, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    connect_args = {**_postgresql_args(connect_timeout_s, statement_timeout_s)}
    connect_args.update(kwargs.pop("connect_args", {}))
    return create_engine(u, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
