"""Alembic environment: runs online against the connection handed in by mesoplan, or
against ``sqlalchemy.url`` / ``MESOPLAN_DATABASE_URL`` when run by the ``alembic`` tool."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from mesoplan.adapters.db import make_engine, metadata
from mesoplan.config import Settings


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or (
        Settings.from_env().resolved_database_url()
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) mode is not supported; run mesoplan db upgrade")
run_migrations_online()
