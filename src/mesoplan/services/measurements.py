"""Use cases: record an outcome measurement; review a course's outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.bounds import check_event_time
from ..domain.outcomes import CourseReview, Measurement, PhotoRef, course_review, kind
from ..domain.record_errors import RefusedError
from .session_store import protocol_of_course
from .unit_of_work import UnitOfWork
from .views import MeasurementView

if TYPE_CHECKING:
    from ..adapters.db.people import MeasurementRow


def measurement_view(row: MeasurementRow) -> MeasurementView:
    return MeasurementView(
        id=row.id,
        patient_id=row.patient_id,
        course_id=row.course_id,
        kind=row.kind,
        value=row.value,
        unit=row.unit,
        site=row.site,
        height_above_kneecap_cm=row.height_above_kneecap_cm,
        photo_file=row.photo_file,
        meta=dict(row.meta),
        note=row.note,
        taken_at=row.taken_at,
    )


def to_domain(row: MeasurementRow) -> Measurement:
    photo = None
    if row.photo_file is not None:
        photo = PhotoRef(row.photo_file, row.meta["camera"], row.meta["lighting"], row.meta["pose"])
    return Measurement(
        row.kind,
        row.taken_at,
        row.value,
        row.site,
        row.height_above_kneecap_cm,
        photo,
        row.note or "",
    )


def record_measurement(
    uow: UnitOfWork,
    actor: str | None,
    patient_id: int,
    measurement: Measurement,
    course_id: int | None = None,
) -> MeasurementView:
    """A measurement on its kind's scale (validated by the domain), or a photo reference."""
    from ..adapters.db.people import MeasurementRow

    unit = kind(measurement.kind).unit
    photo = measurement.photo
    meta = {"camera": photo.camera, "lighting": photo.lighting, "pose": photo.pose} if photo else {}
    with uow:
        who = uow.people.practitioner(actor)
        patient = uow.people.patient(patient_id)
        if course_id is not None and uow.records.course(course_id).patient_id != patient_id:
            raise RefusedError(f"course {course_id} is not a course of patient {patient_id}")
        check_event_time(measurement.taken_at, patient.birth_date, uow.now(), "taken_at")
        row = uow.people.add(
            MeasurementRow(
                patient_id=patient_id,
                course_id=course_id,
                kind=measurement.kind,
                value=measurement.value,
                unit=unit,
                site=measurement.site,
                height_above_kneecap_cm=measurement.height_above_kneecap_cm,
                photo_file=photo.file if photo else None,
                meta=meta,
                note=measurement.note or None,
                taken_at=measurement.taken_at,
                recorded_by_id=who.id,
                created_at=uow.now(),
            )
        )
        uow.flush()
        view = measurement_view(row)
        uow.commit()
        return view


def list_measurements(
    uow: UnitOfWork, patient_id: int, kind_name: str | None = None
) -> list[MeasurementView]:
    with uow:
        uow.people.patient(patient_id)
        return [measurement_view(r) for r in uow.people.measurements(patient_id, kind_name)]


def review_course(uow: UnitOfWork, course_id: int) -> CourseReview:
    """The latest measures against the baseline, per expected outcome of the protocol."""
    with uow:
        course = uow.records.course(course_id)
        protocol = protocol_of_course(uow, course_id)
        rows = uow.people.measurements(course.patient_id)
        return course_review(protocol, [to_domain(r) for r in rows])


def delete_measurement(
    uow: UnitOfWork, actor: str | None, measurement_id: int, reason: str
) -> None:
    """Soft delete, with who and why."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.people.measurement(measurement_id)
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()


def outcome_plot(uow: UnitOfWork, patient_id: int, course_id: int | None = None) -> str:
    """The patient's measurements over time as SVG; with a course, each panel says whether
    the latest value moved as the course's protocol expects."""
    from ..adapters.outcome_plot import outcome_plot_svg

    with uow:
        row = uow.people.patient(patient_id)
        ms = [to_domain(r) for r in uow.people.measurements(patient_id)]
        review = None
        if course_id is not None:
            if uow.records.course(course_id).patient_id != patient_id:
                raise RefusedError(f"course {course_id} is not a course of patient {patient_id}")
            review = course_review(protocol_of_course(uow, course_id), ms)
        title = f"{row.family_name}, {row.given_name}: outcome measurements"
        return outcome_plot_svg(ms, title=title, review=review)
