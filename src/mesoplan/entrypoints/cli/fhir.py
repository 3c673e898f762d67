"""``mesoplan fhir``: protocols as FHIR PlanDefinitions, ``$apply``, and import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from .common import fail, user_errors
from .protocols import find, library
from .schedule_options import (
    DEFAULT_TIME,
    DEFAULT_ZONE,
    ClosedOpt,
    HolidayOpt,
    MaintenanceOpt,
    ScheduleOptions,
    TimeOpt,
    ZoneOpt,
    build_schedule,
)

fhir_app = typer.Typer(
    help="FHIR R4: protocols as PlanDefinitions, $apply to a patient, import.",
    no_args_is_help=True,
)


def write_json(data: Any, output: Path | None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {output}", err=True)


@fhir_app.command("protocol")
def protocol_command(
    protocol_id: str = typer.Argument(..., metavar="PROTOCOL", help="protocol id"),
    version: str | None = typer.Option(None, "--version", help="a version (default: latest)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write to this file"),
) -> None:
    """Print a protocol as an R4 PlanDefinition (JSON)."""
    from ...adapters.fhir import plan_definition

    write_json(plan_definition(find(library(), protocol_id, version)), output)


@fhir_app.command("apply")
def apply_command(
    protocol_id: str = typer.Argument(..., metavar="PROTOCOL", help="protocol id"),
    patient: str = typer.Option(..., "--patient", help="the patient's FHIR id"),
    start: str = typer.Option(..., "--start", metavar="YYYY-MM-DD", help="first session's date"),
    time: TimeOpt = DEFAULT_TIME,
    tz: ZoneOpt = DEFAULT_ZONE,
    closed: ClosedOpt = None,
    holiday: HolidayOpt = None,
    maintenance_months: MaintenanceOpt = None,
    version: str | None = typer.Option(None, "--version", help="a version (default: latest)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write to this file"),
) -> None:
    """$apply: the protocol's course for a patient from a start date, as an R4 CarePlan
    with a RequestGroup whose actions are the dated sessions (the course calendar options
    are those of `mesoplan plan --start`)."""
    from ...adapters.fhir import apply_care_plan
    from ...adapters.fhir.apply import is_fhir_id

    if not is_fhir_id(patient):
        fail(f"--patient: {patient!r} is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)")
    protocol = find(library(), protocol_id, version)
    options = ScheduleOptions(start, time, tz, closed, tuple(holiday or ()), maintenance_months)
    with user_errors():
        schedule = build_schedule(protocol, options)
        write_json(apply_care_plan(schedule, f"Patient/{patient}"), output)


@fhir_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="a PlanDefinition JSON file exported by mesoplan"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="write the protocol TOML here (default: print it)"
    ),
) -> None:
    """Import a PlanDefinition as a clinic protocol (TOML); put the file in a folder of
    MESOPLAN_PROTOCOL_PATH to use it."""
    from ...adapters.fhir import protocol_from_plan_definition, protocol_toml

    try:
        resource = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{file}: not a JSON file ({exc})")
    if not isinstance(resource, dict):
        fail(f"{file}: expected a JSON object (a PlanDefinition)")
    with user_errors():
        protocol = protocol_from_plan_definition(resource, source=str(file))
    text = protocol_toml(protocol, origin=file.name)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {output} ({protocol.key}, {protocol.content_hash})", err=True)
