"""Use case: a patient's whole record at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .courses import CourseView, course_view
from .measurements import measurement_view
from .patients import history_view, patient_view
from .unit_of_work import UnitOfWork
from .views import HistoryView, MeasurementView, PatientView


@dataclass(frozen=True)
class SessionLine:
    id: int
    course_id: int
    number: int
    performed_at: datetime
    signed: bool
    reactions: int


@dataclass(frozen=True)
class PatientRecord:
    patient: PatientView
    history: HistoryView | None
    courses: tuple[CourseView, ...]
    sessions: tuple[SessionLine, ...]
    measurements: tuple[MeasurementView, ...]
    reactions: tuple[dict[str, Any], ...]


def patient_record(uow: UnitOfWork, patient_id: int) -> PatientRecord:
    with uow:
        row = uow.people.patient(patient_id)
        uow.log_access([patient_id], "read patient record", f"patient {patient_id}")
        hist = uow.people.latest_history(patient_id)
        by = uow.people.practitioner_by_id(hist.recorded_by_id).handle if hist else ""
        courses = uow.records.courses_of(patient_id)
        sessions = [s for c in courses for s in uow.records.sessions_of(c.id)]
        reactions = uow.records.reactions_of([s.id for s in sessions])
        count = {s.id: sum(r.session_id == s.id for r in reactions) for s in sessions}
        return PatientRecord(
            patient=patient_view(uow, row),
            history=history_view(hist, by) if hist else None,
            courses=tuple(course_view(uow, c) for c in courses),
            sessions=tuple(
                SessionLine(
                    s.id,
                    s.course_id,
                    s.number,
                    s.performed_at,
                    s.signed_at is not None,
                    count[s.id],
                )
                for s in sessions
            ),
            measurements=tuple(measurement_view(m) for m in uow.people.measurements(patient_id)),
            reactions=tuple(
                {
                    "id": r.id,
                    "session_id": r.session_id,
                    "kind": r.kind,
                    "zone": r.zone,
                    "onset_at": r.onset_at,
                    "duration_min": r.duration_min,
                    "severity": r.severity,
                    "flags": [f["code"] for f in r.flags],
                }
                for r in reactions
            ),
        )
