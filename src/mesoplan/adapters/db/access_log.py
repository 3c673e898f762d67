"""The access log: one row per read of a patient's record (who, when, what, from which
entrypoint), appended in one statement however many patients a read lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .accounts import AccessEntryRow
from .people import PatientRow


def append(
    session: Session,
    who: str,
    entrypoint: str,
    at: datetime,
    reads: Sequence[tuple[int, str, str]],
) -> None:
    """Append ``(patient_id, action, subject)`` reads (each patient's clinic looked up
    in one query; a patient read twice in one use case is logged once per subject)."""
    ids = sorted({p for p, _, _ in reads})
    q = select(PatientRow.id, PatientRow.clinic_id).where(PatientRow.id.in_(ids))
    clinics = {patient_id: clinic_id for patient_id, clinic_id in session.execute(q)}
    rows, seen = [], set()
    for patient_id, action, subject in reads:
        if patient_id in clinics and (patient_id, subject) not in seen:
            seen.add((patient_id, subject))
            rows.append(
                {
                    "clinic_id": clinics[patient_id],
                    "at": at,
                    "who": who[:100],
                    "entrypoint": entrypoint,
                    "action": action[:200],
                    "patient_id": patient_id,
                    "subject": subject[:200],
                }
            )
    if rows:
        session.execute(insert(AccessEntryRow), rows)


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: datetime
    who: str
    entrypoint: str
    action: str
    patient_id: int
    subject: str


def entries(
    session: Session,
    clinic_id: int,
    patient_id: int | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[AccessEntry]:
    """The clinic's access entries, oldest first (one patient's, after an id)."""
    a = AccessEntryRow
    q = select(a.id, a.at, a.who, a.entrypoint, a.action, a.patient_id, a.subject).where(
        a.clinic_id == clinic_id
    )
    if patient_id is not None:
        q = q.where(a.patient_id == patient_id)
    if after is not None:
        q = q.where(a.id > after)
    q = q.order_by(a.id)
    if limit is not None:
        q = q.limit(limit)
    return [AccessEntry(*row) for row in session.execute(q)]
