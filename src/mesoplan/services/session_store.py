"""Between stored session rows and the domain's :class:`SessionRecord`.

Charted points: the session row keeps one status byte per planned point; a
``session_point`` row holds each change that is not a plain skip (a point moved, given
another depth or volume, or added). Rebuilding the delivery replays those changes on the
planned map with the domain's ``deliver``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..domain.charting import (
    AnaestheticApplication,
    Needle,
    ProductUse,
    SessionRecord,
    Signature,
)
from ..domain.charting_points import Delivery, PointChange, PointStatus
from ..domain.protocol import Protocol
from .courses import canonical, protocol_of, sha256
from .unit_of_work import UnitOfWork
from .views import ul_to_ml

if TYPE_CHECKING:
    from ..adapters.db.records import SessionPointRow, SessionRow


def protocol_of_course(uow: UnitOfWork, course_id: int) -> Protocol:
    return protocol_of(uow.records.course_snapshots(course_id)[0])


def point_rows(session_id: int, delivery: Delivery) -> list[SessionPointRow]:
    from ..adapters.db.maps import compact
    from ..adapters.db.records import SessionPointRow

    return [
        SessionPointRow(
            session_id=session_id,
            point_id=c.point_id,
            status=c.status.value,
            x_cm=c.x_cm,
            y_cm=c.y_cm,
            depth_mm=c.depth_mm,
            volume_ml=c.volume_ml,
        )
        for c in compact(delivery)[1]
    ]


def status_bytes(delivery: Delivery) -> bytes:
    from ..adapters.db.maps import compact

    return compact(delivery)[0]


def load_delivery(uow: UnitOfWork, row: SessionRow) -> Delivery:
    from ..adapters.db.maps import decode_points, replay

    planned = decode_points(uow.records.planned_map_by_id(row.planned_map_id).data)
    rows = [
        PointChange(p.point_id, PointStatus(p.status), p.x_cm, p.y_cm, p.depth_mm, p.volume_ml)
        for p in uow.records.points_of(row.id)
    ]
    return replay(planned, row.point_status, rows)


def load_record(uow: UnitOfWork, row: SessionRow) -> SessionRecord:
    """The stored session as the domain's record, signatures and addenda included."""
    protocol = protocol_of_course(uow, row.course_id)
    mix, diluent = [], None
    for use, lot, product in uow.stock.uses_of_session(row.id):
        if use.role == "diluent":
            diluent = lot.lot_number
            continue
        vial = uow.stock.vial_by_id(use.vial_id).code if use.vial_id is not None else None
        mix.append(
            ProductUse(
                product.name,
                product.active_ingredient or product.name,
                lot.lot_number,
                ul_to_ml(use.volume_ul),
                use.ingredient or product.name,
                vial,
            )
        )
    record = SessionRecord(
        session_id=str(row.id),
        protocol_key=protocol.key,
        performed_at=row.performed_at,
        delivery=load_delivery(uow, row),
        mix=tuple(mix),
        anaesthetic=_anaesthetic(row),
        needle=Needle(row.needle_gauge, row.needle_length_mm)
        if row.needle_gauge is not None and row.needle_length_mm is not None
        else None,
        diluent_lot=diluent,
        notes=row.notes or "",
    )
    _restore_signatures(uow, row, record)
    return record


def _anaesthetic(row: SessionRow) -> AnaestheticApplication | None:
    if row.anaesthetic is None or row.anaesthetic_amount_g is None:
        return None
    assert row.anaesthetic_applied_at is not None
    return AnaestheticApplication(
        row.anaesthetic, row.anaesthetic_amount_g, row.anaesthetic_applied_at
    )


def _restore_signatures(uow: UnitOfWork, row: SessionRow, record: SessionRecord) -> None:
    from ..domain.charting import Addendum

    if row.signed_at is None or row.signed_by_id is None:
        return
    handle = uow.people.practitioner_by_id
    record.signature = Signature(handle(row.signed_by_id).handle, row.signed_at)
    co = uow.records.cosignature(row.id)
    if co is not None:
        object.__setattr__(
            record, "cosignature", Signature(handle(co.practitioner_id).handle, co.signed_at)
        )
    addenda = tuple(
        Addendum(str(row.id), a.text, handle(a.author_id).handle, a.signed_at)
        for a in uow.records.addenda(row.id)
    )
    object.__setattr__(record, "addenda", addenda)


def content_of(uow: UnitOfWork, row: SessionRow) -> dict[str, Any]:
    """What a signature covers: every charted fact of the session."""
    uses = [
        {
            "product": product.name,
            "lot": lot.lot_number,
            "vial": uow.stock.vial_by_id(u.vial_id).code if u.vial_id is not None else None,
            "volume_ul": u.volume_ul,
            "ingredient": u.ingredient,
            "role": u.role,
        }
        for u, lot, product in uow.stock.uses_of_session(row.id)
    ]
    points = [
        [p.point_id, p.status, p.x_cm, p.y_cm, p.depth_mm, p.volume_ml]
        for p in uow.records.points_of(row.id)
    ]
    return {
        "session": row.id,
        "course": row.course_id,
        "patient": row.patient_id,
        "number": row.number,
        "performed_at": utc_iso(row.performed_at),
        "practitioner": row.practitioner_id,
        "planned_map": uow.records.planned_map_by_id(row.planned_map_id).content_hash,
        "point_status": row.point_status.hex(),
        "points": points,
        "uses": uses,
        "needle": [row.needle_gauge, row.needle_length_mm, row.needle_lot],
        "anaesthetic": [
            row.anaesthetic,
            row.anaesthetic_amount_g,
            utc_iso(row.anaesthetic_applied_at) if row.anaesthetic_applied_at else None,
        ],
        "notes": row.notes,
    }


def utc_iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def signature_of(content: dict[str, Any], signer: str, at: datetime) -> str:
    return sha256(canonical({"content": content, "signed_by": signer, "signed_at": utc_iso(at)}))
