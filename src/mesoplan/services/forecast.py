"""Read use case: the stock the scheduled sessions of the coming weeks will need, and
where it falls short (``domain.forecast`` allocates).

Each session not yet charted, dated from today (the clinic's date) to the end of the
horizon, needs what the course's last charted session used, product by product; before
a course's first session, its planned volume shared equally among the protocol's active
ingredients and adjuvants, each from the clinic's product that provides it. The stock
is every lot not recalled (its units neither opened nor discarded) and every open vial
not recalled with something left in it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.forecast import Forecast, LotStock, Need, VialStock, forecast
from ..domain.record_errors import RefusedError
from .stock import DEFAULT_BEYOND_USE_DAYS
from .unit_of_work import UnitOfWork
from .views import ul_to_ml

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..adapters.db.stock import ProductRow

MAX_WEEKS = 52


@dataclass(frozen=True)
class ProductNeed:
    product: str
    needed_ml: float
    short_ml: float


@dataclass(frozen=True)
class ShortfallView:
    date: dt.date
    product: str
    missing_ml: float
    course_id: int
    number: int
    patient: str


@dataclass(frozen=True)
class UnusedView:
    product: str
    lot_number: str
    expires: dt.date
    units: int
    volume_ml: float


@dataclass(frozen=True)
class ForecastView:
    today: dt.date
    last_day: dt.date
    weeks: int
    sessions: int
    products: tuple[ProductNeed, ...]
    shortfalls: tuple[ShortfallView, ...]
    unused: tuple[UnusedView, ...]


def stock_forecast(
    uow: UnitOfWork, actor: str | None, weeks: int = 4, today: dt.date | None = None
) -> ForecastView:
    """The forecast for the next ``weeks`` weeks (1 to 52) from the clinic's today."""
    from ..domain.clinic_calendar import clinic_zone
    from .worklists import clinic_courses

    if not 1 <= weeks <= MAX_WEEKS:
        raise RefusedError(f"forecast weeks: give 1 to {MAX_WEEKS}, got {weeks}")
    with uow:
        who = uow.people.practitioner(actor)
        zone = clinic_zone(uow.people.clinic_by_id(who.clinic_id).timezone)
        day = today or uow.now().astimezone(zone).date()
        last = day + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
        products = uow.stock.products(who.clinic_id)
        needs: list[Need] = []
        patients: dict[int, str] = {}
        for course, patient, _ in clinic_courses(uow, who.clinic_id):
            patients[course.id] = f"{patient.family_name}, {patient.given_name}"
            needs += _course_needs(uow, course, products, day, last)
        lots, vials = _stock(uow, who.clinic_id, zone)
        result = forecast(needs, lots, vials, DEFAULT_BEYOND_USE_DAYS, last)
        return _view(
            result, day, last, weeks, len({(n.course_id, n.number) for n in needs}), patients
        )


def _course_needs(
    uow: UnitOfWork, course: Any, products: list[ProductRow], first: dt.date, last: dt.date
) -> list[Need]:
    charted = uow.records.sessions_of(course.id)
    done = {s.number for s in charted}
    doc = json.loads(course.schedule_json)
    due = [
        (dt.date.fromisoformat(str(s["date"])), int(s["number"]))
        for s in doc.get("sessions", [])
        if int(s["number"]) not in done and first <= dt.date.fromisoformat(str(s["date"])) <= last
    ]
    if not due:
        return []
    per_product = (
        _last_use(uow, max(charted, key=lambda s: (s.number, s.id)).id)
        if charted
        else _planned_use(uow, course, products)
    )
    return [
        Need(day, course.id, number, product, volume)
        for day, number in due
        for product, volume in sorted(per_product.items())
    ]


def _last_use(uow: UnitOfWork, session_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for use, _lot, product in uow.stock.uses_of_session(session_id):
        out[product.name] = out.get(product.name, 0) + use.volume_ul
    return out


def _planned_use(uow: UnitOfWork, course: Any, products: list[ProductRow]) -> dict[str, int]:
    from .courses import plan_volume_ml
    from .session_store import protocol_of_course
    from .sessions import provides_of

    protocol = protocol_of_course(uow, course.id)
    mix = [i.name for i in protocol.ingredients if i.role in ("active", "adjuvant")]
    if not mix:
        return {}
    share = round(plan_volume_ml(course) * 1000 / len(mix))
    out: dict[str, int] = {}
    for name in mix:
        found = [
            p.name
            for p in sorted(products, key=lambda p: p.name)
            if p.kind == "drug" and _provides(protocol, p, provides_of) == name
        ]
        product = found[0] if found else f"(no product for {name})"
        out[product] = out.get(product, 0) + share
    return out


def _provides(protocol: Any, product: ProductRow, provides_of: Any) -> str | None:
    try:
        return str(provides_of(protocol, product, None))
    except RefusedError:
        return None


def _stock(
    uow: UnitOfWork, clinic_id: int, zone: ZoneInfo
) -> tuple[list[LotStock], list[VialStock]]:
    from .waste import unopened_units

    lots: list[LotStock] = []
    vials: list[VialStock] = []
    for lot, product in uow.stock.lots(clinic_id):
        if lot.recalled_at is not None:
            continue
        units = unopened_units(uow, lot)
        lots.append(
            LotStock(product.name, lot.lot_number, lot.expiry_date, units, lot.unit_volume_ul)
        )
        for v in uow.stock.vials_of_lot(lot.id):
            if v.recalled_at is None and v.volume_remaining_ul > 0:
                vials.append(
                    VialStock(
                        product.name,
                        lot.lot_number,
                        v.code,
                        v.volume_remaining_ul,
                        _last_day(v.beyond_use_at, zone),
                    )
                )
    return lots, vials


def _last_day(beyond_use_at: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The last whole local day before a vial's beyond-use time."""
    local = beyond_use_at.astimezone(zone) + dt.timedelta(microseconds=1)
    return local.date() - dt.timedelta(days=1)


def _view(
    result: Forecast,
    day: dt.date,
    last: dt.date,
    weeks: int,
    sessions: int,
    patients: dict[int, str],
) -> ForecastView:
    short: dict[str, int] = {}
    for s in result.shortfalls:
        short[s.product] = short.get(s.product, 0) + s.missing_ul
    return ForecastView(
        day,
        last,
        weeks,
        sessions,
        tuple(
            ProductNeed(p, ul_to_ml(v), ul_to_ml(short.get(p, 0)))
            for p, v in sorted(result.needed_ul.items())
        ),
        tuple(
            ShortfallView(
                s.day,
                s.product,
                ul_to_ml(s.missing_ul),
                s.course_id,
                s.number,
                patients[s.course_id],
            )
            for s in result.shortfalls
        ),
        tuple(
            UnusedView(u.product, u.lot_number, u.expires, u.units, ul_to_ml(u.volume_ul))
            for u in result.unused
        ),
    )
