"""The course-calendar options of ``mesoplan plan``: parsing, validation, rendering.

``--start YYYY-MM-DD [--time HH:MM] [--tz ZONE] [--closed sat,sun] [--holiday
YYYY-MM-DD ...] [--maintenance-months N]``. Every bad value raises a ScheduleError with
one line naming the option and what would be valid (``user_errors()`` turns it into
exit code 2). The domain and icalendar are imported inside the functions: ``mesoplan
plan`` without ``--start`` never loads them.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ...domain.course import CourseSchedule
    from ...domain.plan_model import Plan
    from ...domain.protocol import Protocol

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME = "09:00"
DEFAULT_ZONE = "UTC"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")

StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start",
        metavar="YYYY-MM-DD",
        help="Date the course's sessions from this day (adds sessions and follow_up).",
    ),
]
TimeOpt = Annotated[
    str, typer.Option("--time", metavar="HH:MM", help="Local start time of each session.")
]
ZoneOpt = Annotated[str, typer.Option("--tz", metavar="ZONE", help="The clinic's IANA time zone.")]
ClosedOpt = Annotated[
    str | None,
    typer.Option("--closed", metavar="DAYS", help="Weekdays the clinic is closed, e.g. sat,sun."),
]
HolidayOpt = Annotated[
    list[str] | None,
    typer.Option("--holiday", metavar="YYYY-MM-DD", help="A closed date; repeat as needed."),
]
MaintenanceOpt = Annotated[
    int | None,
    typer.Option(
        "--maintenance-months",
        metavar="N",
        help="Length of the maintenance phase in months (default: the protocol's).",
    ),
]


@dataclass(frozen=True)
class ScheduleOptions:
    """The raw option strings, as typed."""

    start: str
    time: str = DEFAULT_TIME
    tz: str = DEFAULT_ZONE
    closed: str | None = None
    holidays: Sequence[str] = field(default_factory=tuple)
    maintenance_months: int | None = None

    @classmethod
    def of(
        cls,
        start: str | None,
        time: str = DEFAULT_TIME,
        tz: str = DEFAULT_ZONE,
        closed: str | None = None,
        holidays: Sequence[str] | None = None,
        maintenance_months: int | None = None,
    ) -> ScheduleOptions | None:
        """The options as the command got them; ``None`` without ``--start``."""
        if start is None:
            return None
        return cls(start, time, tz, closed, tuple(holidays or ()), maintenance_months)


def _error(message: str) -> Exception:
    from ...domain.errors import ScheduleError

    return ScheduleError(message)


def parse_date(text: str, option: str) -> dt.date:
    value = text.strip()
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _error(
            f"{option} {text!r} is not a date; valid: a calendar date YYYY-MM-DD, e.g. 2025-03-03"
        ) from None
    from .bounds import check_date

    return check_date(day, option)


def parse_time(text: str) -> dt.time:
    value = text.strip()
    try:
        if not _TIME.match(value):
            raise ValueError(value)
        hours, minutes = (int(part) for part in value.split(":"))
        return dt.time(hours, minutes)
    except ValueError:
        raise _error(
            f"--time {text!r} is not a time; valid: HH:MM on a 24-hour clock, e.g. 09:30"
        ) from None


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {n: i for i, n in enumerate(WEEKDAY_NAMES)} | {n: i for i, n in enumerate(_FULL_NAMES)}


def parse_weekdays(text: str) -> frozenset[int]:
    """``sat,sun`` -> {5, 6} (0 is Monday); full names are accepted too."""
    days: set[int] = set()
    for part in text.split(","):
        key = part.strip().lower()
        if key not in _WEEKDAYS:
            raise _error(
                f"--closed: unknown weekday {part.strip()!r}; valid: a comma-separated "
                f"list of {', '.join(WEEKDAY_NAMES)}"
            )
        days.add(_WEEKDAYS[key])
    if len(days) == 7:
        raise _error("--closed closes every weekday; the clinic must open on at least one")
    return frozenset(days)


def parse_holidays(texts: Sequence[str]) -> list[dt.date]:
    """Dates from repeated ``--holiday`` options (each may also hold a comma list)."""
    return [
        parse_date(part, "--holiday") for text in texts for part in text.split(",") if part.strip()
    ]


def build_schedule(protocol: Protocol, options: ScheduleOptions) -> CourseSchedule:
    """The course calendar of ``protocol`` for these options (ScheduleError if invalid)."""
    from ...domain.clinic_calendar import ClinicCalendar, clinic_zone
    from ...domain.course import PhaseLength
    from ...domain.scheduling import schedule_course

    start = parse_date(options.start, "--start")
    at = parse_time(options.time)
    zone = clinic_zone(options.tz)
    closed = parse_weekdays(options.closed) if options.closed else frozenset()
    calendar = ClinicCalendar.closed_on(closed, parse_holidays(options.holidays))
    lengths = None
    if options.maintenance_months is not None:
        _check_maintenance(protocol, options.maintenance_months)
        lengths = {"maintenance": PhaseLength(months=options.maintenance_months)}
    return schedule_course(
        protocol, start, at=at, zone=zone, calendar=calendar, phase_lengths=lengths
    )


MAX_MAINTENANCE_MONTHS = 120
"""Ten years: a longer maintenance phase is not a plan."""


def _check_maintenance(protocol: Protocol, months: int) -> None:
    if not 1 <= months <= MAX_MAINTENANCE_MONTHS:
        raise _error(
            f"--maintenance-months {months}; valid: a whole number of months, 1 to "
            f"{MAX_MAINTENANCE_MONTHS}"
        )
    names = [p.name for p in protocol.phases]
    if "maintenance" not in names:
        raise _error(
            f"--maintenance-months: protocol {protocol.id!r} has no maintenance phase "
            f"(phases: {', '.join(names)})"
        )


def schedule_json_for(protocol: Protocol, options: ScheduleOptions) -> dict[str, Any]:
    """The ``sessions`` and ``follow_up`` keys for the plan JSON; warnings go to stderr."""
    from ...adapters.schedule_json import schedule_json

    schedule = build_schedule(protocol, options)
    _warn(schedule)
    return dict(schedule_json(schedule))


def schedule_ics_for(
    protocol: Protocol, options: ScheduleOptions, zones: Sequence[str] | None = None
) -> str:
    """The course as iCalendar text (a VEVENT per session and follow-up visit); warnings
    go to stderr."""
    from ...adapters.ical import course_ics

    schedule = build_schedule(protocol, options)
    _warn(schedule)
    return course_ics(schedule, zones=zones)


def _warn(schedule: CourseSchedule) -> None:
    for warning in schedule.warnings:
        sys.stderr.write(f"warning: {warning}\n")


def with_schedule(
    plan: Plan,
    protocol: Protocol,
    fmt: str,
    render_plan: Callable[[], str],
    options: ScheduleOptions | None,
) -> str:
    """The output of ``mesoplan plan``: the plan as rendered, with the course calendar
    when ``--start`` is given (JSON: ``sessions`` and ``follow_up`` keys; text: a
    session list; ``ics``: the calendar itself)."""
    if options is None:
        if fmt == "ics":
            raise _error("--format ics needs --start YYYY-MM-DD (the day of the first session)")
        return render_plan()
    schedule = build_schedule(protocol, options)
    _warn(schedule)
    if fmt == "ics":
        from ...adapters.ical import course_ics

        return course_ics(schedule, zones=[zp.zone.id for zp in plan.zones])
    if fmt == "json":
        from ...adapters.plan_output import dumps, plan_to_dict
        from ...adapters.schedule_json import schedule_json

        return dumps({**plan_to_dict(plan), **schedule_json(schedule)})
    if fmt == "text":
        return render_plan() + "".join(line + "\n" for line in schedule_text(schedule))
    sys.stderr.write(
        f"warning: --format {fmt} has no place for the course calendar; "
        "--start adds it to text and json output, and --format ics writes it\n"
    )
    return render_plan()


def schedule_text(schedule: CourseSchedule) -> list[str]:
    """The course calendar as lines of text."""
    lines = [f"Course calendar ({schedule.request.zone.key}):"]
    for s in schedule.sessions:
        lines.append(
            f"  {s.number:>2}  {s.phase:<12} {s.start:%a %Y-%m-%d %H:%M}"
            f"  (window {s.window_start} to {s.window_end})"
        )
    for f in schedule.follow_ups:
        lines.append(f"  follow-up   {f.start:%a %Y-%m-%d}  {f.reason}")
    return lines
