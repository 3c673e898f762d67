"""Use cases: receive stock, open a vial, list stock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..domain.record_errors import ConflictError, RefusedError
from .unit_of_work import UnitOfWork
from .views import LotView, VialView, ml_to_ul, ul_to_ml

if TYPE_CHECKING:
    from ..adapters.db.stock import LotRow, ProductRow, VialRow

PRODUCT_KINDS: tuple[str, ...] = ("drug", "diluent")
"""A drug goes into the mix and provides a protocol ingredient; a diluent (water,
saline) is recorded with its lot for traceability."""
DEFAULT_BEYOND_USE_DAYS = 28
"""A multi-dose vial's beyond-use date after opening, unless the label says otherwise
(the common 28-day rule); never later than the lot's expiry."""
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def end_of_day(day: date) -> datetime:
    """The last instant of a day (UTC): a lot is usable up to and including its expiry."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UTC) - timedelta(
        microseconds=1
    )


def lot_view(uow: UnitOfWork, lot: LotRow, product: ProductRow) -> LotView:
    return LotView(
        id=lot.id,
        product=product.name,
        lot_number=lot.lot_number,
        expiry_date=lot.expiry_date,
        quantity_received=lot.quantity_received,
        unit_volume_ml=ul_to_ml(lot.unit_volume_ul),
        vials_opened=len(uow.stock.vials_of_lot(lot.id)),
        expired=uow.now().date() > lot.expiry_date,
        recalled=lot.recalled_at is not None,
        recall_reason=lot.recall_reason,
        supplier=lot.supplier,
        mg_per_ml=lot.mg_per_ml,
    )


MAX_MG_PER_ML = 1000.0
"""No product holds more than a gram per mL: a larger figure is a typing mistake."""


def check_mg_per_ml(mg_per_ml: float | None, where: str) -> float | None:
    """A lot's mg per mL: finite, above 0 and at most :data:`MAX_MG_PER_ML` (or not
    given)."""
    import math

    if mg_per_ml is None:
        return None
    if isinstance(mg_per_ml, bool) or not isinstance(mg_per_ml, (int, float)):
        raise RefusedError(f"{where}: mg per mL must be a number, got {mg_per_ml!r}")
    if not math.isfinite(mg_per_ml) or not 0 < mg_per_ml <= MAX_MG_PER_ML:
        raise RefusedError(
            f"{where}: mg per mL {mg_per_ml!r}; valid: a number above 0 and at most "
            f"{MAX_MG_PER_ML:g}"
        )
    return float(mg_per_ml)


def vial_view(uow: UnitOfWork, vial: VialRow, lot: LotRow, product: ProductRow) -> VialView:
    return VialView(
        id=vial.id,
        code=vial.code,
        product=product.name,
        lot_number=lot.lot_number,
        opened_at=vial.opened_at,
        beyond_use_at=vial.beyond_use_at,
        volume_initial_ml=ul_to_ml(vial.volume_initial_ul),
        volume_remaining_ml=ul_to_ml(vial.volume_remaining_ul),
        beyond_use=uow.now() > vial.beyond_use_at,
        recalled=vial.recalled_at is not None or lot.recalled_at is not None,
    )


@dataclass(frozen=True)
class NewProduct:
    name: str
    kind: str = "drug"
    active_ingredient: str | None = None
    agent_class: str | None = None


def _product(uow: UnitOfWork, clinic_id: int, spec: NewProduct) -> ProductRow:
    from ..adapters.db.stock import ProductRow

    found = uow.stock.product(clinic_id, spec.name)
    if found is not None:
        if spec.kind != found.kind:
            raise ConflictError(f"product {spec.name!r} is a {found.kind}, not a {spec.kind}")
        return found
    if spec.kind not in PRODUCT_KINDS:
        raise RefusedError(f"product kind {spec.kind!r}; valid: {', '.join(PRODUCT_KINDS)}")
    row = uow.stock.add(
        ProductRow(
            clinic_id=clinic_id,
            name=spec.name,
            kind=spec.kind,
            active_ingredient=spec.active_ingredient,
            agent_class=spec.agent_class,
            created_at=uow.now(),
        )
    )
    uow.flush()
    return row


def receive_stock(
    uow: UnitOfWork,
    actor: str | None,
    product: NewProduct,
    lot_number: str,
    expiry_date: date,
    quantity: int,
    unit_volume_ml: float,
    supplier: str | None = None,
    mg_per_ml: float | None = None,
) -> LotView:
    """A delivery of one lot: ``quantity`` vials or ampoules of ``unit_volume_ml`` each,
    holding ``mg_per_ml`` of the active ingredient (the label strength: charting totals
    mg from it). The product is created on its first delivery."""
    from ..adapters.db.stock import LotRow

    strength = check_mg_per_ml(mg_per_ml, f"lot {lot_number}")
    if strength is not None and product.kind == "diluent":
        raise RefusedError(f"lot {lot_number}: a diluent has no mg per mL")
    if not product.name.strip() or not _CODE.match(lot_number):
        raise RefusedError("stock: give a product name and a lot number (letters, digits, .-_)")
    if quantity <= 0:
        raise RefusedError(f"stock quantity must be at least 1, got {quantity}")
    unit_ul = ml_to_ul(unit_volume_ml, f"lot {lot_number}")
    with uow:
        who = uow.people.practitioner(actor)
        if expiry_date < uow.now().date():
            raise RefusedError(f"lot {lot_number} expired on {expiry_date}; it is not received")
        p = _product(uow, who.clinic_id, product)
        if any(
            lot.lot_number == lot_number
            for lot in uow.stock.lots_numbered(lot_number)
            if lot.product_id == p.id
        ):
            raise ConflictError(f"lot {lot_number} of {p.name} was received already")
        lot = uow.stock.add(
            LotRow(
                product_id=p.id,
                lot_number=lot_number,
                expiry_date=expiry_date,
                quantity_received=quantity,
                unit_volume_ul=unit_ul,
                mg_per_ml=strength,
                supplier=supplier,
                received_at=uow.now(),
                received_by_id=who.id,
            )
        )
        uow.flush()
        view = lot_view(uow, lot, p)
        uow.commit()
        return view


def open_vial(
    uow: UnitOfWork,
    actor: str | None,
    product: str,
    lot_number: str,
    code: str | None = None,
    beyond_use_days: int = DEFAULT_BEYOND_USE_DAYS,
) -> VialView:
    """Open one vial of a lot: it holds the lot's unit volume, usable until its beyond-use
    time (``beyond_use_days`` after opening, never after the lot's expiry)."""
    from ..adapters.db.stock import VialRow
    from .waste import unopened_units

    if beyond_use_days <= 0:
        raise RefusedError(f"beyond-use days must be at least 1, got {beyond_use_days}")
    with uow:
        who = uow.people.practitioner(actor)
        p, lot = find_lot(uow, who.clinic_id, product, lot_number)
        now = uow.now()
        _check_lot_usable(lot, p, now.date())
        opened = uow.stock.vials_of_lot(lot.id)
        if unopened_units(uow, lot) <= 0:
            raise RefusedError(
                f"lot {lot_number} of {p.name}: all {lot.quantity_received} received "
                "vials are open or discarded already"
            )
        code = code or f"{lot_number}-V{len(opened) + 1}"
        if not _CODE.match(code):
            raise RefusedError(f"vial id {code!r}: use letters, digits, '.', '-' or '_'")
        if uow.stock.vial_code_taken(code):
            raise ConflictError(f"vial id {code!r} is in use already")
        vial = uow.stock.add(
            VialRow(
                code=code,
                lot_id=lot.id,
                opened_at=now,
                opened_by_id=who.id,
                beyond_use_at=min(
                    now + timedelta(days=beyond_use_days), end_of_day(lot.expiry_date)
                ),
                volume_initial_ul=lot.unit_volume_ul,
                volume_remaining_ul=lot.unit_volume_ul,
            )
        )
        uow.flush()
        view = vial_view(uow, vial, lot, p)
        uow.commit()
        return view


def _check_lot_usable(lot: LotRow, product: ProductRow, today: date) -> None:
    if lot.recalled_at is not None:
        raise RefusedError(
            f"lot {lot.lot_number} of {product.name} is recalled: {lot.recall_reason}"
        )
    if today > lot.expiry_date:
        raise RefusedError(f"lot {lot.lot_number} of {product.name} expired on {lot.expiry_date}")


def find_lot(
    uow: UnitOfWork, clinic_id: int, product: str, lot_number: str
) -> tuple[ProductRow, LotRow]:
    from ..domain.record_errors import NotFoundError

    p = uow.stock.product(clinic_id, product)
    if p is None:
        known = ", ".join(x.name for x in uow.stock.products(clinic_id)) or "none yet"
        raise NotFoundError(f"unknown product {product!r}; known: {known}")
    return p, uow.stock.lot(p, lot_number)


@dataclass(frozen=True)
class StockList:
    lots: list[LotView]
    vials: list[VialView]


def list_stock(uow: UnitOfWork, actor: str | None) -> StockList:
    with uow:
        who = uow.people.practitioner(actor)
        lots: list[LotView] = []
        vials: list[VialView] = []
        for lot, product in uow.stock.lots(who.clinic_id):
            lots.append(lot_view(uow, lot, product))
            vials.extend(vial_view(uow, v, lot, product) for v in uow.stock.vials_of_lot(lot.id))
        return StockList(lots, vials)
