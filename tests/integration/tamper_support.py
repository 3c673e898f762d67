"""Changing records behind the application's back, as whoever holds the database could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text


@contextmanager
def triggers_bypassed(engine: Engine) -> Iterator[Connection]:
    """A transaction in which the signed-record triggers do not fire: replication role
    on PostgreSQL; on SQLite the triggers dropped, then made again as they were."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            yield conn
            return
        found = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        saved = list(found)
        for name, _ in saved:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        yield conn
        for _, sql in saved:
            conn.execute(text(sql))
