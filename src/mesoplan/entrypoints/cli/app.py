"""The root ``mesoplan`` command and its groups."""

from __future__ import annotations

from typing import Any

import typer

from .lazy import lazy_group

# Commands are registered by name and imported only when they run (or help lists them):
# "name": "module:attribute", where the attribute is a typer.Typer (a command group) or a
# command function. So `mesoplan plan` never pays for another command's imports. To add
# a command or group: one line here; keep heavy imports inside your command functions.
COMMANDS: dict[str, str] = {
    "protocols": "mesoplan.entrypoints.cli.protocols:protocols_app",
    "fhir": "mesoplan.entrypoints.cli.fhir:fhir_app",
    "export": "mesoplan.entrypoints.cli.export:export_app",
    "zones": "mesoplan.entrypoints.cli.zones:zones_app",
    "plan": "mesoplan.entrypoints.cli.plan:plan_command",
    "demo-plans": "mesoplan.entrypoints.cli.demo:demo_plans",
    "db": "mesoplan.entrypoints.cli.database:db_app",
    "backup": "mesoplan.entrypoints.cli.database:backup",
    "restore": "mesoplan.entrypoints.cli.database:restore",
    "clinic": "mesoplan.entrypoints.cli.people:clinic_app",
    "practitioner": "mesoplan.entrypoints.cli.people:practitioner_app",
    "patient": "mesoplan.entrypoints.cli.people:patient_app",
    "course": "mesoplan.entrypoints.cli.courses:course_app",
    "screen": "mesoplan.entrypoints.cli.courses:screen",
    "session": "mesoplan.entrypoints.cli.charting:session_app",
    "stock": "mesoplan.entrypoints.cli.stock:stock_app",
    "vial": "mesoplan.entrypoints.cli.stock:vial_app",
    "recall": "mesoplan.entrypoints.cli.stock:recall",
    "reaction": "mesoplan.entrypoints.cli.followup:reaction_app",
    "measure": "mesoplan.entrypoints.cli.followup:measure_app",
    "demo": "mesoplan.entrypoints.cli.records_demo:demo",
    "serve": "mesoplan.entrypoints.cli.serve:serve",
    "audit": "mesoplan.entrypoints.cli.audit:audit_app",
    "worklist": "mesoplan.entrypoints.cli.worklist:worklist",
    "calendar": "mesoplan.entrypoints.cli.calendar_feeds:calendar_app",
    "reminders": "mesoplan.entrypoints.cli.reminders:reminders_app",
}

app = typer.Typer(
    cls=lazy_group(COMMANDS),
    name="mesoplan",
    help=(
        "Plan, chart and follow mesotherapy courses. A planning and documentation tool "
        "for licensed practitioners; not medical advice."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from ... import __version__

        typer.echo(f"mesoplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Plan, chart and follow mesotherapy courses (not medical advice)."""


def write_commands() -> list[str]:
    """Every command that writes records (marked with ``common.writes``), by its path
    (``session sign``), walked from :data:`COMMANDS`."""
    from .common import WRITES
    from .lazy import load_command

    def walk(command: Any, path: list[str]) -> list[str]:
        subs = getattr(command, "commands", None)
        if subs is not None:
            return [p for name in sorted(subs) for p in walk(subs[name], [*path, name])]
        return [" ".join(path)] if getattr(command.callback, WRITES, False) else []

    return [
        p for name, target in COMMANDS.items() for p in walk(load_command(name, target), [name])
    ]


def main() -> None:
    """Console-script entry point."""
    app()
