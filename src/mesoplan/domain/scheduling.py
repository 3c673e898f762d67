"""Scheduling: a course's dated sessions from a protocol's phases, and its follow-up visits.

Pure scheduling: the start date, the clinic's calendar and (for rescheduling) today's
date are passed in; nothing here reads the clock. The rules are in docs/calendar.md:

- The first session is on the start date; a phase starts one of its own intervals after
  the last session of the phase before.
- Day intervals count from the date actually used for the session before. Month
  intervals count calendar months from the phase's origin (the course start, or the last
  session of the phase before), clamped to the month's end: 31 Jan, 28 Feb, 31 Mar.
- A session on a closed day moves to the nearest open day inside its window; at equal
  distance the later day is tried first. No open day fits: the date is kept, with a
  warning. No session is ever closer than its phase's minimum interval
  (``min_interval_days``, or ``min_interval_months`` counted as above) to the one before.
- A course never has more than the protocol's ``max_sessions``: sessions past it are left
  out (the latest phases lose them first), with a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .clinic_calendar import ClinicCalendar, WindowSettings, add_months, clinic_zone
from .course import (
    CourseRequest,
    CourseSchedule,
    Fixed,
    FollowUp,
    FollowUpKind,
    PhaseLength,
    ScheduledSession,
    SessionStatus,
)
from .errors import ScheduleError
from .protocol import Phase, Protocol

_UTC = dt.UTC


def schedule_course(
    protocol: Protocol,
    start: dt.date,
    *,
    at: dt.time = dt.time(9, 0),
    zone: ZoneInfo | str = "UTC",
    calendar: ClinicCalendar | None = None,
    windows: WindowSettings | None = None,
    phase_lengths: Mapping[str, PhaseLength] | None = None,
    duration_min: int = 30,
    course_id: str | None = None,
) -> CourseSchedule:
    """Date every session of ``protocol`` from ``start`` (see the module doc for the rules).

    ``phase_lengths`` overrides the length of named phases (e.g. ``{"maintenance":
    PhaseLength(months=6)}``). Raises ScheduleError for an unknown phase name, a time
    outside the opening hours or an unknown time zone.
    """
    tz = clinic_zone(zone) if isinstance(zone, str) else zone
    request = CourseRequest(
        start=start,
        at=at,
        zone=tz,
        calendar=calendar or ClinicCalendar(),
        windows=windows or WindowSettings(),
        phase_lengths=tuple((phase_lengths or {}).items()),
        duration_min=duration_min,
    )
    _check_request(protocol, request)
    sessions, warnings = lay_out(protocol, request, None, {})
    follow_ups, more = follow_up_visits(protocol, request, sessions)
    return CourseSchedule(
        course_id=course_id or _course_id(protocol, request),
        protocol=protocol,
        request=request,
        sessions=tuple(sessions),
        follow_ups=tuple(follow_ups),
        warnings=tuple(warnings + more),
    )


def _check_request(protocol: Protocol, request: CourseRequest) -> None:
    names = [p.name for p in protocol.phases]
    unknown = [name for name, _ in request.phase_lengths if name not in names]
    if unknown:
        raise ScheduleError(
            f"protocol {protocol.id!r} has no phase {unknown[0]!r}; valid: {', '.join(names)}"
        )
    if request.duration_min <= 0:
        raise ScheduleError(f"session duration must be > 0 minutes, got {request.duration_min}")
    request.calendar.check_hours(request.at, request.duration_min)


def _course_id(protocol: Protocol, request: CourseRequest) -> str:
    text = f"{protocol.key}|{request.start}|{request.at:%H:%M}|{request.zone.key}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Cursor:
    """Where the layout stands: the last date used, and the month grid's origin."""

    prev: dt.date | None
    anchor: dt.date
    step: int


def lay_out(
    protocol: Protocol,
    request: CourseRequest,
    counts: Sequence[int] | None,
    fixed: Mapping[int, Fixed],
) -> tuple[list[ScheduledSession], list[str]]:
    """Every session in order. ``counts`` fixes each phase's number of sessions (as first
    planned); ``fixed`` holds sessions whose date is known, by number."""
    sessions: list[ScheduledSession] = []
    warnings: list[str] = []
    cur = _Cursor(prev=None, anchor=request.start, step=0)
    left_out = 0
    for index, phase in enumerate(protocol.phases):
        if cur.prev is not None:
            cur.anchor, cur.step = cur.prev, 1
        count = counts[index] if counts is not None else _count(request, phase, cur)
        allowed = _allowed(protocol, len(sessions), count)
        left_out += count - allowed
        for _ in range(allowed):
            number = len(sessions) + 1
            session = _place(request, phase, number, cur, fixed.get(number), warnings)
            sessions.append(session)
            if (f := fixed.get(number)) is not None and f.reanchor:
                cur.anchor, cur.step = session.date, 0
            cur.prev = session.date
            cur.step += 1
    if left_out:
        warnings.append(
            f"the protocol allows at most {protocol.max_sessions} sessions in a course "
            f"(max_sessions): {left_out} more session(s) of the phases' lengths are left out"
        )
    return sessions, warnings


def _allowed(protocol: Protocol, planned: int, count: int) -> int:
    """How many of a phase's ``count`` sessions fit under ``max_sessions`` after
    ``planned`` sessions of the phases before."""
    if protocol.max_sessions is None:
        return count
    return max(0, min(count, protocol.max_sessions - planned))


