"""Use cases: reschedule a stored course (a session moved, a session marked missed) and
read the history of its schedule changes.

The course's calendar is rebuilt from its stored schedule (``adapters.schedule_state``)
and changed by the domain's rescheduling functions, so the rules it was planned with
(windows, closed days, ``min_days_between`` and any limit the protocol sets) apply to
every change. Each change is kept with who made it, when, why, and the schedule before
it; the previous schedule stays readable.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.record_errors import RefusedError
from .courses import CourseView, canonical, course_view, protocol_of
from .listings import MAX_PAGE, Page, page
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.records import CourseRow
    from ..domain.course import CourseSchedule

REASON_MAX_CHARS = 1000
MOVE_HORIZON_DAYS = 3 * 366
"""How far ahead of today a session may be moved."""


@dataclass(frozen=True)
class ScheduleChangeView:
    id: int
    course_id: int
    revision: int
    action: str
    session_number: int | None
    from_date: dt.date | None
    to_date: dt.date | None
    reason: str
    changed_by: str
    changed_at: dt.datetime
    previous_sessions: tuple[dict[str, Any], ...]
    sessions: tuple[dict[str, Any], ...]


def check_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise RefusedError("a schedule change needs a reason")
    if len(text) > REASON_MAX_CHARS:
        raise RefusedError(f"reason: at most {REASON_MAX_CHARS} characters, got {len(text)}")
    return text


def move_session(
    uow: UnitOfWork,
    actor: str | None,
    course_id: int,
    number: int,
    to: dt.date,
    reason: str,
    at: dt.time | None = None,
) -> CourseView:
    """Session ``number`` moves to ``to`` (at ``at``, or its planned time); the sessions
    after it follow from the new date with their intervals."""
    from ..domain.rescheduling import move_session as move

    def change(schedule: CourseSchedule, today: dt.date) -> CourseSchedule:
        if to < today:
            raise RefusedError(
                f"session {number} cannot move to {to}, before today ({today}); chart it "
                "if it took place, or mark it missed"
            )
        if to > today + dt.timedelta(days=MOVE_HORIZON_DAYS):
            raise RefusedError(
                f"session {number}: {to} is more than {MOVE_HORIZON_DAYS} days ahead"
            )
        return move(schedule, number, to, at=at)

    return _change(uow, actor, course_id, number, "moved", reason, change)


def mark_missed(
    uow: UnitOfWork, actor: str | None, course_id: int, number: int, reason: str
) -> CourseView:
    """Session ``number`` did not take place: it is rebooked on the first open day from
    today that the protocol's intervals allow; the sessions after it follow."""
    from ..domain.rescheduling import mark_missed as missed

    def change(schedule: CourseSchedule, today: dt.date) -> CourseSchedule:
        return missed(schedule, number, today=today)

    return _change(uow, actor, course_id, number, "missed", reason, change)


def _change(
    uow: UnitOfWork,
    actor: str | None,
    course_id: int,
    number: int,
    action: str,
    reason: str,
    change: Callable[[CourseSchedule, dt.date], CourseSchedule],
) -> CourseView:
    from ..adapters.schedule_state import schedule_document

    why = check_reason(reason)
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.course(course_id)
        schedule = stored_schedule(uow, row)
        today = uow.now().astimezone(schedule.request.zone).date()
        before = schedule.session(number).date
        changed = change(schedule, today)
        doc = schedule_document(changed)
        keep_change(
            uow,
            row,
            who.id,
            action,
            why,
            doc,
            session=(number, before, changed.session(number).date),
            revision=changed.revision,
        )
        row.schedule_json = canonical(doc)
        uow.flush()
        view = course_view(uow, row)
        uow.commit()
        return view


def stored_schedule(uow: UnitOfWork, row: CourseRow) -> CourseSchedule:
    """The domain schedule of a stored course, its charted sessions done."""
    from ..adapters.schedule_state import restore_schedule

    snapshot = uow.records.course_snapshots(row.id)[0]
    clinic = uow.people.clinic_by_id(uow.people.patient(row.patient_id).clinic_id)
    performed = {s.number: s.performed_at for s in uow.records.sessions_of(row.id)}
    doc = json.loads(row.schedule_json)
    return restore_schedule(protocol_of(snapshot), doc, row.start_date, clinic.timezone, performed)


def keep_change(
    uow: UnitOfWork,
    row: CourseRow,
    practitioner_id: int,
    action: str,
    reason: str,
    doc: dict[str, Any],
    session: tuple[int, dt.date, dt.date] | None = None,
    revision: int | None = None,
) -> None:
    """Keep one change of ``row``'s schedule (before ``row.schedule_json`` is replaced
    by ``doc``): the next revision unless given; a concurrent change of the same course
    takes the same revision and is refused by the database."""
    from ..adapters.db.clinic_ops import ScheduleChangeRow

    previous = json.loads(row.schedule_json)
    number, before, after = session if session else (None, None, None)
    if revision is None:
        revision = int(previous.get("revision") or 0) + 1
        doc["revision"] = revision
    clinic_id = uow.people.patient(row.patient_id).clinic_id
    uow.records.add(
        ScheduleChangeRow(
            clinic_id=clinic_id,
            course_id=row.id,
            revision=revision,
            action=action,
            session_number=number,
            from_date=before,
            to_date=after,
            reason=reason,
            changed_by_id=practitioner_id,
            changed_at=uow.now(),
            previous_schedule_json=row.schedule_json,
            schedule_json=canonical(doc),
        )
    )


def schedule_history(
    uow: UnitOfWork, course_id: int, after: int | None = None, limit: int = MAX_PAGE
) -> Page[ScheduleChangeView]:
    """The changes of a course's schedule, oldest first (a page of at most ``limit``
    after change id ``after``), each with the sessions as they were before and after."""
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import ScheduleChangeRow
    from ..adapters.db.people import PractitionerRow

    with uow:
        uow.records.course(course_id)
        q = (
            select(ScheduleChangeRow, PractitionerRow.handle)
            .join(PractitionerRow, PractitionerRow.id == ScheduleChangeRow.changed_by_id)
            .where(ScheduleChangeRow.course_id == course_id)
        )
        return page(uow, q, ScheduleChangeRow.id, after, limit, lambda r: _change_view(*r))


def _change_view(c: Any, handle: str) -> ScheduleChangeView:
    return ScheduleChangeView(
        id=c.id,
        course_id=c.course_id,
        revision=c.revision,
        action=c.action,
        session_number=c.session_number,
        from_date=c.from_date,
        to_date=c.to_date,
        reason=c.reason,
        changed_by=handle,
        changed_at=c.changed_at,
        previous_sessions=tuple(json.loads(c.previous_schedule_json).get("sessions", [])),
        sessions=tuple(json.loads(c.schedule_json).get("sessions", [])),
    )
