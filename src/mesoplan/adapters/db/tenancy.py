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

from sqlalchemy import ColumnElement, event, func, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from .accounts import (
    AccessEntryRow,
    ApiKeyRow,
    AuditEntryRow,
    AuditHeadRow,
    AuthTokenRow,
    ClinicProtocolRow,
    UserRow,
)
from .base import Base
from .clinic_ops import (
    CalendarFeedRow,
    ReminderOptInRow,
    ReminderSentRow,
    ScheduleChangeRow,
    WasteRow,
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
    AccessEntryRow,
    ScheduleChangeRow,
    WasteRow,
    CalendarFeedRow,
    ReminderOptInRow,
    ReminderSentRow,
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


def scope_of(entity: Any, cid: int) -> ColumnElement[bool]:
    """The criterion that keeps clinic ``cid``'s rows of ``entity`` (a mapped class or an
    alias of one); shared content-addressed tables are not filtered."""
    cls = getattr(entity, "entity", entity)
    cls = getattr(cls, "class_", cls)
    if cls is ClinicRow:
        return entity.id == cid  # type: ignore[no-any-return]
    if issubclass(cls, DIRECT):
        return entity.clinic_id == cid  # type: ignore[no-any-return]
    if issubclass(cls, BY_PATIENT):
        return entity.patient_id.in_(_patients(cid))  # type: ignore[no-any-return]
    if issubclass(cls, BY_SESSION):
        return entity.session_id.in_(_sessions(cid))  # type: ignore[no-any-return]
    if cls is LotRow:
        return entity.product_id.in_(_product_ids(cid))  # type: ignore[no-any-return]
    if cls is VialRow:
        return entity.lot_id.in_(_lots(cid))  # type: ignore[no-any-return]
    if cls is CourseProtocolRow:
        return entity.course_id.in_(_courses(cid))  # type: ignore[no-any-return]
    if cls is OverrideRow:
        return or_(entity.course_id.in_(_courses(cid)), entity.session_id.in_(_sessions(cid)))
    return func.abs(cid) >= 0  # shared rows: always true (cid stays a bound parameter)


@lru_cache(maxsize=4096)
def criteria(cid: int) -> Any:
    """One loader criterion over every mapped table: SQLAlchemy caches its SQL per table
    and passes ``cid`` as a bound parameter, so scoping costs little per statement."""
    return with_loader_criteria(Base, lambda cls: scope_of(cls, cid), include_aliases=True)


def _product_ids(cid: int) -> Any:
    return select(ProductRow.id).where(ProductRow.clinic_id == cid)


def _add_criteria(state: ORMExecuteState) -> None:
    cid = state.session.info.get(CLINIC_KEY)
    if cid is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(criteria(cid))


def scope_to_clinic(session: Session, clinic_id: int) -> None:
    """From now on ``session`` sees and changes only clinic ``clinic_id``'s rows."""
    session.info[CLINIC_KEY] = clinic_id
    if not event.contains(session, "do_orm_execute", _add_criteria):
        event.listen(session, "do_orm_execute", _add_criteria)


def clinic_of(session: Session) -> int | None:
    value = session.info.get(CLINIC_KEY)
    return int(value) if value is not None else None
