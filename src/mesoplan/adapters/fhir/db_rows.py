"""Database rows to entries, for the record types read through joins: products drawn,
reactions, signatures and measurements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from ...domain.outcomes import Measurement, PhotoRef
from ...domain.reactions import Reaction
from ..db.people import MeasurementRow
from ..db.records import AddendumRow, CosignatureRow, ReactionRow, SessionRow
from ..db.stock import LotRow, ProductRow, ProductUseRow, VialRow
from .entries import MeasurementEntry, ProductUseEntry, ReactionEntry, SignatureEntry, ZoneEntry

if TYPE_CHECKING:
    from .db_source import DatabaseSource


def _route(source: DatabaseSource, course_id: int, zones: Sequence[ZoneEntry]) -> str:
    protocols = source.course(course_id)[1]
    for zone in zones:
        for protocol in protocols:
            rule = protocol.rule_for_group(zone.group)
            if rule is not None:
                return rule.route.value
    return protocols[0].area_rules[0].route.value


def use_entries(source: DatabaseSource) -> Iterator[tuple[ProductUseEntry, Sequence[ZoneEntry]]]:
    """Each product drawn into a live session's mix, with its lot, expiry and vial."""
    query = (
        select(ProductUseRow, LotRow, ProductRow, VialRow.code, SessionRow)
        .join(LotRow, LotRow.id == ProductUseRow.lot_id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
        .join(SessionRow, SessionRow.id == ProductUseRow.session_id)
        .outerjoin(VialRow, VialRow.id == ProductUseRow.vial_id)
        .where(SessionRow.deleted_at.is_(None))
        .order_by(ProductUseRow.session_id, ProductUseRow.position)
    )
    if source.patient_id is not None:
        query = query.where(SessionRow.patient_id == source.patient_id)
    for use, lot, product, vial_code, session in source.stream(query):
        zones = source.course(session.course_id)[2]
        entry = ProductUseEntry(
            key=str(use.id),
            session_key=str(session.id),
            patient_key=str(session.patient_id),
            practitioner_key=str(session.practitioner_id),
            performed_at=session.performed_at,
            product=product.name,
            active_ingredient=product.active_ingredient,
            provides=use.ingredient,
            lot_number=lot.lot_number,
            expiry_date=lot.expiry_date,
            volume_ml=use.volume_ul / 1000.0,
            route=_route(source, session.course_id, zones),
            vial_code=vial_code,
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
    if source.patient_id is not None:
        query = query.where(SessionRow.patient_id == source.patient_id)
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
    live = SessionRow.deleted_at.is_(None)
    mine = [] if source.patient_id is None else [SessionRow.patient_id == source.patient_id]
    signed = select(SessionRow).where(live, SessionRow.signed_at.is_not(None), *mine)
    for (row,) in source.stream(signed.order_by(SessionRow.id)):
        assert row.signed_at is not None and row.signed_by_id is not None
        yield SignatureEntry(
            f"s{row.id}",
            str(row.id),
            str(row.signed_by_id),
            row.signed_at,
            "author",
            row.signature or "",
        )
    cosigned = select(CosignatureRow).join(SessionRow, SessionRow.id == CosignatureRow.session_id)
    for (c,) in source.stream(cosigned.where(live, *mine).order_by(CosignatureRow.session_id)):
        yield SignatureEntry(
            f"c{c.session_id}",
            str(c.session_id),
            str(c.practitioner_id),
            c.signed_at,
            "cosigner",
            c.signature,
        )
    addenda = select(AddendumRow).join(SessionRow, SessionRow.id == AddendumRow.session_id)
    for (a,) in source.stream(addenda.where(live, *mine).order_by(AddendumRow.id)):
        yield SignatureEntry(
            f"a{a.id}",
            str(a.session_id),
            str(a.author_id),
            a.signed_at,
            "addendum",
            a.signature,
            a.text,
        )
