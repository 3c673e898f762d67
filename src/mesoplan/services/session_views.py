"""The read view of a charted session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.safety import ScreeningResult
from .courses import finding_views
from .session_store import load_record
from .unit_of_work import UnitOfWork
from .views import FindingView, ul_to_ml

if TYPE_CHECKING:
    from ..adapters.db.records import SessionRow


@dataclass(frozen=True)
class SessionView:
    id: int
    course_id: int
    patient_id: int
    number: int
    performed_at: datetime
    practitioner: str
    points: dict[str, Any]
    uses: tuple[dict[str, Any], ...]
    needle: dict[str, Any] | None
    anaesthetic: dict[str, Any] | None
    notes: str | None
    signed_by: str | None
    signed_at: datetime | None
    signature: str | None
    cosigned_by: str | None
    cosigned_at: datetime | None
    addenda: tuple[dict[str, Any], ...]
    findings: tuple[FindingView, ...]
    warnings: tuple[str, ...]
    verified: bool | None = None
    """Signed: whether the content still verifies (None: not signed)."""
    verification: tuple[str, ...] = ()
    """How a signed session's content no longer verifies."""


def _uses(uow: UnitOfWork, row: SessionRow) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "product": product.name,
            "lot_number": lot.lot_number,
            "expiry_date": lot.expiry_date.isoformat(),
            "vial": uow.stock.vial_by_id(u.vial_id).code if u.vial_id is not None else None,
            "volume_ml": ul_to_ml(u.volume_ul),
            "provides": u.ingredient,
            "role": u.role,
        }
        for u, lot, product in uow.stock.uses_of_session(row.id)
    )


def session_view(
    uow: UnitOfWork, row: SessionRow, result: ScreeningResult | None = None
) -> SessionView:
    record = load_record(uow, row)
    t = record.totals()
    needle = (
        {"gauge": row.needle_gauge, "length_mm": row.needle_length_mm, "lot": row.needle_lot}
        if row.needle_gauge is not None
        else None
    )
    anaesthetic = (
        {
            "name": row.anaesthetic,
            "amount_g": row.anaesthetic_amount_g,
            "applied_at": row.anaesthetic_applied_at,
        }
        if row.anaesthetic
        else None
    )
    sig, co = record.signature, record.cosignature
    problems = tuple(str(m) for m in uow.sessions.check(row)) if sig else ()
    return SessionView(
        id=row.id,
        course_id=row.course_id,
        patient_id=row.patient_id,
        number=row.number,
        performed_at=row.performed_at,
        practitioner=uow.people.practitioner_by_id(row.practitioner_id).handle,
        points={
            "planned": t.points_planned,
            "done": t.points_done,
            "moved": t.points_moved,
            "skipped": t.points_skipped,
            "added": t.points_added,
            "planned_volume_ml": round(t.planned_volume_ml, 6),
            "delivered_volume_ml": round(t.volume_ml, 6),
        },
        uses=_uses(uow, row),
        needle=needle,
        anaesthetic=anaesthetic,
        notes=row.notes,
        signed_by=sig.practitioner_id if sig else None,
        signed_at=sig.at if sig else None,
        signature=row.signature,
        cosigned_by=co.practitioner_id if co else None,
        cosigned_at=co.at if co else None,
        addenda=tuple(
            {"signed_by": a.signed_by, "signed_at": a.at, "text": a.text} for a in record.addenda
        ),
        findings=tuple(finding_views(result)) if result is not None else kept_overrides(uow, row),
        warnings=tuple(record.warnings()),
        verified=None if sig is None else not problems,
        verification=problems,
    )


def kept_overrides(uow: UnitOfWork, row: SessionRow) -> tuple[FindingView, ...]:
    """The stops overridden when the session was charted, with the reasons kept."""
    return tuple(
        FindingView(o.code, "stop", o.subject, None, o.reason)
        for o in uow.records.overrides_of(row.course_id)
        if o.session_id == row.id
    )


def read_session_view(uow: UnitOfWork, session_id: int) -> SessionView:
    """A session, read in an open unit of work (entered in the access log)."""
    row = uow.records.treatment_session(session_id)
    uow.log_access([row.patient_id], "read session", f"session {row.id}")
    return session_view(uow, row)


def show_session(uow: UnitOfWork, session_id: int) -> SessionView:
    with uow:
        return read_session_view(uow, session_id)


def session_points(uow: UnitOfWork, session_id: int) -> list[dict[str, Any]]:
    """Every point of the session: id, status, x_cm, y_cm, depth_mm, volume_ml."""
    with uow:
        row = uow.records.treatment_session(session_id)
        uow.log_access([row.patient_id], "read session points", f"session {row.id}")
        return list(load_record(uow, row).delivery.rows())
