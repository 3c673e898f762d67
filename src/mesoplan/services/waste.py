"""Use cases: discard an open vial or a lot's unopened units (with the reason and the
volume left), and the waste report of a period.

A discarded vial is emptied (nothing more can be drawn from it); a lot's discarded units
can no longer be opened. The report counts, per product, the vials opened in the period,
what was discarded (by reason), what expired unopened and what was left in vials past
their beyond-use time without being discarded, in mL and, where the product has a
price per mL, in cost.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.record_errors import ConflictError, NotFoundError, RefusedError
from .unit_of_work import UnitOfWork
from .views import ml_to_ul, ul_to_ml

if TYPE_CHECKING:
    from ..adapters.db.clinic_ops import WasteRow
    from ..adapters.db.stock import LotRow, ProductRow, VialRow

WASTE_REASONS: tuple[str, ...] = ("expired", "beyond_use", "contaminated", "dropped", "recalled")
NOTE_MAX_CHARS = 1000
REPORT_MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class WasteView:
    id: int
    product: str
    lot_number: str
    vial: str | None
    units: int
    volume_ml: float
    reason: str
    note: str | None
    discarded_at: dt.datetime
    discarded_by: str


def _check(reason: str, note: str | None) -> str | None:
    if reason not in WASTE_REASONS:
        raise RefusedError(f"waste reason {reason!r}; valid: {', '.join(WASTE_REASONS)}")
    if note is not None and len(note) > NOTE_MAX_CHARS:
        raise RefusedError(f"note: at most {NOTE_MAX_CHARS} characters, got {len(note)}")
    return note.strip() or None if note is not None else None


def _view(row: WasteRow, lot: LotRow, product: ProductRow, vial: str | None, by: str) -> WasteView:
    return WasteView(
        row.id,
        product.name,
        lot.lot_number,
        vial,
        row.units,
        ul_to_ml(row.volume_ul),
        row.reason,
        row.note,
        row.discarded_at,
        by,
    )


def discard_vial(
    uow: UnitOfWork,
    actor: str | None,
    code: str,
    reason: str,
    volume_left_ml: float | None = None,
    note: str | None = None,
) -> WasteView:
    """Discard an open vial with the volume left in it (default: what the records say
    is left; more than that is refused)."""
    from ..adapters.db.stock import LotRow, ProductRow

    note = _check(reason, note)
    with uow:
        who = uow.people.practitioner(actor)
        vial = uow.stock.vial(code)
        lot = uow.session.get_one(LotRow, vial.lot_id)
        product = uow.session.get_one(ProductRow, lot.product_id)
        if product.clinic_id != who.clinic_id:
            raise NotFoundError(f"unknown vial {code!r}")
        _check_not_discarded(uow, vial)
        left = vial.volume_remaining_ul if volume_left_ml is None else _left(volume_left_ml, code)
        if left > vial.volume_remaining_ul:
            raise RefusedError(
                f"vial {code}: the records say {ul_to_ml(vial.volume_remaining_ul):g} mL is "
                f"left, not {volume_left_ml:g} mL"
            )
        row = _add(uow, who.id, who.clinic_id, lot, vial.id, 0, left, reason, note)
        vial.volume_remaining_ul = 0
        uow.flush()
        view = _view(row, lot, product, vial.code, who.handle)
        uow.commit()
        return view


def _left(volume_ml: float, code: str) -> int:
    if not math.isfinite(volume_ml) or volume_ml < 0:
        raise RefusedError(f"vial {code} volume left: give 0 mL or more, got {volume_ml}")
    if volume_ml == 0:
        return 0
    return ml_to_ul(volume_ml, f"vial {code} volume left")


def _check_not_discarded(uow: UnitOfWork, vial: VialRow) -> None:
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import WasteRow

    found = uow.session.scalar(select(WasteRow).where(WasteRow.vial_id == vial.id))
    if found is not None:
        raise ConflictError(f"vial {vial.code} was discarded on {found.discarded_at:%Y-%m-%d}")


def _add(
    uow: UnitOfWork,
    practitioner_id: int,
    clinic_id: int,
    lot: LotRow,
    vial_id: int | None,
    units: int,
    volume_ul: int,
    reason: str,
    note: str | None,
) -> WasteRow:
    from ..adapters.db.clinic_ops import WasteRow

    return uow.stock.add(
        WasteRow(
            clinic_id=clinic_id,
            lot_id=lot.id,
            vial_id=vial_id,
            units=units,
            volume_ul=volume_ul,
            reason=reason,
            note=note,
            discarded_at=uow.now(),
            discarded_by_id=practitioner_id,
        )
    )


def unopened_units(uow: UnitOfWork, lot: LotRow) -> int:
    """A lot's units neither opened nor discarded."""
    from sqlalchemy import func, select

    from ..adapters.db.clinic_ops import WasteRow

    q = select(func.coalesce(func.sum(WasteRow.units), 0)).where(WasteRow.lot_id == lot.id)
    discarded = int(uow.session.scalar(q) or 0)
    return lot.quantity_received - len(uow.stock.vials_of_lot(lot.id)) - discarded


