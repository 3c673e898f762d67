"""``mesoplan course start|show|review|move|missed|changes`` and ``mesoplan screen``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .common import fail, settings, writes
from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    actor,
    emit,
    open_uow,
    parse_date,
    parse_pairs,
    records_errors,
)

if TYPE_CHECKING:
    from ...domain.protocol import Protocol
    from ...services.courses import CourseView

course_app = typer.Typer(help="Courses: planned, scheduled and screened.", no_args_is_help=True)


def find_protocol(protocol_id: str | None, protocol_file: Path | None) -> Protocol:
    from ...protocols.library import load_protocol, load_protocol_library

    if (protocol_id is None) == (protocol_file is None):
        fail("give --protocol ID or --protocol-file FILE (one of them)")
    if protocol_file is not None:
        return load_protocol(protocol_file)
    assert protocol_id is not None
    lib = load_protocol_library(settings().protocol_path)
    try:
        return lib.get(protocol_id, None)
    except KeyError:
        fail(f"unknown protocol {protocol_id!r}; valid: {', '.join(lib.ids())}")


@course_app.command("start")
@writes
def course_start(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    protocol: str | None = typer.Option(None, "--protocol", metavar="ID"),
    protocol_file: Path | None = typer.Option(None, "--protocol-file", metavar="FILE"),
    zone: list[str] | None = typer.Option(None, "--zone", help="A zone to treat; repeat."),
    measure: list[str] | None = typer.Option(
        None, "--measure", metavar="NAME=VALUE", help="A patient measurement for the planner."
    ),
    plan_file: Path | None = typer.Option(
        None, "--plan-file", metavar="FILE", help="An approved plan JSON instead of planning."
    ),
    start: str = typer.Option(..., "--start", metavar="YYYY-MM-DD", help="First session's date."),
    time: str = typer.Option("09:00", "--time", metavar="HH:MM", help="Local start time."),
    tz: str | None = typer.Option(None, "--tz", metavar="ZONE", help="Default: the clinic's."),
    maintenance_months: int | None = typer.Option(None, "--maintenance-months", metavar="N"),
    override: list[str] | None = typer.Option(
        None, "--override", metavar="RULE=REASON", help="Override a screening stop; repeat."
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Start a course: screen, plan, date the sessions, freeze the protocol.

    Without --plan-file the planner maps the zones; the protocol's content is kept as a
    snapshot with its hash, so editing the protocol file never changes the course."""
    import datetime as dt

    from ...domain.course import PhaseLength
    from ...services import courses, planning

    day = parse_date(start, "--start")
    try:
        at = dt.time.fromisoformat(time)
    except ValueError:
        fail(f"--time {time!r}: give HH:MM")
    overrides = parse_pairs(override, "--override")
    with records_errors():
        proto = find_protocol(protocol, protocol_file)
        if plan_file is not None:
            doc = planning.read_plan(plan_file)
        else:
            values = {
                k: _number(v, "--measure") for k, v in parse_pairs(measure, "--measure").items()
            }
            doc = planning.plan_document(
                proto, zone or [], values, max_plan_points=settings().max_plan_points
            )
        lengths = (
            {"maintenance": PhaseLength(months=maintenance_months)} if maintenance_months else None
        )
        options = courses.ScheduleOptions(day, at, tz, lengths)
        view = courses.start_course(
            open_uow(), actor(as_), patient_id, proto, doc, options, overrides
        )
    emit(view, fmt, course_lines(view))


