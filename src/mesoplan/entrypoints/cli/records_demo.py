"""``mesoplan demo``: a demo clinic with clearly fake patients, for exploring."""

from __future__ import annotations

import typer

from .records_common import records_engine, records_errors, upgrade_schema


def demo() -> None:
    """Add a demo clinic with clearly fake patients and a few courses.

    Creates or upgrades the database first. The demo holds stock, three courses, signed
    sessions, a flagged reaction and measurements."""
    from ...services.demo import DIRECTOR, DR, build_demo

    engine = records_engine()
    upgrade_schema(engine)
    with records_errors():
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