def stock_left(uow: UnitOfWork, lot_id: int) -> bool:
    """Whether a lot still has unopened units or an open vial with something in it."""
    from ..adapters.db.stock import LotRow

    lot = uow.session.get_one(LotRow, lot_id)
    vials = uow.stock.vials_of_lot(lot.id)
    return unopened_units(uow, lot) > 0 or any(v.volume_remaining_ul > 0 for v in vials)


def discard_lot(
    uow: UnitOfWork,
    actor: str | None,
    product: str,
    lot_number: str,
    reason: str,
    note: str | None = None,
) -> list[WasteView]:
    """Discard what is left of a lot: its unopened units, and each open vial with the
    volume the records say is left in it."""
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import WasteRow
    from .stock import find_lot

    note = _check(reason, note)
    with uow:
        who = uow.people.practitioner(actor)
        p, lot = find_lot(uow, who.clinic_id, product, lot_number)
        units = unopened_units(uow, lot)
        gone = set(uow.session.scalars(select(WasteRow.vial_id).where(WasteRow.lot_id == lot.id)))
        vials = [
            v for v in uow.stock.vials_of_lot(lot.id) if v.volume_remaining_ul and v.id not in gone
        ]
        if units <= 0 and not vials:
            raise RefusedError(f"lot {lot_number} of {p.name}: nothing is left to discard")
        rows: list[tuple[WasteRow, str | None]] = []
        if units > 0:
            volume = units * lot.unit_volume_ul
            rows.append(
                (_add(uow, who.id, who.clinic_id, lot, None, units, volume, reason, note), None)
            )
        for v in vials:
            row = _add(
                uow, who.id, who.clinic_id, lot, v.id, 0, v.volume_remaining_ul, reason, note
            )
            v.volume_remaining_ul = 0
            rows.append((row, v.code))
        uow.flush()
        views = [_view(r, lot, p, code, who.handle) for r, code in rows]
        uow.commit()
        return views


@dataclass
class ProductWaste:
    product: str
    price_per_ml: float | None
    vials_opened: int = 0
    discarded: dict[str, float] = field(default_factory=dict)
    """mL discarded, by reason."""
    discarded_count: dict[str, int] = field(default_factory=dict)
    """Vials and unopened units discarded, by reason."""
    expired_unused_units: int = 0
    expired_unused_ml: float = 0.0
    beyond_use_left_ml: float = 0.0
    """Left in vials past their beyond-use time in the period, not discarded."""
    wasted_ml: float = 0.0
    cost: float | None = None


@dataclass(frozen=True)
class WasteReport:
    first: dt.date
    last: dt.date
    timezone: str
    products: tuple[ProductWaste, ...]
    wasted_ml: float
    cost: float
    """The cost of the products that have a price."""
    unpriced: tuple[str, ...]
    """Products with waste and no price per mL."""
    entries: tuple[WasteView, ...]


