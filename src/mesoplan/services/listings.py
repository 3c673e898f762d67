"""Read use cases the API lists and shows: one page at a time (keyset pagination by id,
``after`` the last id seen), with filters; every query runs in the caller's unit of work,
so a clinic-scoped one sees its clinic's rows only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from ..adapters.db.accounts import ApiKeyRow, AuditEntryRow, UserRow
from ..adapters.db.people import MeasurementRow, PatientHistoryRow, PatientRow
from ..adapters.db.records import CourseRow, ReactionRow, SessionRow
from ..adapters.db.stock import LotRow, ProductRow, VialRow
from ..domain.record_errors import NotFoundError
from .unit_of_work import UnitOfWork

T = TypeVar("T")
MAX_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: int | None
    """The id to pass as ``after`` for the next page (None on the last page)."""


def page(
    uow: UnitOfWork,
    q: Any,
    id_col: Any,
    after: int | None,
    limit: int,
    view: Callable[[Any], T],
) -> Page[T]:
    limit = max(1, min(limit, MAX_PAGE))
    if after is not None:
        q = q.where(id_col > after)
    rows: Sequence[Any] = list(uow.session.execute(q.order_by(id_col).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [view(r[0] if len(r) == 1 else r) for r in rows]
    next_after = int(rows[-1][0].id) if more else None
    return Page(items, next_after)


def patients(
    uow: UnitOfWork, name: str | None, include_deleted: bool, after: int | None, limit: int
) -> Page[Any]:
    from sqlalchemy import func, or_

    from .patients import patient_view

    q = select(PatientRow)
    if not include_deleted:
        q = q.where(PatientRow.deleted_at.is_(None))
    if name:
        pattern = f"%{name.lower()}%"
        q = q.where(
            or_(
                func.lower(PatientRow.family_name).like(pattern),
                func.lower(PatientRow.given_name).like(pattern),
            )
        )
    return page(uow, q, PatientRow.id, after, limit, lambda r: patient_view(uow, r))


def courses(uow: UnitOfWork, patient_id: int | None, after: int | None, limit: int) -> Page[Any]:
    from .courses import course_view

    q = select(CourseRow).where(CourseRow.deleted_at.is_(None))
    if patient_id is not None:
        q = q.where(CourseRow.patient_id == patient_id)
    return page(uow, q, CourseRow.id, after, limit, lambda r: course_view(uow, r))


def sessions(
    uow: UnitOfWork,
    course_id: int | None,
    patient_id: int | None,
    signed: bool | None,
    after: int | None,
    limit: int,
) -> Page[Any]:
    from .session_views import session_view

    q = select(SessionRow).where(SessionRow.deleted_at.is_(None))
    if course_id is not None:
        q = q.where(SessionRow.course_id == course_id)
    if patient_id is not None:
        q = q.where(SessionRow.patient_id == patient_id)
    if signed is not None:
        q = q.where(SessionRow.signed_at.is_not(None) if signed else SessionRow.signed_at.is_(None))
    return page(uow, q, SessionRow.id, after, limit, lambda r: session_view(uow, r))


def measurements(
    uow: UnitOfWork, patient_id: int, kind: str | None, after: int | None, limit: int
) -> Page[Any]:
    from .measurements import measurement_view

    uow.people.patient(patient_id)
    q = select(MeasurementRow).where(
        MeasurementRow.patient_id == patient_id, MeasurementRow.deleted_at.is_(None)
    )
    if kind:
        q = q.where(MeasurementRow.kind == kind)
    return page(uow, q, MeasurementRow.id, after, limit, measurement_view)


def reactions(
    uow: UnitOfWork,
    session_id: int | None,
    patient_id: int | None,
    after: int | None,
    limit: int,
) -> Page[ReactionRow]:
    q = select(ReactionRow).where(ReactionRow.deleted_at.is_(None))
    if session_id is not None:
        q = q.where(ReactionRow.session_id == session_id)
    if patient_id is not None:
        ids = select(SessionRow.id).where(SessionRow.patient_id == patient_id)
        q = q.where(ReactionRow.session_id.in_(ids))
    return page(uow, q, ReactionRow.id, after, limit, lambda r: r)


def lots(uow: UnitOfWork, product: str | None, after: int | None, limit: int) -> Page[Any]:
    from .stock import lot_view

    q = select(LotRow, ProductRow).join(ProductRow, ProductRow.id == LotRow.product_id)
    if product:
        q = q.where(ProductRow.name == product)
    return page(uow, q, LotRow.id, after, limit, lambda r: lot_view(uow, r[0], r[1]))


def lot(uow: UnitOfWork, lot_id: int) -> Any:
    from .stock import lot_view

    row = uow.session.get(LotRow, lot_id)
    if row is None:
        raise NotFoundError(f"unknown lot {lot_id}")
    return lot_view(uow, row, uow.session.get_one(ProductRow, row.product_id))


def vials(uow: UnitOfWork, lot_number: str | None, after: int | None, limit: int) -> Page[Any]:
    from .stock import vial_view

    q = (
        select(VialRow, LotRow, ProductRow)
        .join(LotRow, LotRow.id == VialRow.lot_id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
    )
    if lot_number:
        q = q.where(LotRow.lot_number == lot_number)
    return page(uow, q, VialRow.id, after, limit, lambda r: vial_view(uow, r[0], r[1], r[2]))


def vial(uow: UnitOfWork, code: str) -> Any:
    from .stock import vial_view

    row = uow.stock.vial(code)
    lot_row = uow.session.get_one(LotRow, row.lot_id)
    return vial_view(uow, row, lot_row, uow.session.get_one(ProductRow, lot_row.product_id))


def users(uow: UnitOfWork, role: str | None, after: int | None, limit: int) -> Page[Any]:
    from .accounts import user_view

    q = select(UserRow)
    if role:
        q = q.where(UserRow.role == role)
    return page(uow, q, UserRow.id, after, limit, lambda r: user_view(uow, r))


def api_keys(uow: UnitOfWork, user_id: int, after: int | None, limit: int) -> Page[Any]:
    from .accounts import user_row
    from .api_keys import api_key_view

    user_row(uow, user_id)
    q = select(ApiKeyRow).where(ApiKeyRow.user_id == user_id)
    return page(uow, q, ApiKeyRow.id, after, limit, api_key_view)


def audit_entries(uow: UnitOfWork, after: int | None, limit: int) -> Page[AuditEntryRow]:
    return page(uow, select(AuditEntryRow), AuditEntryRow.id, after, limit, lambda r: r)


def history_versions(uow: UnitOfWork, patient_id: int, after: int | None, limit: int) -> Page[Any]:
    from .patients import history_view

    uow.people.patient(patient_id)
    q = select(PatientHistoryRow).where(PatientHistoryRow.patient_id == patient_id)

    def view(row: PatientHistoryRow) -> Any:
        return history_view(row, uow.people.practitioner_by_id(row.recorded_by_id).handle)

    return page(uow, q, PatientHistoryRow.id, after, limit, view)


def reaction(uow: UnitOfWork, reaction_id: int) -> ReactionRow:
    return uow.records.reaction(reaction_id)
