"""Use cases: email reminders before a session, to patients who opted in.

A reminder says only that there is an appointment at the clinic, when (local time): no
protocol, no treatment. Each session gets one reminder (a moved session, one more for
its new time); a message the server refuses is not recorded, so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain.record_errors import NotFoundError, RefusedError
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..adapters.mail import SmtpServer

MAX_HOURS_AHEAD = 14 * 24


@dataclass(frozen=True)
class ReminderView:
    patient_id: int
    email: str
    course_id: int
    number: int
    start: dt.datetime


@dataclass(frozen=True)
class ReminderRun:
    sent: tuple[ReminderView, ...]
    failed: tuple[tuple[ReminderView, str], ...]


def set_opt_in(uow: UnitOfWork, actor: str | None, patient_id: int, opted_in: bool) -> bool:
    """Record a patient's consent to email reminders (or its withdrawal)."""
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import ReminderOptInRow

    with uow:
        who = uow.people.practitioner(actor)
        patient = uow.people.patient(patient_id)
        if patient.clinic_id != who.clinic_id:
            raise NotFoundError(f"unknown patient {patient_id}")
        if opted_in and not patient.email:
            raise RefusedError(f"patient {patient_id} has no email address")
        row = uow.session.scalar(
            select(ReminderOptInRow).where(ReminderOptInRow.patient_id == patient_id)
        )
        if row is None and opted_in:
            uow.records.add(
                ReminderOptInRow(
                    clinic_id=who.clinic_id,
                    patient_id=patient_id,
                    opted_in_at=uow.now(),
                    recorded_by_id=who.id,
                )
            )
        elif row is not None:
            row.revoked_at = None if opted_in else (row.revoked_at or uow.now())
            if opted_in:
                row.opted_in_at, row.recorded_by_id = uow.now(), who.id
        uow.commit()
        return opted_in


def send_reminders(
    uow: UnitOfWork, actor: str | None, server: SmtpServer, hours_ahead: int = 24
) -> ReminderRun:
    """Email every opted-in patient whose session (not yet charted) starts within
    ``hours_ahead`` hours and who was not reminded of it yet."""
    from ..adapters.mail import send_mail

    if not 1 <= hours_ahead <= MAX_HOURS_AHEAD:
        raise RefusedError(f"reminders: hours ahead from 1 to {MAX_HOURS_AHEAD}, got {hours_ahead}")
    due, clinic = _due(uow, actor, hours_ahead)
    sent: list[ReminderView] = []
    failed: list[tuple[ReminderView, str]] = []
    for r in due:
        local = r.start.astimezone(clinic[1])
        body = (
            f"This is a reminder of your appointment at {clinic[0]} on "
            f"{local:%A %d %B %Y at %H:%M}.\n\nPlease tell the clinic if you cannot come."
        )
        try:
            send_mail(server, r.email, f"Appointment reminder: {local:%d %B %H:%M}", body)
        except OSError as exc:  # smtplib.SMTPException is an OSError
            failed.append((r, str(exc) or type(exc).__name__))
            continue
        _record(uow, actor, r)
        sent.append(r)
    return ReminderRun(tuple(sent), tuple(failed))


def _due(
    uow: UnitOfWork, actor: str | None, hours: int
) -> tuple[list[ReminderView], tuple[str, ZoneInfo]]:
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import ReminderOptInRow, ReminderSentRow
    from ..domain.clinic_calendar import clinic_zone
    from .worklists import clinic_courses

    with uow:
        who = uow.people.practitioner(actor)
        clinic = uow.people.clinic_by_id(who.clinic_id)
        now = uow.now()
        until = now + dt.timedelta(hours=hours)
        opted = set(
            uow.session.scalars(
                select(ReminderOptInRow.patient_id).where(
                    ReminderOptInRow.clinic_id == who.clinic_id,
                    ReminderOptInRow.revoked_at.is_(None),
                )
            )
        )
        sent = {
            (c, n, s.astimezone(dt.UTC))
            for c, n, s in uow.session.execute(
                select(
                    ReminderSentRow.course_id,
                    ReminderSentRow.session_number,
                    ReminderSentRow.session_start,
                ).where(ReminderSentRow.clinic_id == who.clinic_id)
            )
        }
        out: list[ReminderView] = []
        for course, patient, _ in clinic_courses(uow, who.clinic_id):
            if patient.id not in opted or not patient.email:
                continue
            charted = {s.number for s in uow.records.sessions_of(course.id)}
            for s in json.loads(course.schedule_json).get("sessions", []):
                start = dt.datetime.fromisoformat(str(s["start"]))
                key = (course.id, int(s["number"]), start.astimezone(dt.UTC))
                if now < start <= until and key[1] not in charted and key not in sent:
                    out.append(ReminderView(patient.id, patient.email, course.id, key[1], start))
        return out, (clinic.name, clinic_zone(clinic.timezone))


def _record(uow: UnitOfWork, actor: str | None, r: ReminderView) -> None:
    from ..adapters.db.clinic_ops import ReminderSentRow

    with uow:
        who = uow.people.practitioner(actor)
        uow.records.add(
            ReminderSentRow(
                clinic_id=who.clinic_id,
                course_id=r.course_id,
                session_number=r.number,
                session_start=r.start,
                sent_at=uow.now(),
            )
        )
        uow.commit()
