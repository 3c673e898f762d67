"""Who received a lot or a vial: every patient, session, date, product, vial and volume.

One indexed query: ``lot.lot_number`` (or ``vial.code``) -> ``product_use`` by
``(lot_id, session_id)`` (or ``(vial_id, session_id)``) -> session, patient, product by
primary key; no ORDER BY in SQL (see :func:`_rows`). Deleted patients and sessions are
listed too (flagged): a recall must reach everyone who was exposed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .people import PatientRow
from .records import SessionRow
from .stock import LotRow, ProductRow, ProductUseRow, VialRow

COLUMNS: tuple[str, ...] = (
    "patient_id",
    "family_name",
    "given_name",
    "birth_date",
    "phone",
    "email",
    "patient_deleted",
    "course_id",
    "session_id",
    "session_number",
    "performed_at",
    "signed",
    "session_deleted",
    "product",
    "lot_number",
    "expiry_date",
    "vial",
    "volume_ul",
    "ingredient",
    "role",
)


def recipients_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            PatientRow.id,
            PatientRow.family_name,
            PatientRow.given_name,
            PatientRow.birth_date,
            PatientRow.phone,
            PatientRow.email,
            PatientRow.deleted_at.is_not(None),
            SessionRow.course_id,
            SessionRow.id,
            SessionRow.number,
            SessionRow.performed_at,
            SessionRow.signed_at.is_not(None),
            SessionRow.deleted_at.is_not(None),
            ProductRow.name,
            LotRow.lot_number,
            LotRow.expiry_date,
            VialRow.code,
            ProductUseRow.volume_ul,
            ProductUseRow.ingredient,
            ProductUseRow.role,
            ProductUseRow.position,
        )
        .select_from(ProductUseRow)
        .join(LotRow, LotRow.id == ProductUseRow.lot_id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
        .join(SessionRow, SessionRow.id == ProductUseRow.session_id)
        .join(PatientRow, PatientRow.id == SessionRow.patient_id)
        .outerjoin(VialRow, VialRow.id == ProductUseRow.vial_id)
    )


def who_received_lot(session: Session, lot_number: str) -> list[dict[str, Any]]:
    """Every use of any lot numbered ``lot_number`` (of any product)."""
    lot_ids = select(LotRow.id).where(LotRow.lot_number == lot_number)
    q = recipients_query().where(ProductUseRow.lot_id.in_(lot_ids))
    return _rows(session, q)


def who_received_vial(session: Session, vial_code: str) -> list[dict[str, Any]]:
    vial_ids = select(VialRow.id).where(VialRow.code == vial_code)
    q = recipients_query().where(ProductUseRow.vial_id.in_(vial_ids))
    return _rows(session, q)


def who_received_lots(session: Session, lot_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every use of any of these lots (by id): the exposure of a session's mix."""
    if not lot_ids:
        return []
    return _rows(session, recipients_query().where(ProductUseRow.lot_id.in_(lot_ids)))


def _rows(session: Session, q: Select[*tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows in session order. Sorted here, not in SQL: an ORDER BY on the session's date
    tempts SQLite into walking every session by date instead of the lot's few uses."""
    at, sid = COLUMNS.index("performed_at"), COLUMNS.index("session_id")
    # Through the session (ORM execution), not its connection: a clinic-scoped session
    # adds its tenancy criteria there (adapters/db/tenancy.py); Core would skip them.
    rows = sorted(session.execute(q), key=lambda r: (r[at], r[sid], r[-1]))
    return [dict(zip(COLUMNS, row[:-1], strict=True)) for row in rows]
