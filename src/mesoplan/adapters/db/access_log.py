"""The access log: one row per read of a patient's record (who, when, what, from which
entrypoint), appended in one statement however many patients a read lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, literal, select
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
    """Append ``(patient_id, action, subject)`` reads: one INSERT ... SELECT per action
    and subject (the patients' clinics read by the database), however many patients a
    read lists; a patient read twice under one subject is logged once."""
    a = AccessEntryRow
    groups: dict[tuple[str, str], set[int]] = {}
    for patient_id, action, subject in reads:
        groups.setdefault((action, subject), set()).add(patient_id)
    for (action, subject), ids in groups.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chosen = select(
                PatientRow.clinic_id,
                literal(at, a.at.type),
                literal(who[:100], a.who.type),
                literal(entrypoint, a.entrypoint.type),
                literal(action[:200], a.action.type),
                PatientRow.id,
                literal(subject[:200], a.subject.type),
            ).where(PatientRow.id.in_(ordered[start : start + CHUNK]))
            session.connection().execute(insert(a).from_select(COLUMNS, chosen))


CHUNK = 5000
COLUMNS = ("clinic_id", "at", "who", "entrypoint", "action", "patient_id", "subject")


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
