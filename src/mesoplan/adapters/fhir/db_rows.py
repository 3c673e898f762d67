"""Database rows to entries, for the record types read through joins: products drawn,
reactions, signatures and measurements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.outcomes import Measurement, PhotoRef
from ...domain.protocol import Protocol
from ...domain.reactions import Reaction
from ..db.people import MeasurementRow
from ..db.records import AddendumRow, CosignatureRow, ReactionRow, SessionRow
from ..db.stock import LotRow, ProductRow, ProductUseRow, VialRow
from .entries import MeasurementEntry, ProductUseEntry, ReactionEntry, SignatureEntry, ZoneEntry

if TYPE_CHECKING:
    from .db_source import DatabaseSource


def _route(protocols: Sequence[Protocol], zones: Sequence[ZoneEntry]) -> str:
    for zone in zones:
        for protocol in protocols:
            rule = protocol.rule_for_group(zone.group)
            if rule is not None:
                return rule.route.value
    return protocols[0].area_rules[0].route.value


def use_entries(source: DatabaseSource) -> Iterator[tuple[ProductUseEntry, Sequence[ZoneEntry]]]:
    """Each product drawn into a live session's mix, with its lot, expiry and vial."""
    from .db_source import CourseWalk

    u, s = ProductUseRow, SessionRow
    query = (
        select(u.id, u.session_id, u.ingredient, u.volume_ul, LotRow.lot_number,
               LotRow.expiry_date, ProductRow.name, ProductRow.active_ingredient, VialRow.code,
               s.course_id, s.patient_id, s.practitioner_id, s.performed_at)
        .join(LotRow, LotRow.id == u.lot_id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
        .join(s, s.id == u.session_id)
        .outerjoin(VialRow, VialRow.id == u.vial_id)
        .where(s.deleted_at.is_(None))
        .order_by(s.course_id, u.session_id, u.position)
    )  # fmt: skip
    query = source.scoped(query, s.patient_id)
    walk = CourseWalk(source)
    for row in source.stream(query):
        _, protocols, zones = walk.get(row.course_id)
        entry = ProductUseEntry(
            key=str(row.id),
            session_key=str(row.session_id),
            patient_key=str(row.patient_id),
            practitioner_key=str(row.practitioner_id),
            performed_at=row.performed_at,
            product=row.name,
            active_ingredient=row.active_ingredient,
            provides=row.ingredient,
            lot_number=row.lot_number,
            expiry_date=row.expiry_date,
            volume_ml=row.volume_ul / 1000.0,
            route=_route(protocols, zones),
            vial_code=row.code,
            zone_keys=tuple(z.key for z in zones),
        )
        yield entry, zones


def measurement_entry(row: MeasurementRow) -> MeasurementEntry:
    photo = None
    if row.photo_file:
        meta = row.meta
        photo = PhotoRef(row.photo_file, meta["camera"], meta["lighting"], meta["pose"])
    measurement = Measurement(
        row.kind,
        row.taken_at,
        row.value,
        row.site,
        row.height_above_kneecap_cm,
        photo,
        row.note or "",
    )
    course = None if row.course_id is None else str(row.course_id)
    return MeasurementEntry(
        str(row.id), str(row.patient_id), str(row.recorded_by_id), measurement, course
    )


def reaction_entries(source: DatabaseSource) -> Iterator[ReactionEntry]:
    query = (
        select(ReactionRow, SessionRow.patient_id, SessionRow.course_id)
        .join(SessionRow, SessionRow.id == ReactionRow.session_id)
        .where(ReactionRow.deleted_at.is_(None), SessionRow.deleted_at.is_(None))
        .order_by(ReactionRow.id)
    )
    query = source.scoped(query, SessionRow.patient_id)
    for row, patient_id, course_id in source.stream(query):
        zone = row.zone or "unknown"
        zone_keys = {z.zone_id: z.key for z in source.course(course_id)[2]}
        reaction = Reaction(
            row.kind,
            zone,
            row.onset_at,
            row.severity,
            row.duration_min,
            row.resolved,
            row.note or "",
        )
        yield ReactionEntry(
            str(row.id),
            str(row.session_id),
            str(patient_id),
            reaction,
            row.recorded_at,
            str(row.recorded_by_id),
            tuple(str(f.get("message", f)) for f in row.flags),
            zone_keys.get(zone),
        )


def signature_entries(source: DatabaseSource) -> Iterator[SignatureEntry]:
    """The author's signature of each signed session, co-signatures, signed addenda."""
    r, c, a = SessionRow, CosignatureRow, AddendumRow
    live = r.deleted_at.is_(None)
    signed = select(r.id, r.signed_by_id, r.signed_at, r.signature).where(
        live, r.signed_at.is_not(None)
    )
    for sid, by, at, signature in source.stream(source.scoped(signed, r.patient_id).order_by(r.id)):
        yield SignatureEntry(f"s{sid}", str(sid), str(by), at, "author", signature or "")
    cosigned = select(c.session_id, c.practitioner_id, c.signed_at, c.signature).join(
        r, r.id == c.session_id
    )
    query = source.scoped(cosigned.where(live), r.patient_id).order_by(c.session_id)
    for sid, by, at, signature in source.stream(query):
        yield SignatureEntry(f"c{sid}", str(sid), str(by), at, "cosigner", signature)
    addenda = select(a.id, a.session_id, a.author_id, a.signed_at, a.signature, a.text).join(
        r, r.id == a.session_id
    )
    query = source.scoped(addenda.where(live), r.patient_id).order_by(a.id)
    for aid, sid, by, at, signature, text in source.stream(query):
        yield SignatureEntry(f"a{aid}", str(sid), str(by), at, "addendum", signature, text)


def delivered_ml(session: Session, session_id: int, planned_map_id: int, codes: bytes) -> float:
    """The volume a session delivered, replayed by the session repository."""
    from ..db.session_repository import replay_delivery

    return replay_delivery(session, planned_map_id, codes, session_id).totals().volume_ml