def _number(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a number")
    if not math.isfinite(value):
        fail(f"{option}: {text!r} is not a finite number")
    return value


def course_lines(v: CourseView) -> list[str]:
    lines = [
        f"course {v.id} for patient {v.patient_id}: {v.protocol} ({v.protocol_hash[:19]}...)",
        f"  zones {', '.join(v.zones)}: {v.point_count} points, {v.volume_ml:g} mL a session",
    ]
    for s in v.sessions:
        status = s.get("status", "planned")
        mark = "" if status == "planned" else f" ({status})"
        lines.append(f"  session {s['number']:>2} {s['phase']:<12} {s['start']}{mark}")
    for visit in v.follow_up:
        lines.append(f"  follow-up {visit['date']}: {visit['reason']}")
    for f in v.findings:
        note = f" (overridden: {f.override_reason})" if f.override_reason else ""
        lines.append(f"  {f.severity}: {f.message}{note}")
    return lines


@course_app.command("show")
def course_show(
    course_id: int = typer.Argument(..., metavar="COURSE"), fmt: FormatOpt = Format.text
) -> None:
    """Show a course: protocol snapshot, zones, dated sessions, screening findings."""
    from ...services import courses

    with records_errors():
        view = courses.show_course(open_uow(), course_id)
    emit(view, fmt, course_lines(view))


@course_app.command("review")
def course_review(
    course_id: int = typer.Argument(..., metavar="COURSE"), fmt: FormatOpt = Format.text
) -> None:
    """Compare the latest measurements with the baseline, per expected outcome."""
    from ...services import measurements

    with records_errors():
        review = measurements.review_course(open_uow(), course_id)
    lines = [f"course {course_id} ({review.protocol_key})"]
    for o in review.outcomes:
        where = f" {o.site}" if o.site else ""
        change = "" if o.change is None else f", change {o.change:+g} {o.unit}"
        lines.append(f"  {o.description} [{o.measure}{where}]: {o.status}{change}")
    emit(review, fmt, lines)


def screen(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    protocol: str | None = typer.Option(None, "--protocol", metavar="ID"),
    protocol_file: Path | None = typer.Option(None, "--protocol-file", metavar="FILE"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Screen a patient's history against a protocol (writes nothing; exit 0 either way)."""
    from ...services import courses

    with records_errors():
        proto = find_protocol(protocol, protocol_file)
        view = courses.screen_patient(open_uow(), actor(as_), patient_id, proto)
    lines = [
        f"patient {patient_id} against {view.protocol}: {'BLOCKED' if view.blocked else 'clear'}"
    ]
    lines += [f"  {f.severity} {f.rule_id}: {f.message}" for f in view.findings]
    emit(view, fmt, lines)


ReasonOpt = typer.Option(..., "--reason", metavar="TEXT", help="Why (kept in the history).")


@course_app.command("move")
def course_move(
    course_id: int = typer.Argument(..., metavar="COURSE"),
    number: int = typer.Argument(..., metavar="SESSION", min=1, max=1000),
    to: str = typer.Option(..., "--to", metavar="YYYY-MM-DD", help="The session's new date."),
    time: str | None = typer.Option(
        None, "--time", metavar="HH:MM", help="Local start time (default: as planned)."
    ),
    reason: str = ReasonOpt,
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Move one session; the sessions after it follow with the protocol's intervals.

    The calendar rules the course was planned with apply (windows, the protocol's
    minimum days between sessions); a charted session never moves."""
    import datetime as dt

    from ...services import schedule_changes

    day = parse_date(to, "--to")
    at = None
    if time is not None:
        try:
            at = dt.time.fromisoformat(time)
        except ValueError:
            fail(f"--time {time!r}: give HH:MM")
    with records_errors():
        view = schedule_changes.move_session(
            open_uow(), actor(as_), course_id, number, day, reason, at=at
        )
    emit(view, fmt, course_lines(view))


@course_app.command("missed")
def course_missed(
    course_id: int = typer.Argument(..., metavar="COURSE"),
    number: int = typer.Argument(..., metavar="SESSION", min=1, max=1000),
    reason: str = ReasonOpt,
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Mark a session missed: it is rebooked on the first day from today that the
    protocol allows, and the sessions after it follow."""
    from ...services import schedule_changes

    with records_errors():
        view = schedule_changes.mark_missed(open_uow(), actor(as_), course_id, number, reason)
    emit(view, fmt, course_lines(view))


@course_app.command("changes")
def course_changes(
    course_id: int = typer.Argument(..., metavar="COURSE"), fmt: FormatOpt = Format.text
) -> None:
    """The history of a course's schedule: who changed what, when and why, and the
    sessions' dates before each change."""
    from ...services import schedule_changes

    with records_errors():
        history = schedule_changes.schedule_history(open_uow(), course_id).items
    lines = [f"course {course_id}: {len(history)} schedule change(s)"]
    for c in history:
        what = f" session {c.session_number} {c.from_date} -> {c.to_date}"
        when = c.changed_at.strftime("%Y-%m-%d %H:%M")
        head = f"  r{c.revision} {when}Z {c.changed_by} {c.action}"
        lines.append(f"{head}{what if c.session_number else ''}: {c.reason}")
        lines.append("    before: " + ", ".join(str(s["date"]) for s in c.previous_sessions))
    emit(list(history), fmt, lines)
