"""Use cases that change records in place: a patient's details, a course's calendar
(started again from another date), a course withdrawn (soft delete)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.bounds import check_course_start
from ..domain.record_errors import RefusedError
from .courses import CourseView, ScheduleOptions, _schedule, canonical, course_view, protocol_of
from .patients import patient_view
from .unit_of_work import UnitOfWork
from .views import ClinicView, PatientView


@dataclass(frozen=True)
class PatientChange:
    family_name: str | None = None
    given_name: str | None = None
    phone: str | None = None
    email: str | None = None


def update_patient(
    uow: UnitOfWork, actor: str | None, patient_id: int, change: PatientChange
) -> PatientView:
    """Correct a patient's name or contact details (the rest is history, kept as is)."""
    with uow:
        uow.people.practitioner(actor)
        row = uow.people.patient(patient_id)
        for name in ("family_name", "given_name"):
            value = getattr(change, name)
            if value is not None:
                if not value.strip():
                    raise RefusedError(f"patient {name}: give a non-empty name")
                setattr(row, name, value.strip())
        if change.phone is not None:
            row.phone = change.phone or None
        if change.email is not None:
            row.email = change.email or None
        uow.flush()
        view = patient_view(uow, row)
        uow.commit()
        return view


def reschedule_course(
    uow: UnitOfWork, actor: str | None, course_id: int, options: ScheduleOptions
) -> CourseView:
    """Date the course again from ``options.start`` with its frozen protocol (kept in
    the course's schedule history with the schedule before it)."""
    from .schedule_changes import keep_change

    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.course(course_id)
        check_course_start(options.start, uow.now().date())
        snapshot = uow.records.course_snapshots(course_id)[0]
        patient = uow.people.patient(row.patient_id)
        clinic = uow.people.clinic_by_id(patient.clinic_id)
        doc = _schedule(protocol_of(snapshot), options, clinic.timezone)
        reason = f"course dated again from {options.start.isoformat()}"
        keep_change(uow, row, who.id, "restarted", reason, doc)
        row.start_date, row.schedule_json = options.start, canonical(doc)
        uow.flush()
        view = course_view(uow, row)
        uow.commit()
        return view


def delete_course(uow: UnitOfWork, actor: str | None, course_id: int, reason: str) -> None:
    """Withdraw a course started in error; refused once a session of it is signed."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.course(course_id)
        if any(s.signed_at is not None for s in uow.records.sessions_of(course_id)):
            raise RefusedError(f"course {course_id} has signed sessions; it cannot be deleted")
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()


def clinic_view(uow: UnitOfWork, clinic_id: int) -> ClinicView:
    from ..adapters.db.people import ClinicRow
    from ..domain.record_errors import NotFoundError

    row = uow.session.get(ClinicRow, clinic_id)
    if row is None:
        raise NotFoundError(f"unknown clinic {clinic_id}")
    return ClinicView(row.id, row.name, row.timezone)


def update_clinic(
    uow: UnitOfWork, clinic_id: int, name: str | None, timezone: str | None
) -> ClinicView:
    """Rename a clinic or change its time zone (new courses are scheduled in it)."""
    from ..adapters.db.people import ClinicRow
    from .clinics import _check_timezone

    with uow:
        clinic_view(uow, clinic_id)
        row = uow.session.get_one(ClinicRow, clinic_id)
        if name is not None:
            if not name.strip():
                raise RefusedError("clinic name: give a non-empty name")
            row.name = name.strip()
        if timezone is not None:
            _check_timezone(timezone)
            row.timezone = timezone
        uow.flush()
        view = ClinicView(row.id, row.name, row.timezone)
        uow.commit()
        return view
