"""``mesoplan plan``: the injection map of one session over some zones.

This module imports only typer at its top: the planner (NumPy, shapely) and the output
adapters are imported inside the command, so ``mesoplan plan`` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .common import fail, settings, user_errors
from .schedule_options import (
    DEFAULT_TIME,
    DEFAULT_ZONE,
    ClosedOpt,
    HolidayOpt,
    MaintenanceOpt,
    StartOpt,
    TimeOpt,
    ZoneOpt,
)

if TYPE_CHECKING:
    from ...domain.plan_model import Plan
    from ...domain.protocol import Protocol


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    svg = "svg"
    csv = "csv"
    ics = "ics"


def load_protocol_choice(protocol_id: str | None, protocol_file: Path | None) -> Protocol:
    """``--protocol ID`` from the library, or ``--protocol-file FILE``; exactly one."""
    from .protocols import find, library

    if (protocol_id is None) == (protocol_file is None):
        from ...protocols.library import BUILTIN_IDS

        fail(
            "give --protocol ID (built-in: " + ", ".join(BUILTIN_IDS) + ", or a clinic "
            "protocol) or --protocol-file FILE: one of the two"
        )
    if protocol_file is not None:
        from ...protocols.library import read_protocol

        with user_errors():
            read = read_protocol(protocol_file)
        for w in read.warnings:
            sys.stderr.write(f"warning: {w}\n")
        return read.protocol
    assert protocol_id is not None
    from ...protocols.library import BUILTIN_IDS

    if protocol_id in BUILTIN_IDS and not settings().protocol_path:
        # Only the built-ins are in the library: read just the one asked for.
        from ...protocols.library import builtin_protocol

        return builtin_protocol(protocol_id)
    return find(library(), protocol_id, None)


def render(the_plan: Plan, fmt: PlanFormat) -> str:
    """The plan as text, JSON, SVG or CSV."""
    from ...adapters import plan_output

    if fmt is PlanFormat.json:
        return plan_output.plan_to_json(the_plan)
    if fmt is PlanFormat.csv:
        return plan_output.plan_to_csv(the_plan)
    if fmt is PlanFormat.svg:
        from ...adapters.svg import plan_to_svg

        return plan_to_svg(the_plan)
    return "\n".join(plan_output.plan_summary(the_plan)) + "\n"


def write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--output {output}: cannot write the file ({exc.strerror})")
    typer.echo(f"wrote {output}")


def plan_command(
    protocol_id: str | None = typer.Option(None, "--protocol", metavar="ID", help="Protocol id."),
    protocol_file: Path | None = typer.Option(
        None, "--protocol-file", metavar="FILE", help="A protocol file (TOML) instead."
    ),
    zone: list[str] | None = typer.Option(
        None, "--zone", metavar="ZONE", help="A zone id (mesoplan zones list) or a GeoJSON file."
    ),
    measure: list[str] | None = typer.Option(
        None, "--measure", metavar="NAME=VALUE", help="A patient measurement in cm."
    ),
    spacing_cm: float | None = typer.Option(None, "--spacing-cm", metavar="X", help="Spacing."),
    depth_mm: float | None = typer.Option(None, "--depth-mm", metavar="X", help="Depth."),
    volume_ml: list[str] | None = typer.Option(
        None, "--volume-ml", metavar="GROUP=X", help="Volume of a format 1 rule (GROUP's)."
    ),
    budget_ml: list[str] | None = typer.Option(
        None, "--budget-ml", metavar="GROUP=X", help="Budget (mL) of the rule of GROUP."
    ),
    dose_ml: list[str] | None = typer.Option(
        None, "--dose-ml", metavar="GROUP=X", help="Dose per point (mL) of GROUP's rule."
    ),
    pattern: str = typer.Option("hex", "--pattern", metavar="hex|square", help="Lattice."),
    patch: list[Path] | None = typer.Option(
        None, "--patch", metavar="FILE", help="Treatment patch (GeoJSON polygon, cm)."
    ),
    exclude: list[str] | None = typer.Option(
        None, "--exclude", metavar="circle:X,Y,R", help="Keep points off (margin: half a spacing)."
    ),
    override: list[str] | None = typer.Option(
        None, "--override", metavar="FIELD=VALUE", help="Go outside the protocol's range."
    ),
    reason: str | None = typer.Option(None, "--reason", metavar="TEXT", help="Why (required)."),
    fmt: PlanFormat = typer.Option(PlanFormat.text, "--format", help="text|json|svg|csv|ics"),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write here."),
    start: StartOpt = None,
    session_time: TimeOpt = DEFAULT_TIME,
    tz: ZoneOpt = DEFAULT_ZONE,
    closed: ClosedOpt = None,
    holiday: HolidayOpt = None,
    maintenance_months: MaintenanceOpt = None,
) -> None:
    """Plan the injection map of one session: points, depth and dose per point."""
    from . import plan_args

    if not zone:
        fail("give at least one --zone ZONE (mesoplan zones list shows them)")
    protocol = load_protocol_choice(protocol_id, protocol_file)
    with user_errors():
        from ...domain.planner import plan

        the_plan = plan(
            protocol,
            plan_args.zones(zone),
            measurements=plan_args.name_values(measure or [], "--measure", "NAME"),
            spacing_cm=spacing_cm,
            depth_mm=depth_mm,
            volume_ml=plan_args.name_values(volume_ml or [], "--volume-ml", "GROUP"),
            budget_ml=plan_args.name_values(budget_ml or [], "--budget-ml", "GROUP"),
            dose_per_point_ml=plan_args.name_values(dose_ml or [], "--dose-ml", "GROUP"),
            pattern=pattern,
            patches=plan_args.patches(patch or []),
            exclusions=plan_args.exclusions(exclude or []),
            overrides=plan_args.overrides(override or [], reason),
            max_plan_points=settings().max_plan_points,
        )
    from .schedule_options import ScheduleOptions, with_schedule

    dates = ScheduleOptions.of(start, session_time, tz, closed, holiday, maintenance_months)
    with user_errors():
        text = with_schedule(the_plan, protocol, fmt.value, lambda: render(the_plan, fmt), dates)
    if fmt is not PlanFormat.text:  # warnings of a plan that is written, not of a refusal
        for w in the_plan.warnings:
            sys.stderr.write(f"warning: [{w.code}] {w.message}\n")
    write(text, output)
