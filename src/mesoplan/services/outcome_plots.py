"""Use case: the outcome plot of a patient (SVG), optionally reviewed against a course."""

from __future__ import annotations

from ..domain.record_errors import RefusedError
from .measurements import to_domain
from .session_store import protocol_of_course
from .unit_of_work import UnitOfWork


def outcome_plot(uow: UnitOfWork, patient_id: int, course_id: int | None = None) -> str:
    from ..adapters.outcome_plot import outcome_plot_svg
    from ..domain.outcomes import course_review

    with uow:
        patient = uow.people.patient(patient_id)
        measurements = [to_domain(r) for r in uow.people.measurements(patient_id)]
        review = None
        if course_id is not None:
            if uow.records.course(course_id).patient_id != patient_id:
                raise RefusedError(f"course {course_id} is not a course of patient {patient_id}")
            review = course_review(protocol_of_course(uow, course_id), measurements)
        title = f"{patient.family_name}, {patient.given_name}: outcome measurements"
    return outcome_plot_svg(measurements, title=title, review=review)
