"""Use cases: lot intake by barcode. A scanned GS1 code (or a photo of a label) finds the
product by its GTIN and gives the lot and the expiry; an invalid, unknown or expired
code is refused with the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.record_errors import NotFoundError, RefusedError
from .unit_of_work import UnitOfWork
from .views import LotView


@dataclass(frozen=True)
class ScanView:
    gtin: str
    product: str
    lot_number: str
    expiry_date: dt.date
    serial: str | None
    received: bool
    """Whether this lot of the product was received already."""


def scan(uow: UnitOfWork, actor: str | None, code: str) -> ScanView:
    """What a GS1 code says, checked against the clinic's products and today's date."""
    from ..adapters.gs1 import parse_gs1
    from ..domain.clinic_calendar import clinic_zone
    from .products import product_by_gtin

    found = parse_gs1(code)
    with uow:
        who = uow.people.practitioner(actor)
        product = product_by_gtin(uow, who.clinic_id, found.gtin)
        if product is None:
            raise NotFoundError(
                f"GTIN {found.gtin} is no product of the clinic; give it to one with "
                f"`mesoplan stock product NAME --gtin {found.gtin}`"
            )
        if not found.lot:
            raise RefusedError(f"GTIN {found.gtin}: the code carries no lot (AI 10)")
        if found.expiry is None:
            raise RefusedError(
                f"GTIN {found.gtin} lot {found.lot}: the code carries no expiry (AI 17)"
            )
        today = (
            uow.now()
            .astimezone(clinic_zone(uow.people.clinic_by_id(who.clinic_id).timezone))
            .date()
        )
        if found.expiry < today:
            raise RefusedError(
                f"{product.name} lot {found.lot} expired on {found.expiry}; it is not received"
            )
        received = any(lot.product_id == product.id for lot in uow.stock.lots_numbered(found.lot))
        return ScanView(found.gtin, product.name, found.lot, found.expiry, found.serial, received)


def scan_photo(uow: UnitOfWork, actor: str | None, data: bytes) -> ScanView:
    """:func:`scan` of the code in a photo of a label (decoded on the server)."""
    from ..adapters.gs1 import decode_photo

    return scan(uow, actor, decode_photo(data))


def receive_scanned(
    uow: UnitOfWork,
    actor: str | None,
    code: str,
    quantity: int,
    unit_volume_ml: float,
    supplier: str | None = None,
) -> LotView:
    """Receive the lot a GS1 code names (product by GTIN, lot and expiry from the code)."""
    from .stock import NewProduct, receive_stock

    found = scan(uow, actor, code)
    with uow:
        who = uow.people.practitioner(actor)
        product = uow.stock.product(who.clinic_id, found.product)
        assert product is not None
        spec = NewProduct(
            product.name, product.kind, product.active_ingredient, product.agent_class
        )
    return receive_stock(
        uow, actor, spec, found.lot_number, found.expiry_date, quantity, unit_volume_ml, supplier
    )
