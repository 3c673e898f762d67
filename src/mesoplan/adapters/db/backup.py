"""Backup and restore of a SQLite database with SQLite's online backup API (safe while
mesoplan runs). PostgreSQL is backed up with its own tools (pg_dump, pg_restore): see
docs/records.md."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from ...domain.record_errors import ConflictError, NotFoundError, RefusedError

PG_HINT = (
    "back up PostgreSQL with pg_dump (pg_dump -Fc -f FILE DBNAME) and restore with "
    "pg_restore; see docs/records.md"
)


def sqlite_path(url: str) -> Path:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        raise RefusedError(f"mesoplan backs up SQLite only; {PG_HINT}")
    if not u.database or u.database == ":memory:":
        raise RefusedError("an in-memory database cannot be backed up")
    return Path(u.database).expanduser()


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _revision(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def backup(url: str, target: Path) -> Path:
    """Copy the database to ``target`` (a new file), page by page, consistently."""
    source = sqlite_path(url)
    if not source.exists():
        raise NotFoundError(f"no database at {source}: nothing to back up")
    if target.exists():
        raise ConflictError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return target


def restore(url: str, source: Path, now: datetime) -> Path | None:
    """Replace the database's content with the backup ``source``. The current database is
    first copied beside itself (``*.before-restore-<time>.sqlite``), so nothing is lost;
    that copy's path is returned (None when there was no database)."""
    target = sqlite_path(url)
    if not source.exists():
        raise NotFoundError(f"no backup file at {source}")
    if _revision(source) is None:
        raise RefusedError(f"{source} is not a mesoplan database backup (no schema revision)")
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.stem}.before-restore-{now:%Y%m%dT%H%M%S}.sqlite")
        _copy(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return kept