def step_date(phase: Phase, origin: dt.date, steps: int) -> dt.date:
    """``steps`` intervals of ``phase`` after ``origin``."""
    if phase.interval_months is not None:
        return add_months(origin, steps * phase.interval_months)
    assert phase.interval_days is not None
    return origin + dt.timedelta(days=steps * phase.interval_days)


def _count(request: CourseRequest, phase: Phase, cur: _Cursor) -> int:
    """Sessions in a phase: as given, or as many intervals as fit in its span. A chained
    phase spans (origin, origin + length]; the first phase [start, start + length)."""
    length = request.length_of(phase)
    if length.sessions is not None:
        return length.sessions
    origin = cur.anchor
    if length.months is not None:
        end = add_months(origin, length.months)
    else:
        assert length.days is not None
        end = origin + dt.timedelta(days=length.days)
    first = cur.prev is None
    steps = 0 if first else 1
    count = 0
    while (d := step_date(phase, origin, steps)) < end or (not first and d == end):
        count += 1
        steps += 1
    return max(count, 1)


def _nominal(request: CourseRequest, phase: Phase, cur: _Cursor) -> dt.date:
    if cur.prev is None:
        return request.start
    if phase.interval_months is not None:
        return step_date(phase, cur.anchor, cur.step)
    return step_date(phase, cur.prev, 1)


def _place(
    request: CourseRequest,
    phase: Phase,
    number: int,
    cur: _Cursor,
    fixed: Fixed | None,
    warnings: list[str],
) -> ScheduledSession:
    nominal = _nominal(request, phase, cur)
    low, high = _window(request, phase, nominal, cur.prev)
    if fixed is not None:
        day, at, status = fixed.day, fixed.at, fixed.status
        if not low <= day <= high:
            warnings.append(f"session {number} on {day} is outside its window {low} to {high}")
        if not request.calendar.is_open(day):
            warnings.append(f"session {number} on {day} is on a day the clinic is closed")
    else:
        at, status = request.at, SessionStatus.PLANNED
        found = _open_day(request.calendar, nominal, low, high)
        day = found if found is not None else max(nominal, low)
        if found is None:
            warnings.append(
                f"session {number} on {day} falls on a closed day and no open day fits "
                f"its window {low} to {high}; the date is kept"
            )
    start = local_start(day, at, request.zone, warnings, f"session {number}")
    return ScheduledSession(number, phase.name, start, low, high, nominal, status)


def _window(
    request: CourseRequest, phase: Phase, nominal: dt.date, prev: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The dates a session may be held on: +/- the clinic's window for the phase's
    interval, never closer than the phase's minimum interval (and at least a day) to
    ``prev``."""
    spread = dt.timedelta(days=request.windows.days_for(phase.nominal_interval_days()))
    low, high = nominal - spread, nominal + spread
    if prev is not None:
        low = max(low, phase.earliest_after(prev))
    return low, max(high, low)


def _open_day(
    calendar: ClinicCalendar, nominal: dt.date, low: dt.date, high: dt.date
) -> dt.date | None:
    """The open day nearest ``nominal`` in [low, high]; at equal distance, the later."""
    if low <= nominal <= high and calendar.is_open(nominal):
        return nominal
    one = dt.timedelta(days=1)
    reach = max((high - nominal).days, (nominal - low).days)
    for k in range(1, reach + 1):
        for day in (nominal + k * one, nominal - k * one):
            if low <= day <= high and calendar.is_open(day):
                return day
    return None


def local_start(
    day: dt.date, at: dt.time, zone: ZoneInfo, warnings: list[str], what: str
) -> dt.datetime:
    """``day`` at ``at`` in ``zone``; a wall time skipped by a daylight-saving change
    becomes the same instant's wall time after the change, with a warning."""
    start = dt.datetime.combine(day, at, tzinfo=zone)
    real = start.astimezone(_UTC).astimezone(zone)
    if real.replace(tzinfo=None) != start.replace(tzinfo=None):
        warnings.append(
            f"{what}: {day} {at:%H:%M} does not exist in {zone.key} (daylight-saving "
            f"change); it starts at {real:%H:%M}"
        )
    return real


def follow_up_visits(
    protocol: Protocol, request: CourseRequest, sessions: Sequence[ScheduledSession]
) -> tuple[list[FollowUp], list[str]]:
    """The end-of-course review (one interval of the last phase after the last session)
    and the adverse-event follow-up (at least ``protocol.follow_up_days`` after it)."""
    warnings: list[str] = []
    last = sessions[-1]
    phase = next(p for p in protocol.phases if p.name == last.phase)
    nominal = step_date(phase, last.date, 1)
    low, high = _window(request, phase, nominal, last.date)
    review = _open_day(request.calendar, nominal, low, high) or nominal
    earliest = last.date + dt.timedelta(days=protocol.follow_up_days)
    reach = earliest + dt.timedelta(days=request.windows.days_for(10**6))
    safety = _open_day(request.calendar, earliest, earliest, reach) or earliest
    for day, what in ((review, "review"), (safety, "follow-up")):
        if not request.calendar.is_open(day):
            warnings.append(f"{what} on {day} falls on a closed day; no open day near it")
    reasons = (
        (FollowUpKind.REVIEW, review, "end-of-course review"),
        (
            FollowUpKind.ADVERSE_EVENT,
            safety,
            f"adverse-event follow-up, at least {protocol.follow_up_days} days after the "
            "last session",
        ),
    )
    visits = [
        FollowUp(kind, local_start(day, request.at, request.zone, warnings, kind.value), reason)
        for kind, day, reason in reasons
    ]
    return visits, warnings
