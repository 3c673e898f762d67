"""Tenancy in one place: a session scoped to a clinic sees and changes only that clinic's
rows, whatever query a repository or a service runs.

:func:`scope_to_clinic` marks a session; the ``do_orm_execute`` hook adds, to every ORM
SELECT, UPDATE and DELETE of such a session (``Session.get`` included), a criterion per
table that keeps the clinic's rows: directly by ``clinic_id``, or through the patient, the
product, the lot or the session a row belongs to. A record of another clinic is then
simply not found. Content-addressed shared rows (protocol snapshots, planned maps) carry
no patient data and are not filtered.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from .accounts import (
    ApiKeyRow,
    AuditEntryRow,
    AuditHeadRow,
    AuthTokenRow,
    ClinicProtocolRow,
    UserRow,
)
from .people import (
    ClinicRow,
    MeasurementRow,
    PatientHistoryRow,
    PatientIdentifierRow,
    PatientRow,
    PractitionerRow,
)
from .records import (
    AddendumRow,
    CosignatureRow,
    CourseProtocolRow,
    CourseRow,
    OverrideRow,
    ReactionRow,
    SessionPointRow,
    SessionRow,
)
from .stock import LotRow, ProductRow, ProductUseRow, VialRow

CLINIC_KEY = "mesoplan_clinic_id"

DIRECT: tuple[type[Any], ...] = (
    PractitionerRow,
    PatientRow,
    ProductRow,
    UserRow,
    AuthTokenRow,
    ApiKeyRow,
    ClinicProtocolRow,
    AuditEntryRow,
    AuditHeadRow,
)
BY_PATIENT: tuple[type[Any], ...] = (
    CourseRow,
    SessionRow,
    MeasurementRow,
    PatientHistoryRow,
    PatientIdentifierRow,
)
BY_SESSION: tuple[type[Any], ...] = (
    ReactionRow,
    SessionPointRow,
    CosignatureRow,
    AddendumRow,
    ProductUseRow,
)


def _patients(cid: int) -> Any:
    return select(PatientRow.id).where(PatientRow.clinic_id == cid)


def _sessions(cid: int) -> Any:
    return (
        select(SessionRow.id)
        .join(PatientRow, PatientRow.id == SessionRow.patient_id)
        .where(PatientRow.clinic_id == cid)
    )


def _courses(cid: int) -> Any:
    return (
        select(CourseRow.id)
        .join(PatientRow, PatientRow.id == CourseRow.patient_id)
        .where(PatientRow.clinic_id == cid)
    )


def _lots(cid: int) -> Any:
    return (
        select(LotRow.id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
        .where(ProductRow.clinic_id == cid)
    )


@lru_cache(maxsize=4096)
def criteria(cid: int) -> tuple[Any, ...]:
    """The loader criteria that keep clinic ``cid``'s rows, one per scoped table."""
    opts: list[Any] = [with_loader_criteria(ClinicRow, ClinicRow.id == cid)]
    opts += [with_loader_criteria(t, t.clinic_id == cid) for t in DIRECT]
    opts += [with_loader_criteria(t, t.patient_id.in_(_patients(cid))) for t in BY_PATIENT]
    opts += [with_loader_criteria(t, t.session_id.in_(_sessions(cid))) for t in BY_SESSION]
    opts.append(with_loader_criteria(LotRow, LotRow.product_id.in_(_product_ids(cid))))
    opts.append(with_loader_criteria(VialRow, VialRow.lot_id.in_(_lots(cid))))
    opts.append(
        with_loader_criteria(CourseProtocolRow, CourseProtocolRow.course_id.in_(_courses(cid)))
    )
    opts.append(with_loader_criteria(OverrideRow, _override_scope(cid)))
    return tuple(opts)


def _product_ids(cid: int) -> Any:
    return select(ProductRow.id).where(ProductRow.clinic_id == cid)


def _override_scope(cid: int) -> ColumnElement[bool]:
    return or_(OverrideRow.course_id.in_(_courses(cid)), OverrideRow.session_id.in_(_sessions(cid)))


def _add_criteria(state: ORMExecuteState) -> None:
    cid = state.session.info.get(CLINIC_KEY)
    if cid is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(*criteria(cid))


def scope_to_clinic(session: Session, clinic_id: int) -> None:
    """From now on ``session`` sees and changes only clinic ``clinic_id``'s rows."""
    session.info[CLINIC_KEY] = clinic_id
    if not event.contains(session, "do_orm_execute", _add_criteria):
        event.listen(session, "do_orm_execute", _add_criteria)


def clinic_of(session: Session) -> int | None:
    value = session.info.get(CLINIC_KEY)
    return int(value) if value is not None else None
