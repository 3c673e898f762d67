"""``mesoplan reaction add`` and ``mesoplan measure add|list|plot``."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import fail, writes
from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    actor,
    emit,
    open_uow,
    parse_when,
    records_errors,
)

reaction_app = typer.Typer(help="Reactions after a session, flagged.", no_args_is_help=True)
measure_app = typer.Typer(help="Outcome measurements and photos.", no_args_is_help=True)


@reaction_app.command("add")
@writes
def reaction_add(
    session_id: int = typer.Argument(..., metavar="SESSION"),
    kind: str = typer.Option(..., "--kind", help="e.g. redness, oedema, bruising, nodule"),
    zone: str = typer.Option(..., "--zone", help="Where, e.g. thigh-left-lateral."),
    onset: str = typer.Option(..., "--onset", metavar="WHEN", help="When it began."),
    duration_min: float | None = typer.Option(None, "--duration-min", help="How long it lasted."),
    duration_days: float | None = typer.Option(None, "--duration-days", help="The same in days."),
    severity: str = typer.Option("mild", "--severity", help="mild, moderate or severe"),
    resolved: bool = typer.Option(False, "--resolved", help="It is over (give its duration)."),
    note: str = typer.Option("", "--note"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Record a reaction after a session, flagged against the protocol.

    A possible atypical mycobacterial infection lists every other patient who received
    any lot of the session's mix."""
    from ...services import clinics, reactions

    if duration_min is not None and duration_days is not None:
        fail("give --duration-min or --duration-days, not both")
    minutes = duration_days * 1440 if duration_days is not None else duration_min
    with records_errors():
        uow, who = open_uow(), actor(as_)
        when = parse_when(onset, "--onset", clinics.clinic_timezone(uow, who))
        assert when is not None
        view = reactions.record_reaction(
            uow, who, session_id, kind, zone, when, severity, minutes, resolved, note
        )
    lines = [f"reaction {view.id}: {view.kind} at {view.zone} after session {view.session_id}"]
    lines += [f"  FLAGGED {f['code']}: {f['message']}" for f in view.flags]
    if view.exposed:
        patients = sorted({r.patient_id for r in view.exposed})
        lines.append(f"  other patients who received this session's lots: {patients}")
        lines += [
            f"    patient {r.patient_id} {r.patient}: session {r.session_id} on "
            f"{r.performed_at:%Y-%m-%d}, {r.product} lot {r.lot_number} vial {r.vial or '-'}"
            for r in view.exposed
        ]
    emit(view, fmt, lines)


@measure_app.command("add")
@writes
def measure_add(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    kind: str = typer.Argument(..., metavar="KIND", help="e.g. thigh_circumference_cm, photo"),
    value: str | None = typer.Argument(None, metavar="VALUE", help="Not for a photo."),
    at: str | None = typer.Option(None, "--at", metavar="WHEN", help="Default: now."),
    site: str | None = typer.Option(None, "--site", help="e.g. left, right"),
    height_cm: float | None = typer.Option(
        None, "--height-cm", help="Thigh: height above the top of the kneecap, in cm."
    ),
    course_id: int | None = typer.Option(None, "--course", metavar="COURSE"),
    photo: str | None = typer.Option(None, "--photo", metavar="FILE", help="A photo's file."),
    camera: str = typer.Option("", "--camera"),
    lighting: str = typer.Option("", "--lighting"),
    pose: str = typer.Option("", "--pose"),
    note: str = typer.Option("", "--note"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Record an outcome measurement (or a photo by file reference)."""
    from datetime import UTC, datetime

    from ...domain.outcomes import Measurement, PhotoRef, parse_value
    from ...services import clinics, measurements

    with records_errors():
        uow, who = open_uow(), actor(as_)
        when = parse_when(at, "--at", clinics.clinic_timezone(uow, who)) or datetime.now(UTC)
        number = parse_value(kind, value) if value is not None else None
        picture = PhotoRef(photo, camera, lighting, pose) if photo else None
        m = Measurement(kind, when, number, site, height_cm, picture, note)
        view = measurements.record_measurement(uow, who, patient_id, m, course_id)
    shown = view.photo_file if view.kind == "photo" else f"{view.value:g} {view.unit}"
    emit(view, fmt, [f"measurement {view.id}: {view.kind} {shown} at {view.taken_at:%Y-%m-%d}"])


@measure_app.command("list")
def measure_list(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    kind: str | None = typer.Option(None, "--kind"),
    fmt: FormatOpt = Format.text,
) -> None:
    """A patient's measurements, oldest first."""
    from ...services import measurements

    with records_errors():
        views = measurements.list_measurements(open_uow(), patient_id, kind)
    lines = [
        f"{v.id:>5} {v.taken_at:%Y-%m-%d} {v.kind:<34} "
        + ((v.photo_file or "") if v.kind == "photo" else f"{v.value:g} {v.unit}")
        + (f" ({v.site})" if v.site else "")
        for v in views
    ]
    emit(views, fmt, lines or ["no measurements"])


@measure_app.command("plot")
def measure_plot(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE.svg"),
    course_id: int | None = typer.Option(None, "--course", metavar="COURSE"),
) -> None:
    """Write the patient's outcome plot (SVG); with --course, against its protocol."""
    from ...services import measurements

    with records_errors():
        svg = measurements.outcome_plot(open_uow(), patient_id, course_id)
    try:
        output.write_text(svg, encoding="utf-8")
    except OSError as exc:
        fail(f"--output {output}: cannot write ({exc.strerror})")
    typer.echo(f"wrote {output}")
