"""Read use case: the clinic's worklist on a day, in its time zone: sessions due today and
this week, overdue sessions, and follow-up visits due, each with the patient's name.

Derived when read from the courses' kept calendars, the charted sessions and the
measurements (``domain.worklist`` decides); nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.record_errors import RefusedError
from ..domain.worklist import Due, DueVisit, Visit, due_follow_ups, due_sessions
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


@dataclass(frozen=True)
class WorkItem:
    kind: str
    """``session``, ``review`` or ``adverse_event``."""
    due: str
    """``today``, ``this_week`` or ``overdue``."""
    patient_id: int
    patient: str
    course_id: int
    protocol: str
    number: int | None
    date: dt.date
    start: str
    window_end: dt.date
    status: str
    days_overdue: int
    later_overdue: int
    reason: str | None


@dataclass(frozen=True)
class Worklist:
    today: dt.date
    timezone: str
    due_today: tuple[WorkItem, ...]
    due_this_week: tuple[WorkItem, ...]
    overdue: tuple[WorkItem, ...]
    follow_ups: tuple[WorkItem, ...]


def worklist(uow: UnitOfWork, actor: str | None, today: dt.date | None = None) -> Worklist:
    """The acting practitioner's clinic's worklist on ``today`` (default: the clinic's
    date now)."""
    from ..domain.clinic_calendar import clinic_zone

    with uow:
        who = uow.people.practitioner(actor)
        clinic = uow.people.clinic_by_id(who.clinic_id)
        zone = clinic_zone(clinic.timezone)
        day = today or uow.now().astimezone(zone).date()
        if not FIRST_DAY <= day <= LAST_DAY:
            raise RefusedError(f"worklist date {day}: give a day from {FIRST_DAY} to {LAST_DAY}")
        charted, measured = _charted(uow, who.clinic_id), _measured(uow, who.clinic_id, zone)
        items = [
            item
            for course, patient, protocol in clinic_courses(uow, who.clinic_id)
            for item in _course_items(
                course,
                patient,
                protocol,
                charted.get(course.id, set()),
                measured.get(course.id, []),
                day,
            )
        ]
        items.sort(key=lambda i: (i.date, i.start, i.patient))
        return Worklist(
            day,
            zone.key,
            tuple(i for i in items if i.kind == "session" and i.due == Due.TODAY),
            tuple(i for i in items if i.kind == "session" and i.due == Due.THIS_WEEK),
            tuple(i for i in items if i.kind == "session" and i.due == Due.OVERDUE),
            tuple(i for i in items if i.kind != "session"),
        )


def _course_items(
    course: Any,
    patient: Any,
    protocol: str,
    charted: set[int],
    measured: list[dt.date],
    day: dt.date,
) -> list[WorkItem]:
    doc = json.loads(course.schedule_json)
    sessions = [_session(s) for s in doc.get("sessions", [])]
    follow_ups = [_follow_up(f) for f in doc.get("follow_up", [])]
    visits = [v for v, _ in sessions]
    found = due_sessions(visits, charted, day)
    found += due_follow_ups([v for v, _ in follow_ups], visits, charted, measured, day)
    extra = dict(sessions) | dict(follow_ups)
    name = f"{patient.family_name}, {patient.given_name}"
    return [_item(d, extra[d.visit], patient.id, name, course.id, protocol) for d in found]


def _session(s: dict[str, Any]) -> tuple[Visit, dict[str, Any]]:
    visit = Visit(
        int(s["number"]),
        dt.date.fromisoformat(str(s["date"])),
        dt.date.fromisoformat(str(s["window_end"])),
    )
    return visit, {"start": str(s["start"]), "status": str(s.get("status", "planned"))}


def _follow_up(f: dict[str, Any]) -> tuple[Visit, dict[str, Any]]:
    day = dt.date.fromisoformat(str(f["date"]))
    reason = str(f["reason"])
    kind = "review" if reason.startswith("end-of-course review") else "adverse_event"
    return Visit(None, day, day, kind), {"start": day.isoformat(), "reason": reason}


def _item(
    d: DueVisit,
    extra: dict[str, Any],
    patient_id: int,
    patient: str,
    course_id: int,
    protocol: str,
) -> WorkItem:
    v = d.visit
    return WorkItem(
        kind=v.kind,
        due=d.due.value,
        patient_id=patient_id,
        patient=patient,
        course_id=course_id,
        protocol=protocol,
        number=v.number,
        date=v.day,
        start=str(extra["start"]),
        window_end=v.window_end,
        status=str(extra.get("status", "planned")),
        days_overdue=d.days_overdue,
        later_overdue=d.later_overdue,
        reason=extra.get("reason"),
    )


def clinic_courses(uow: UnitOfWork, clinic_id: int) -> list[tuple[Any, Any, str]]:
    """The clinic's courses (not withdrawn, patient not deleted) with the patient and the
    protocol they were planned from, in one query."""
    from sqlalchemy import select

    from ..adapters.db.people import PatientRow
    from ..adapters.db.records import CourseProtocolRow, CourseRow, ProtocolSnapshotRow

    q = (
        select(CourseRow, PatientRow, ProtocolSnapshotRow.protocol_id, ProtocolSnapshotRow.version)
        .join(PatientRow, PatientRow.id == CourseRow.patient_id)
        .join(
            CourseProtocolRow,
            (CourseProtocolRow.course_id == CourseRow.id) & (CourseProtocolRow.position == 0),
        )
        .join(ProtocolSnapshotRow, ProtocolSnapshotRow.id == CourseProtocolRow.snapshot_id)
        .where(
            PatientRow.clinic_id == clinic_id,
            PatientRow.deleted_at.is_(None),
            CourseRow.deleted_at.is_(None),
        )
        .order_by(CourseRow.id)
    )
    return [(c, p, f"{pid}@{ver}") for c, p, pid, ver in uow.session.execute(q)]


def _charted(uow: UnitOfWork, clinic_id: int) -> dict[int, set[int]]:
    from sqlalchemy import select

    from ..adapters.db.people import PatientRow
    from ..adapters.db.records import SessionRow

    q = (
        select(SessionRow.course_id, SessionRow.number)
        .join(PatientRow, PatientRow.id == SessionRow.patient_id)
        .where(PatientRow.clinic_id == clinic_id, SessionRow.deleted_at.is_(None))
    )
    out: dict[int, set[int]] = defaultdict(set)
    for course_id, number in uow.session.execute(q):
        out[course_id].add(number)
    return out


def _measured(uow: UnitOfWork, clinic_id: int, zone: ZoneInfo) -> dict[int, list[dt.date]]:
    """The local dates of each course's measurements."""
    from sqlalchemy import select

    from ..adapters.db.people import MeasurementRow, PatientRow

    q = (
        select(MeasurementRow.course_id, MeasurementRow.taken_at)
        .join(PatientRow, PatientRow.id == MeasurementRow.patient_id)
        .where(
            PatientRow.clinic_id == clinic_id,
            MeasurementRow.course_id.is_not(None),
            MeasurementRow.deleted_at.is_(None),
        )
    )
    out: dict[int, list[dt.date]] = defaultdict(list)
    for course_id, taken_at in uow.session.execute(q):
        if course_id is not None:
            out[course_id].append(taken_at.astimezone(zone).date())
    return out
