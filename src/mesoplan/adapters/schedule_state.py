"""A stored course schedule and the domain schedule it stands for, both ways.

A course keeps its calendar as JSON (``sessions`` and ``follow_up`` as
:func:`.schedule_json.schedule_json` writes them). To change it, the domain schedule is
rebuilt from what the JSON holds: the request (``request``: local time, time zone,
duration), each phase's number of sessions, the sessions fixed so far (``changes``) and
the sessions charted since (done on the day they were performed). The rebuilt calendar
must give back the stored dates, or the change is refused: it is never silently
re-dated by other rules than the ones it was planned with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..domain.clinic_calendar import clinic_zone
from ..domain.course import CourseRequest, CourseSchedule, Fixed, SessionStatus
from ..domain.errors import ScheduleError
from ..domain.protocol import Protocol
from ..domain.scheduling import follow_up_visits, lay_out
from .schedule_json import schedule_json


def request_json(request: CourseRequest) -> dict[str, Any]:
    return {
        "at": request.at.strftime("%H:%M"),
        "timezone": request.zone.key,
        "duration_min": request.duration_min,
    }


def schedule_document(schedule: CourseSchedule) -> dict[str, Any]:
    """The stored form of a course's schedule: the public ``sessions`` (with each
    session's ``status``) and ``follow_up``, and what rebuilding it needs."""
    doc: dict[str, Any] = dict(schedule_json(schedule))
    for entry, session in zip(doc["sessions"], schedule.sessions, strict=True):
        entry["status"] = session.status.value
    doc["warnings"] = list(schedule.warnings)
    doc["request"] = request_json(schedule.request)
    doc["changes"] = [
        {
            "number": number,
            "date": f.day.isoformat(),
            "at": f.at.strftime("%H:%M"),
            "status": f.status.value,
            "reanchor": f.reanchor,
        }
        for number, f in schedule.changes
    ]
    doc["revision"] = schedule.revision
    return doc


def restore_schedule(
    protocol: Protocol,
    doc: Mapping[str, Any],
    start: dt.date,
    default_zone: str,
    performed: Mapping[int, dt.datetime],
) -> CourseSchedule:
    """The domain schedule of a stored course; ``performed``: the charted sessions'
    instants by number (each becomes done on its local date)."""
    stored = list(doc.get("sessions") or [])
    if not stored:
        raise ScheduleError("the course has no dated sessions to change")
    request = _request(doc, stored, start, default_zone)
    names = [p.name for p in protocol.phases]
    counts = [sum(1 for s in stored if s.get("phase") == name) for name in names]
    if sum(counts) != len(stored):
        raise ScheduleError("the stored sessions name a phase the course's protocol lacks")
    fixed = {int(c["number"]): _fixed(c) for c in doc.get("changes") or []}
    sessions, _ = lay_out(protocol, request, counts, fixed)
    if [s.start.isoformat(timespec="minutes") for s in sessions] != [
        str(s.get("start")) for s in stored
    ]:
        raise ScheduleError(
            "the stored schedule of this course cannot be recomputed from its protocol and "
            "calendar; date the course again from a start date instead"
        )
    planned = {s.number: s.date for s in sessions}
    for number, when in sorted(performed.items()):
        if number not in planned or fixed.get(number, _NOT_DONE).status is SessionStatus.DONE:
            continue
        local = when.astimezone(request.zone)
        at = local.time().replace(second=0, microsecond=0)
        fixed[number] = Fixed(local.date(), at, SessionStatus.DONE, local.date() != planned[number])
    sessions, warnings = lay_out(protocol, request, counts, fixed)
    follow_ups, more = follow_up_visits(protocol, request, sessions)
    return CourseSchedule(
        course_id=str(doc.get("course_id") or ""),
        protocol=protocol,
        request=request,
        sessions=tuple(sessions),
        follow_ups=tuple(follow_ups),
        warnings=tuple(warnings + more),
        revision=int(doc.get("revision") or 0),
        changes=tuple(sorted(fixed.items())),
    )


_NOT_DONE = Fixed(dt.date.min, dt.time(), SessionStatus.PLANNED, False)


def _request(
    doc: Mapping[str, Any], stored: list[Any], start: dt.date, default_zone: str
) -> CourseRequest:
    kept = doc.get("request") or {}
    zone = clinic_zone(str(kept.get("timezone") or default_zone))
    if "at" in kept:
        at = dt.time.fromisoformat(str(kept["at"]))
    else:
        at = dt.datetime.fromisoformat(str(stored[0]["start"])).time()
    return CourseRequest(
        start=start, at=at, zone=zone, duration_min=int(kept.get("duration_min") or 30)
    )


def _fixed(change: Mapping[str, Any]) -> Fixed:
    return Fixed(
        dt.date.fromisoformat(str(change["date"])),
        dt.time.fromisoformat(str(change["at"])),
        SessionStatus(str(change["status"])),
        bool(change["reanchor"]),
    )
