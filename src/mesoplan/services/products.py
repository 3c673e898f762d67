"""Use cases: a product's details kept for running the clinic: its price per mL (for the
cost of waste) and its GTIN (for lot intake by barcode)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain.record_errors import ConflictError, NotFoundError, RefusedError
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.stock import ProductRow

PRICE_MAX_PER_ML = 1_000_000.0


@dataclass(frozen=True)
class ProductDetails:
    id: int
    name: str
    kind: str
    active_ingredient: str | None
    agent_class: str | None
    price_per_ml: float | None
    gtin: str | None


@dataclass(frozen=True)
class ProductChange:
    """What to change; a field left None stays as it is."""

    price_per_ml: float | None = None
    gtin: str | None = None


def check_gtin(text: str) -> str:
    """A GTIN-8, -12, -13 or -14 with a valid check digit, as its 14 digits."""
    from biip import ParseError
    from biip.gtin import Gtin

    value = text.strip()
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise RefusedError(f"GTIN {text!r}: give 8, 12, 13 or 14 digits")
    try:
        return Gtin.parse(value).as_gtin_14()
    except ParseError as exc:
        raise RefusedError(f"GTIN {text!r}: {exc}") from None


def details(row: ProductRow) -> ProductDetails:
    return ProductDetails(
        row.id,
        row.name,
        row.kind,
        row.active_ingredient,
        row.agent_class,
        row.price_per_ml,
        row.gtin,
    )


def product_details(uow: UnitOfWork, actor: str | None, name: str) -> ProductDetails:
    with uow:
        return read_product(uow, actor, name)


def read_product(uow: UnitOfWork, actor: str | None, name: str) -> ProductDetails:
    """A product of the acting practitioner's clinic, in an open unit of work."""
    return details(_product(uow, uow.people.practitioner(actor).clinic_id, name))


def _product(uow: UnitOfWork, clinic_id: int, name: str) -> ProductRow:
    found = uow.stock.product(clinic_id, name)
    if found is None:
        known = ", ".join(p.name for p in uow.stock.products(clinic_id)) or "none yet"
        raise NotFoundError(f"unknown product {name!r}; known: {known}")
    return found


def update_product(
    uow: UnitOfWork, actor: str | None, name: str, change: ProductChange
) -> ProductDetails:
    """Set a product's price per mL or its GTIN (one GTIN names one product of a clinic)."""
    price = change.price_per_ml
    if price is not None and not (math.isfinite(price) and 0 <= price <= PRICE_MAX_PER_ML):
        raise RefusedError(f"price per mL: give 0 to {PRICE_MAX_PER_ML:g}, got {price}")
    gtin = check_gtin(change.gtin) if change.gtin is not None else None
    with uow:
        who = uow.people.practitioner(actor)
        row = _product(uow, who.clinic_id, name)
        if gtin is not None:
            other = product_by_gtin(uow, who.clinic_id, gtin)
            if other is not None and other.id != row.id:
                raise ConflictError(f"GTIN {gtin} is already the product {other.name!r}")
            row.gtin = gtin
        if price is not None:
            row.price_per_ml = price
        uow.flush()
        view = details(row)
        uow.commit()
        return view


def product_by_gtin(uow: UnitOfWork, clinic_id: int, gtin: str) -> ProductRow | None:
    from sqlalchemy import select

    from ..adapters.db.stock import ProductRow

    q = select(ProductRow).where(ProductRow.clinic_id == clinic_id, ProductRow.gtin == gtin)
    return uow.session.scalar(q)
