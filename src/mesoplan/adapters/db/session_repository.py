"""One mapping for the session aggregate: stored rows in, the domain's
:class:`SessionRecord` out, and back.

A delivery is replayed from its stored form in one place (:func:`replay_delivery`), which
the session record, signing, verification, the web and the FHIR export all read. Signing
goes through here too: the signature covers the content of the current content version
(:mod:`.signed_content`), and the signing is entered in the audit chain with its content
hash.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.charting import (
    Addendum,
    AnaestheticApplication,
    Needle,
    ProductUse,
    SessionRecord,
    Signature,
)
from ...domain.charting_points import Delivery, PointChange, PointStatus
from ...domain.protocol_text import protocol_from_data
from ...domain.record_errors import NotFoundError, RefusedError
from . import signed_content
from .audit import note
from .maps import compact, decode_points, replay
from .people import PractitionerRow
from .record_check import Mismatch, SignEvent, check_session, sign_event_of
from .records import (
    AddendumRow,
    CosignatureRow,
    CourseProtocolRow,
    CourseRow,
    PlannedMapRow,
    ProtocolSnapshotRow,
    SessionPointRow,
    SessionRow,
)
from .signed_content import canonical, sha256, utc_iso
from .stock import LotRow, ProductRow, ProductUseRow, VialRow


@dataclass(frozen=True)
class StoredUse:
    """A product drawn into a session, as stored (``role`` ``mix`` or ``diluent``)."""

    role: str
    lot_id: int
    vial_id: int | None
    volume_ul: int
    ingredient: str | None


def replay_delivery(
    session: Session, planned_map_id: int, status: bytes, session_id: int
) -> Delivery:
    """A stored delivery: the planned map, its status bytes and the stored changes."""
    planned = decode_points(session.get_one(PlannedMapRow, planned_map_id).data)
    q = (
        select(SessionPointRow)
        .where(SessionPointRow.session_id == session_id)
        .order_by(SessionPointRow.id)
    )
    rows = [
        PointChange(p.point_id, PointStatus(p.status), p.x_cm, p.y_cm, p.depth_mm, p.volume_ml)
        for p in session.scalars(q)
    ]
    return replay(planned, status, rows)


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self, session_id: int) -> SessionRow:
        row = self.session.get(SessionRow, session_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"unknown session {session_id}; see `mesoplan patient show`")
        return row

    def protocol_key(self, course_id: int) -> str:
        q = (
            select(ProtocolSnapshotRow)
            .join(CourseProtocolRow, CourseProtocolRow.snapshot_id == ProtocolSnapshotRow.id)
            .where(CourseProtocolRow.course_id == course_id, CourseProtocolRow.position == 0)
        )
        snapshot = self.session.scalars(q).one()
        protocol = protocol_from_data(json.loads(snapshot.canonical_json))
        if protocol.content_hash != snapshot.content_hash:
            raise RefusedError(
                f"protocol snapshot {snapshot.protocol_id}@{snapshot.version} does not match "
                "its hash: the stored copy was altered"
            )
        return protocol.key

    def delivery(self, row: SessionRow) -> Delivery:
        return replay_delivery(self.session, row.planned_map_id, row.point_status, row.id)

    def uses(self, row: SessionRow) -> list[tuple[ProductUseRow, LotRow, ProductRow, str | None]]:
        q = (
            select(ProductUseRow, LotRow, ProductRow, VialRow.code)
            .join(LotRow, LotRow.id == ProductUseRow.lot_id)
            .join(ProductRow, ProductRow.id == LotRow.product_id)
            .outerjoin(VialRow, VialRow.id == ProductUseRow.vial_id)
            .where(ProductUseRow.session_id == row.id)
            .order_by(ProductUseRow.position)
        )
        return [(u, lot, p, vial) for u, lot, p, vial in self.session.execute(q)]

    def record(self, row: SessionRow, protocol_key: str | None = None) -> SessionRecord:
        """The stored session as the domain's record, signatures and addenda included."""
        mix, diluent = [], None
        for use, lot, product, vial in self.uses(row):
            if use.role == "diluent":
                diluent = lot.lot_number
                continue
            mix.append(
                ProductUse(
                    product.name,
                    product.active_ingredient or product.name,
                    lot.lot_number,
                    round(use.volume_ul / 1000, 3),
                    use.ingredient or product.name,
                    vial,
                )
            )
        record = SessionRecord(
            session_id=str(row.id),
            protocol_key=protocol_key or self.protocol_key(row.course_id),
            performed_at=row.performed_at,
            delivery=self.delivery(row),
            mix=tuple(mix),
            anaesthetic=_anaesthetic(row),
            needle=Needle(row.needle_gauge, row.needle_length_mm)
            if row.needle_gauge is not None and row.needle_length_mm is not None
            else None,
            diluent_lot=diluent,
            notes=row.notes or "",
        )
        self._restore_signatures(row, record)
        return record

    def _handle(self, practitioner_id: int) -> str:
        return self.session.get_one(PractitionerRow, practitioner_id).handle

    def _restore_signatures(self, row: SessionRow, record: SessionRecord) -> None:
        if row.signed_at is None or row.signed_by_id is None:
            return
        record.signature = Signature(self._handle(row.signed_by_id), row.signed_at)
        co = self.session.get(CosignatureRow, row.id)
        if co is not None:
            cosigner = Signature(self._handle(co.practitioner_id), co.signed_at)
            object.__setattr__(record, "cosignature", cosigner)
        q = select(AddendumRow).where(AddendumRow.session_id == row.id).order_by(AddendumRow.id)
        addenda = tuple(
            Addendum(str(row.id), a.text, self._handle(a.author_id), a.signed_at)
            for a in self.session.scalars(q)
        )
        object.__setattr__(record, "addenda", addenda)

    def save_delivery(self, row: SessionRow, delivery: Delivery) -> None:
        """Store a delivery: its status bytes on the row (a new row is added), a point
        row per change that a byte cannot say (an earlier charting's rows replaced)."""
        status, changes = compact(delivery)
        row.point_status = status
        if row.id is None:
            self.session.add(row)
        else:
            q = select(SessionPointRow).where(SessionPointRow.session_id == row.id)
            for p in self.session.scalars(q):
                self.session.delete(p)
        self.session.flush()
        self.session.add_all(_point_rows(row.id, changes))

    def sign(self, row: SessionRow, signer: PractitionerRow, at: datetime) -> None:
        """Sign the stored content in the current content version; the signing and its
        content hash go into the audit entry of this transaction."""
        self.session.flush()
        version = signed_content.CURRENT_VERSION
        doc = signed_content.content(signed_content.stored_session(self.session, row), version)
        row.signature = signed_content.signature_of(doc, version, signer.handle, at)
        row.content_version = version
        row.signed_at, row.signed_by_id = at, signer.id
        event = SignEvent(
            row.id, version, signed_content.content_hash(doc), signed_content.field_hashes(doc)
        )
        note(self.session, event.as_change(), ("session_id", row.id))

    def add(
        self,
        course: CourseRow,
        practitioner_id: int,
        number: int,
        record: SessionRecord,
        needle_lot: str | None,
        now: datetime,
    ) -> SessionRow:
        """A new session row from its domain record, its delivery stored with it."""
        a, needle = record.anaesthetic, record.needle
        row = SessionRow(
            course_id=course.id,
            patient_id=course.patient_id,
            number=number,
            performed_at=record.performed_at,
            practitioner_id=practitioner_id,
            planned_map_id=course.planned_map_id,
            needle_gauge=needle.gauge if needle else None,
            needle_length_mm=needle.length_mm if needle else None,
            needle_lot=needle_lot,
            anaesthetic=a.name if a else None,
            anaesthetic_amount_g=a.amount_g if a else None,
            anaesthetic_applied_at=a.applied_at if a else None,
            notes=record.notes or None,
            created_at=now,
        )
        self.save_delivery(row, record.delivery)
        return row

    def add_use(self, row: SessionRow, position: int, use: StoredUse) -> None:
        self.session.add(
            ProductUseRow(
                session_id=row.id,
                position=position,
                role=use.role,
                lot_id=use.lot_id,
                vial_id=use.vial_id,
                volume_ul=use.volume_ul,
                ingredient=use.ingredient,
            )
        )

    def cosign(self, row: SessionRow, director: PractitionerRow, co: Signature) -> None:
        """A co-signature: a row of its own over the session's signature."""
        assert row.signature is not None
        doc = {"cosigns": row.signature, "by": co.practitioner_id, "at": utc_iso(co.at)}
        self.session.add(
            CosignatureRow(
                session_id=row.id,
                practitioner_id=director.id,
                signed_at=co.at,
                signature=sha256(canonical(doc)),
            )
        )

    def amend(self, row: SessionRow, author: PractitionerRow, addendum: Addendum) -> None:
        """A signed addendum pointing to the session's signature."""
        doc = {
            "amends": row.signature,
            "text": addendum.text,
            "by": addendum.signed_by,
            "at": utc_iso(addendum.at),
        }
        self.session.add(
            AddendumRow(
                session_id=row.id,
                author_id=author.id,
                signed_at=addendum.at,
                text=addendum.text,
                signature=sha256(canonical(doc)),
            )
        )

    def check(self, row: SessionRow) -> list[Mismatch]:
        """How a signed session no longer verifies (empty when it does or is unsigned)."""
        if row.signed_at is None or row.signed_by_id is None:
            return []
        event = sign_event_of(self.session, row.id)
        return check_session(self.session, row, self._handle(row.signed_by_id), event)


def _point_rows(session_id: int, changes: Sequence[PointChange]) -> list[SessionPointRow]:
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
        for c in changes
    ]


def _anaesthetic(row: SessionRow) -> AnaestheticApplication | None:
    if row.anaesthetic is None or row.anaesthetic_amount_g is None:
        return None
    assert row.anaesthetic_applied_at is not None
    return AnaestheticApplication(
        row.anaesthetic, row.anaesthetic_amount_g, row.anaesthetic_applied_at
    )
