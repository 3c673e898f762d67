"""Rescheduling a course: a session done, moved or missed; the sessions after it follow.

Every function returns a new :class:`CourseSchedule` (revision + 1). A session already
done never moves; the sessions after a changed one are recomputed from its real date
(earlier moves of those later sessions are dropped), with the same number of sessions
per phase. A phase's minimum interval is never broken by a move or a rebooking.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .course import CourseSchedule, Fixed, SessionStatus
from .errors import ScheduleError
from .protocol import Phase
from .scheduling import follow_up_visits, lay_out

REBOOK_HORIZON_DAYS = 366
"""How far after the earliest possible date a missed session looks for an open day."""


def mark_done(
    schedule: CourseSchedule, number: int, *, on: dt.date | None = None, at: dt.time | None = None
) -> CourseSchedule:
    """Session ``number`` took place (on its planned date unless ``on`` says otherwise)."""
    session = schedule.session(number)
    day = on or session.date
    if session.status is SessionStatus.DONE:
        if day == session.date:
            return schedule
        raise ScheduleError(
            f"session {number} is already done on {session.date}; a done session never moves"
        )
    _check_no_later_done(schedule, number)
    reanchor = day != session.date
    fixed = Fixed(day, at or session.start.time(), SessionStatus.DONE, reanchor)
    return _recompute(schedule, number, fixed)


def move_session(
    schedule: CourseSchedule, number: int, to: dt.date, *, at: dt.time | None = None
) -> CourseSchedule:
    """Session ``number`` will take place on ``to``; later sessions follow from it."""
    session = schedule.session(number)
    _check_movable(schedule, number)
    earliest = _earliest(schedule, number)
    if to < earliest:
        raise ScheduleError(
            f"session {number} cannot be on {to}: the protocol needs at least "
            f"{_phase_of(schedule, number).min_interval_text()} after session {number - 1} "
            f"({schedule.sessions[number - 2].date}); valid: {earliest} or later"
        )
    time = at or session.start.time()
    schedule.request.calendar.check_hours(time, schedule.request.duration_min)
    return _recompute(schedule, number, Fixed(to, time, SessionStatus.MOVED, True))


def mark_missed(schedule: CourseSchedule, number: int, *, today: dt.date) -> CourseSchedule:
    """Session ``number`` did not take place: rebook it on the first open day from
    ``today`` (and after its planned date, and the phase's minimum interval after the
    one before)."""
    session = schedule.session(number)
    _check_movable(schedule, number)
    earliest = max(today, session.date + dt.timedelta(days=1), _earliest(schedule, number))
    calendar = schedule.request.calendar
    for offset in range(REBOOK_HORIZON_DAYS + 1):
        day = earliest + dt.timedelta(days=offset)
        if calendar.is_open(day):
            fixed = Fixed(day, session.start.time(), SessionStatus.MISSED, True)
            return _recompute(schedule, number, fixed)
    raise ScheduleError(
        f"session {number}: no open day within {REBOOK_HORIZON_DAYS} days of {earliest}"
    )


def _check_movable(schedule: CourseSchedule, number: int) -> None:
    session = schedule.session(number)
    if session.status is SessionStatus.DONE:
        raise ScheduleError(
            f"session {number} is done on {session.date}; a done session never moves"
        )
    _check_no_later_done(schedule, number)


def _check_no_later_done(schedule: CourseSchedule, number: int) -> None:
    later = [s.number for s in schedule.sessions[number:] if s.status is SessionStatus.DONE]
    if later:
        raise ScheduleError(
            f"session {later[0]} after session {number} is already done; "
            "a done session never moves, so an earlier one cannot change"
        )


def _phase_of(schedule: CourseSchedule, number: int) -> Phase:
    phase_name = schedule.session(number).phase
    return next(p for p in schedule.protocol.phases if p.name == phase_name)


def _earliest(schedule: CourseSchedule, number: int) -> dt.date:
    if number == 1:
        return dt.date.min
    prev = schedule.sessions[number - 2].date
    return _phase_of(schedule, number).earliest_after(prev)


def _recompute(schedule: CourseSchedule, number: int, change: Fixed) -> CourseSchedule:
    fixed = {n: f for n, f in schedule.changes if n < number}
    fixed[number] = change
    names = [p.name for p in schedule.protocol.phases]
    counts = [sum(1 for s in schedule.sessions if s.phase == name) for name in names]
    sessions, warnings = lay_out(schedule.protocol, schedule.request, counts, fixed)
    follow_ups, more = follow_up_visits(schedule.protocol, schedule.request, sessions)
    return dataclasses.replace(
        schedule,
        sessions=tuple(sessions),
        follow_ups=tuple(follow_ups),
        warnings=tuple(warnings + more),
        revision=schedule.revision + 1,
        changes=tuple(sorted(fixed.items())),
    )
