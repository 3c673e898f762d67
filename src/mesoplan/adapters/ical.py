"""A course calendar as iCalendar (RFC 5545), written with the ``icalendar`` library.

One VCALENDAR per course; one VEVENT per session and per follow-up visit (recurrence
rules cannot express month-end clamping or moved sessions); a stable UID per session,
so a calendar application updates a rescheduled session instead of adding a second one
(SEQUENCE is the course's revision); a VTIMEZONE for the clinic's zone; a VALARM
reminder (one day before by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from icalendar import Alarm, Calendar, Event, Timezone

from ..domain.course import CourseSchedule, FollowUp, ScheduledSession

PRODID = "-//mesoplan//course calendar//EN"
UID_DOMAIN = "mesoplan"
NOTICE = "Planning aid for licensed practitioners; not medical advice."


def session_uid(schedule: CourseSchedule, number: int) -> str:
    """The UID of session ``number``: the same for every export of this course."""
    return f"course-{schedule.course_id}-session-{number}@{UID_DOMAIN}"


def course_ics(
    schedule: CourseSchedule,
    *,
    zones: Sequence[str] | None = None,
    location: str | None = None,
    reminder: dt.timedelta | None = dt.timedelta(days=1),
    stamp: dt.datetime | None = None,
) -> str:
    """The course as the text of an ``.ics`` file (CRLF line ends, as RFC 5545 wants).

    ``zones``: the treatment zones for the DESCRIPTION (default: the protocol's zone
    groups); ``location``: LOCATION (default: the clinic calendar's location);
    ``reminder``: how long before each visit the VALARM fires (``None``: no alarm);
    ``stamp``: DTSTAMP, in UTC (default: now; pass it for reproducible output).
    """
    context = _Context(
        schedule=schedule,
        zones=", ".join(zones if zones is not None else schedule.protocol.groups),
        location=location or schedule.request.calendar.location,
        reminder=reminder,
        stamp=(stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC),
    )
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{schedule.protocol.title} course")
    cal.add_component(_timezone(schedule))
    for session in schedule.sessions:
        cal.add_component(_session_event(context, session))
    for visit in schedule.follow_ups:
        cal.add_component(_follow_up_event(context, visit))
    data: bytes = cal.to_ical()
    return data.decode("utf-8")


@dataclass(frozen=True)
class _Context:
    schedule: CourseSchedule
    zones: str
    location: str
    reminder: dt.timedelta | None
    stamp: dt.datetime


def _timezone(schedule: CourseSchedule) -> Any:
    first = schedule.sessions[0].date
    last = max([s.date for s in schedule.sessions] + [f.date for f in schedule.follow_ups])
    return Timezone.from_tzinfo(
        schedule.request.zone,
        tzid=schedule.request.zone.key,
        first_date=dt.date(first.year, 1, 1),
        last_date=dt.date(last.year + 1, 1, 1),
    )


def _session_event(ctx: _Context, session: ScheduledSession) -> Any:
    schedule = ctx.schedule
    protocol = schedule.protocol
    total = len(schedule.sessions)
    summary = f"Mesotherapy: {protocol.title}, session {session.number} of {total}"
    description = "\n".join(
        (
            f"Protocol: {protocol.title} ({protocol.key})",
            f"Zones: {ctx.zones}",
            f"Session {session.number} of {total}, phase {session.phase}",
            f"Window: {session.window_start} to {session.window_end}",
            NOTICE,
        )
    )
    uid = session_uid(schedule, session.number)
    return _event(ctx, uid, session.start, summary, description)


def _follow_up_event(ctx: _Context, visit: FollowUp) -> Any:
    protocol = ctx.schedule.protocol
    summary = f"Mesotherapy: {protocol.title}, {visit.reason}"
    description = "\n".join(
        (f"Protocol: {protocol.title} ({protocol.key})", f"Zones: {ctx.zones}", NOTICE)
    )
    uid = f"course-{ctx.schedule.course_id}-{visit.kind.value}@{UID_DOMAIN}"
    return _event(ctx, uid, visit.start, summary, description)


def _event(ctx: _Context, uid: str, start: dt.datetime, summary: str, description: str) -> Any:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", ctx.stamp)
    event.add("sequence", ctx.schedule.revision)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=ctx.schedule.request.duration_min))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", ctx.location)
    if ctx.reminder is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ctx.reminder)
        alarm.add("description", f"Reminder: {summary}")
        event.add_component(alarm)
    return event
