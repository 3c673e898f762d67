"""``mesoplan demo``: a demo clinic with clearly fake patients, for exploring."""

from __future__ import annotations

import typer

from .common import settings
from .records_common import records_errors


def demo() -> None:
    """Add a demo clinic with clearly fake patients and a few courses.

    Creates or upgrades the database first. The demo holds stock, three courses, signed
    sessions, a flagged reaction and measurements."""
    from ...adapters.db import make_engine
    from ...adapters.db.migrate import upgrade
    from ...services.demo import DIRECTOR, DR, build_demo

    with records_errors():
        engine = make_engine(settings().resolved_database_url())
        upgrade(engine)
        summary = build_demo(engine)
    typer.echo(f"{summary.clinic}: practitioners {DR} and {DIRECTOR} (fake)")
    typer.echo(
        f"patients {list(summary.patients)}, courses {list(summary.courses)}, "
        f"sessions {list(summary.sessions)}"
    )
    typer.echo("try:")
    typer.echo(f"  export MESOPLAN_PRACTITIONER={DR}")
    typer.echo("  mesoplan patient list")
    typer.echo(f"  mesoplan patient show {summary.patients[0]}")
    typer.echo("  mesoplan recall --lot DEMO-TF1")
