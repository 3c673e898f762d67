"""``mesoplan db upgrade|status``, ``mesoplan backup FILE`` and ``mesoplan restore FILE``."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import settings
from .records_common import records_errors

db_app = typer.Typer(
    help="The records database: create or upgrade its schema.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade() -> None:
    """Create the records schema, or bring it to the newest migration (safe to repeat)."""
    from ...adapters.db import make_engine
    from ...adapters.db.migrate import current_revision, upgrade

    url = settings().resolved_database_url()
    with records_errors():
        engine = make_engine(url)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    typer.echo(f"{_safe(url)}: {state} revision {after}")


@db_app.command("status")
def status() -> None:
    """Show the database URL and its schema revision against the newest migration."""
    from ...adapters.db import make_engine
    from ...adapters.db.migrate import current_revision, head_revision

    url = settings().resolved_database_url()
    with records_errors():
        current = current_revision(make_engine(url))
    head = head_revision()
    note = "up to date" if current == head else "run `mesoplan db upgrade`"
    typer.echo(f"{_safe(url)}: revision {current or 'none'} (newest {head}): {note}")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def backup(
    file: Path = typer.Argument(..., metavar="FILE", help="the backup file to write"),
) -> None:
    """Copy the SQLite database to FILE (SQLite's online backup API).

    For PostgreSQL use pg_dump; see docs/records.md."""
    from ...adapters.db import backup as b

    with records_errors():
        written = b.backup(settings().resolved_database_url(), file)
    typer.echo(f"backed up to {written}")


def restore(
    file: Path = typer.Argument(..., metavar="FILE", help="a backup made by `mesoplan backup`"),
) -> None:
    """Replace the SQLite database with a backup; the current one is kept beside it first."""
    from datetime import UTC, datetime

    from ...adapters.db import backup as b

    with records_errors():
        kept = b.restore(settings().resolved_database_url(), file, datetime.now(UTC))
    if kept is not None:
        typer.echo(f"the database before the restore is kept as {kept}")
    typer.echo(f"restored from {file}; run `mesoplan db upgrade` if the backup is older")
