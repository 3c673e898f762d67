"""``mesoplan db upgrade|status``, ``mesoplan backup FILE`` and ``mesoplan restore FILE``."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import settings
from .records_common import records_engine, records_errors, require_schema, upgrade_schema

db_app = typer.Typer(
    help="The records database: create or upgrade its schema.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade() -> None:
    """Create the records schema, or bring it to the newest migration (safe to repeat)."""
    from ...adapters.db.engine import shown_url

    engine = records_engine()
    before, after = upgrade_schema(engine)
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    typer.echo(f"{shown_url(engine.url)}: {state} revision {after}")


@db_app.command("status")
def status() -> None:
    """Show the database URL and its schema revision against the newest migration."""
    from ...adapters.db import revision
    from ...adapters.db.engine import shown_url

    engine = records_engine()
    current = require_schema(engine, upgradable=True)
    head = revision.head()
    note = "up to date" if current == head else "run `mesoplan db upgrade`"
    typer.echo(f"{shown_url(engine.url)}: revision {current or 'none'} (newest {head}): {note}")


def backup(
    file: Path = typer.Argument(..., metavar="FILE", help="the backup file to write"),
) -> None:
    """Copy the database to FILE (a new file), safely while mesoplan runs.

    FILE's folder must exist. SQLite: its online backup API; PostgreSQL: pg_dump in
    custom format (restore it with `mesoplan restore`)."""
    from ...adapters.db import backup as b
    from ...adapters.db import backup_pg

    url = settings().resolved_database_url()
    with records_errors():
        if b.is_sqlite(url):  # not opened first: that would make an empty database
            written = b.backup(url, file)
        else:
            engine = records_engine()
            written = backup_pg.backup(engine.url, file, settings().db_connect_timeout_s)
    typer.echo(f"backed up to {written}")


def restore(
    file: Path = typer.Argument(..., metavar="FILE", help="a backup made by `mesoplan backup`"),
) -> None:
    """Replace the database's content with a backup made by `mesoplan backup`.

    The backup must be a mesoplan database of a known revision. The current content is
    kept first under a new name; SQLite is restored in place (a running server keeps its
    file), waiting up to 10 s for other writers; PostgreSQL with pg_restore in one
    transaction."""
    from datetime import UTC, datetime

    from ...adapters.db import backup as b
    from ...adapters.db import backup_pg

    engine = records_engine()
    now = datetime.now(UTC)
    with records_errors():
        if engine.dialect.name == "sqlite":
            kept = b.restore(engine.url.render_as_string(hide_password=False), file, now)
        else:
            kept = backup_pg.restore(engine.url, file, now, settings().db_connect_timeout_s)
    if kept is not None:
        typer.echo(f"the database before the restore is kept as {kept}")
    typer.echo(f"restored from {file}; run `mesoplan db upgrade` if the backup is older")
