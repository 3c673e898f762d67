"""The stock that scheduled sessions will need, allocated first-expiry-first-out.

Pure: the sessions (with the volume of each product they will need), the stock and the
beyond-use days of a vial opened on a session's day are passed in. Sessions draw in
date order. On a session's day only what is still usable then counts: an open vial
before its beyond-use date and its lot's expiry, an unopened unit before its lot's
expiry. Open vials are drawn first, soonest beyond-use first (they are lost otherwise);
then units are opened, soonest lot expiry first; a unit opened on a day is usable on
that day and the days after it until its beyond-use days have passed (28 days: that day
and the 27 after it), never after its lot's expiry. What no usable stock
covers is a shortfall; what is left in a lot or vial that expires within the horizon
expires unused. Volumes are whole microlitres.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Need:
    """One scheduled session's need of one product."""

    day: dt.date
    course_id: int
    number: int
    product: str
    volume_ul: int


@dataclass(frozen=True)
class LotStock:
    product: str
    lot_number: str
    expiry: dt.date
    units: int
    """Unopened units."""
    unit_volume_ul: int


@dataclass(frozen=True)
class VialStock:
    product: str
    lot_number: str
    code: str
    remaining_ul: int
    usable_until: dt.date
    """The last day it may be drawn from (its beyond-use date, capped by the lot expiry)."""


@dataclass(frozen=True)
class Shortfall:
    day: dt.date
    course_id: int
    number: int
    product: str
    missing_ul: int


@dataclass(frozen=True)
class Draw:
    day: dt.date
    course_id: int
    number: int
    product: str
    lot_number: str
    vial: str
    volume_ul: int


@dataclass(frozen=True)
class Unused:
    """Stock that expires within the horizon before it is used."""

    product: str
    lot_number: str
    expires: dt.date
    units: int
    """Unopened units lost."""
    volume_ul: int
    """Everything lost: unopened units and what is left in open vials."""


@dataclass(frozen=True)
class Forecast:
    draws: tuple[Draw, ...]
    shortfalls: tuple[Shortfall, ...]
    unused: tuple[Unused, ...]
    needed_ul: dict[str, int]
    """What the sessions need in all, by product."""


@dataclass
class _Vial:
    lot_number: str
    code: str
    remaining_ul: int
    until: dt.date


@dataclass
class _Lot:
    stock: LotStock
    units: int
    opened: int = 0
    vials: list[_Vial] = field(default_factory=list)


def forecast(
    needs: Sequence[Need],
    lots: Sequence[LotStock],
    vials: Sequence[VialStock],
    beyond_use_days: int,
    horizon_end: dt.date,
) -> Forecast:
    """Allocate ``needs`` to the stock (see the module doc); ``horizon_end`` is the last
    day of the forecast (stock expiring after it is not reported as unused)."""
    state = {(lot.product, lot.lot_number): _Lot(lot, lot.units) for lot in lots}
    for v in vials:
        key = (v.product, v.lot_number)
        if key not in state:
            state[key] = _Lot(LotStock(v.product, v.lot_number, v.usable_until, 0, 0), 0)
        state[key].vials.append(_Vial(v.lot_number, v.code, v.remaining_ul, v.usable_until))
    draws: list[Draw] = []
    shortfalls: list[Shortfall] = []
    needed: dict[str, int] = {}
    for need in sorted(needs, key=lambda n: (n.day, n.course_id, n.number, n.product)):
        needed[need.product] = needed.get(need.product, 0) + need.volume_ul
        product_lots = [lot for (p, _), lot in sorted(state.items()) if p == need.product]
        missing = _draw(need, product_lots, beyond_use_days, draws)
        if missing:
            shortfalls.append(
                Shortfall(need.day, need.course_id, need.number, need.product, missing)
            )
    return Forecast(tuple(draws), tuple(shortfalls), _unused(state, horizon_end), needed)


def _draw(need: Need, lots: list[_Lot], bud_days: int, draws: list[Draw]) -> int:
    """Draw ``need`` from open vials, then from units opened that day; what is missing."""
    left = need.volume_ul
    while left > 0:
        vial = _usable_vial(lots, need.day) or _open_unit(lots, need.day, bud_days)
        if vial is None:
            return left
        take = min(left, vial[1].remaining_ul)
        vial[1].remaining_ul -= take
        left -= take
        draws.append(
            Draw(need.day, need.course_id, need.number, need.product, vial[0], vial[1].code, take)
        )
    return 0


def _usable_vial(lots: list[_Lot], day: dt.date) -> tuple[str, _Vial] | None:
    usable = [
        (v.until, lot.stock.expiry, v.code, lot.stock.lot_number, v)
        for lot in lots
        for v in lot.vials
        if v.remaining_ul > 0 and v.until >= day
    ]
    if not usable:
        return None
    best = min(usable, key=lambda u: u[:3])
    return best[3], best[4]


def _open_unit(lots: list[_Lot], day: dt.date, bud_days: int) -> tuple[str, _Vial] | None:
    candidates = [lot for lot in lots if lot.units > 0 and lot.stock.expiry >= day]
    if not candidates:
        return None
    lot = min(candidates, key=lambda lot: (lot.stock.expiry, lot.stock.lot_number))
    lot.units -= 1
    lot.opened += 1
    until = min(day + dt.timedelta(days=bud_days - 1), lot.stock.expiry)
    code = f"{lot.stock.lot_number} (new {lot.opened})"
    vial = _Vial(lot.stock.lot_number, code, lot.stock.unit_volume_ul, until)
    lot.vials.append(vial)
    return lot.stock.lot_number, vial


def _unused(state: dict[tuple[str, str], _Lot], horizon_end: dt.date) -> tuple[Unused, ...]:
    out: list[Unused] = []
    for (product, lot_number), lot in sorted(state.items()):
        units = lot.units if lot.stock.expiry <= horizon_end else 0
        volume = units * lot.stock.unit_volume_ul
        volume += sum(v.remaining_ul for v in lot.vials if v.until <= horizon_end)
        if volume > 0:
            expires = min(
                [lot.stock.expiry] * (units > 0)
                + [v.until for v in lot.vials if v.until <= horizon_end and v.remaining_ul]
            )
            out.append(Unused(product, lot_number, expires, units, volume))
    return tuple(out)
