"""Backup and restore that lose nothing, safe while mesoplan runs.

SQLite: a backup is a consistent page copy (SQLite's online backup API). A restore
checks first that the file is a mesoplan database of a revision this mesoplan knows,
then takes the database's write lock (``BEGIN EXCLUSIVE``, waiting up to 10 s for other
writers), saves the current content under a name that never collides (the backup API,
from a snapshot no one can change while the lock is held), and replaces the content in
the same transaction, in the live file: a running server keeps its file, sees the
restored records at once, and a write it makes is either in the saved copy or lands
after the restore. (Python's sqlite3 refuses a backup into a connection that holds a
transaction, so the replacement is SQL: the backup's schema and rows, copied whole.)

PostgreSQL: ``pg_dump`` and ``pg_restore`` in custom format (``backup_pg``).
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from ...domain.record_errors import ConflictError, NotFoundError, RefusedError
from . import revision
from .base import Base

CORE_TABLES = frozenset({"clinic", "practitioner", "patient", "course", "treatment_session"})
"""Tables every revision of mesoplan's schema has."""
BUSY_TIMEOUT_S = 10.0
"""How long a restore waits for the other writers to finish before it gives up."""


def sqlite_path(url: str) -> Path:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        raise RefusedError(
            f"this copies SQLite files; {u.get_backend_name()} is backed up with pg_dump "
            "(`mesoplan backup` runs it)"
        )
    if not u.database or u.database == ":memory:":
        raise RefusedError("an in-memory database cannot be backed up")
    return Path(u.database).expanduser()


def is_sqlite(url: str) -> bool:
    from .engine import checked_url

    return checked_url(url).get_backend_name() == "sqlite"


def check_target(target: Path) -> None:
    """A new file in an existing folder."""
    if target.exists():
        raise ConflictError(f"{target} exists already; choose a new file name")
    if not target.parent.is_dir():
        raise NotFoundError(f"the folder {target.parent} does not exist; create it first")


def check_revision(found: str | None, tables: set[str], source: Path) -> str:
    """The revision of a backup that holds mesoplan's tables at a known revision."""
    needed = set(Base.metadata.tables) if found == revision.head() else CORE_TABLES
    missing = sorted(needed - tables)
    if found is None or missing:
        what = f"lacks the tables {', '.join(missing[:5])}" if missing else "has no revision"
        raise RefusedError(f"{source} is not a mesoplan database backup (it {what})")
    problem = revision.problem(found, upgradable=True)
    if problem is not None:
        raise RefusedError(f"the backup {source} {problem}")
    return found


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(_uri(path, "ro"), uri=True)


def sqlite_revision(path: Path) -> str:
    """The schema revision of the SQLite backup ``path``, after checking it is one."""
    if not path.is_file():
        raise NotFoundError(f"no backup file at {path}")
    try:
        con = _read_only(path)
        try:
            if con.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise RefusedError(f"{path} is damaged (SQLite's quick_check fails)")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            row = (
                con.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise RefusedError(f"{path} is not a mesoplan database backup ({exc})") from None
    return check_revision(None if row is None else str(row[0]), tables, path)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    dst = sqlite3.connect(target)
    try:
        source.backup(dst)
    finally:
        dst.close()


def backup(url: str, target: Path) -> Path:
    """Copy the database to ``target`` (a new file in an existing folder), consistently."""
    source = sqlite_path(url)
    if not source.exists():
        raise NotFoundError(f"no database at {source}: nothing to back up")
    check_target(target)
    try:
        src = _read_only(source)
        try:
            _copy(src, target)
        finally:
            src.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise RefusedError(f"cannot write the backup {target} ({exc})") from None
    return target


def kept_name(target: Path, now: datetime, suffix: str = ".sqlite") -> Path:
    """Where the content before a restore is kept: beside the database, a name with the
    time to the microsecond and a random part, made with O_EXCL so it never collides."""
    for _ in range(100):
        stamp = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        path = target.with_name(f"{target.stem}.before-restore-{stamp}{suffix}")
        try:
            path.open("xb").close()
        except FileExistsError:
            continue
        return path
    raise ConflictError(f"no free name beside {target} for the copy before the restore")


def _replace_content(live: sqlite3.Connection) -> None:
    """Inside the open transaction: main's schema and rows become those of ``bk``."""
    objects = live.execute(
        "SELECT type, name FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND type IN ('view', 'trigger', 'table')"
    ).fetchall()
    for kind, name in sorted(objects, key=lambda o: o[0] == "table"):
        live.execute(f'DROP {kind.upper()} IF EXISTS main."{name}"')
    rows = live.execute(
        "SELECT type, name, sql FROM bk.sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    for kind, name, sql in sorted(rows, key=lambda r: order.get(r[0], 9)):
        live.execute(sql)
        if kind == "table":
            live.execute(f'INSERT INTO main."{name}" SELECT * FROM bk."{name}"')
    has_seq = live.execute(
        "SELECT 1 FROM bk.sqlite_master WHERE name = 'sqlite_sequence'"
    ).fetchone()
    if (
        has_seq
        and live.execute(
            "SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone()
    ):
        live.execute("DELETE FROM main.sqlite_sequence")
        live.execute("INSERT INTO main.sqlite_sequence SELECT * FROM bk.sqlite_sequence")


def restore(url: str, source: Path, now: datetime) -> Path | None:
    """Replace the database's content with the backup ``source``; the content before is
    kept beside the database under a new name, returned (None when there was none)."""
    target = sqlite_path(url)
    sqlite_revision(source)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(_read_only(source)) as src:
            _copy(src, target)
        return None
    live = sqlite3.connect(
        _uri(target, "rw"), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
    )
    kept: Path | None = None
    try:
        live.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        live.execute("PRAGMA foreign_keys=OFF")
        live.execute("ATTACH DATABASE ? AS bk", (_uri(source, "ro"),))
        try:
            live.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            raise RefusedError(
                f"the database {target} stayed busy for {BUSY_TIMEOUT_S:g} s ({exc}); "
                "nothing was changed: try again when it is quieter"
            ) from None
        try:
            kept = kept_name(target, now)
            with closing(_read_only(target)) as snapshot:  # no commit while we hold the lock
                _copy(snapshot, kept)
            _replace_content(live)
            live.execute("COMMIT")
        except BaseException:
            live.execute("ROLLBACK")
            if kept is not None:
                kept.unlink(missing_ok=True)
            raise
    except sqlite3.Error as exc:
        raise RefusedError(f"the restore into {target} failed, nothing changed ({exc})") from None
    finally:
        live.close()
    return kept