def waste_report(uow: UnitOfWork, actor: str | None, first: dt.date, last: dt.date) -> WasteReport:
    """The waste of the days ``first`` to ``last`` (inclusive, in the clinic's time zone)."""
    from ..domain.clinic_calendar import clinic_zone

    if last < first:
        raise RefusedError(f"waste report: {last} is before {first}")
    if (last - first).days >= REPORT_MAX_DAYS:
        raise RefusedError(f"waste report: at most {REPORT_MAX_DAYS} days at a time")
    with uow:
        who = uow.people.practitioner(actor)
        zone = clinic_zone(uow.people.clinic_by_id(who.clinic_id).timezone)
        start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        tally: dict[int, ProductWaste] = {}
        entries = _tally(uow, who.clinic_id, tally, first, last, start, end)
        for w in tally.values():
            w.wasted_ml = round(
                sum(w.discarded.values()) + w.expired_unused_ml + w.beyond_use_left_ml, 3
            )
            if w.price_per_ml is not None:
                w.cost = round(w.wasted_ml * w.price_per_ml, 2)
        products = tuple(sorted((w for w in tally.values() if _any(w)), key=lambda w: w.product))
        return WasteReport(
            first,
            last,
            zone.key,
            products,
            round(sum(w.wasted_ml for w in products), 3),
            round(sum(w.cost or 0.0 for w in products), 2),
            tuple(w.product for w in products if w.cost is None and w.wasted_ml > 0),
            tuple(entries),
        )


def _any(w: ProductWaste) -> bool:
    return w.vials_opened > 0 or w.wasted_ml > 0


def _tally(
    uow: UnitOfWork,
    clinic_id: int,
    tally: dict[int, ProductWaste],
    first: dt.date,
    last: dt.date,
    start: dt.datetime,
    end: dt.datetime,
) -> list[WasteView]:
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import WasteRow
    from ..adapters.db.people import PractitionerRow
    from ..adapters.db.stock import VialRow

    lots = uow.stock.lots(clinic_id)
    by_lot = {lot.id: (lot, p) for lot, p in lots}
    for _lot, p in lots:
        tally.setdefault(p.id, ProductWaste(p.name, p.price_per_ml))
    q = (
        select(WasteRow, PractitionerRow.handle, VialRow.code)
        .join(PractitionerRow, PractitionerRow.id == WasteRow.discarded_by_id)
        .outerjoin(VialRow, VialRow.id == WasteRow.vial_id)
        .where(WasteRow.clinic_id == clinic_id)
    )
    discarded_vials: set[int] = set()
    entries: list[WasteView] = []
    for row, handle, code in uow.session.execute(q.order_by(WasteRow.id)):
        if row.vial_id is not None:
            discarded_vials.add(row.vial_id)
        if not start <= row.discarded_at < end:
            continue
        lot, p = by_lot[row.lot_id]
        w = tally[p.id]
        w.discarded[row.reason] = round(
            w.discarded.get(row.reason, 0.0) + ul_to_ml(row.volume_ul), 3
        )
        count = row.units if row.vial_id is None else 1
        w.discarded_count[row.reason] = w.discarded_count.get(row.reason, 0) + count
        entries.append(_view(row, lot, p, code, handle))
    for lot, p in lots:
        w = tally[p.id]
        for v in uow.stock.vials_of_lot(lot.id):
            if start <= v.opened_at < end:
                w.vials_opened += 1
            if (
                v.id not in discarded_vials
                and v.volume_remaining_ul
                and start <= v.beyond_use_at < end
            ):
                w.beyond_use_left_ml = round(
                    w.beyond_use_left_ml + ul_to_ml(v.volume_remaining_ul), 3
                )
        if first <= lot.expiry_date <= last:
            units = unopened_units(uow, lot)
            if units > 0:
                w.expired_unused_units += units
                w.expired_unused_ml = round(
                    w.expired_unused_ml + ul_to_ml(units * lot.unit_volume_ul), 3
                )
    return entries
