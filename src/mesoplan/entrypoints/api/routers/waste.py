"""Waste: a vial or a lot discarded with the reason; the waste report of a period; a
product's price per mL and GTIN; the forecast of what the scheduled sessions need."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from ....services import forecast, listings, products, waste
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..deps import IfMatch, Reader, StockWriter
from ..schemas.clinic_ops import (
    DiscardRead,
    ForecastRead,
    LotDiscard,
    ProductRead,
    ProductUpdate,
    VialDiscard,
    WasteRead,
    WasteReportRead,
)

router = APIRouter(tags=["stock and recall"])
Code = Annotated[str, Path(min_length=1, max_length=64)]
Name = Annotated[str, Path(min_length=1, max_length=200)]


@router.post("/stock/vials/{code}/discard", response_model=WasteRead, status_code=201)
def discard_vial(code: Code, body: VialDiscard, ctx: StockWriter) -> WasteRead:
    """Discard an open vial with the reason and the volume left (more than the records
    say is left is refused); nothing more can be drawn from it."""
    view = waste.discard_vial(
        ctx.write(), ctx.who.handle, code, body.reason, body.volume_left_ml, body.note
    )
    return WasteRead.model_validate(view, from_attributes=True)


@router.post("/stock/lots/{lot_id}/discard", response_model=DiscardRead, status_code=201)
def discard_lot(lot_id: int, body: LotDiscard, ctx: StockWriter) -> DiscardRead:
    """Discard what is left of a lot: its unopened units and its open vials."""
    with ctx.read() as uow:
        lot = listings.lot(uow, lot_id)
    views = waste.discard_lot(
        ctx.write(), ctx.who.handle, lot.product, lot.lot_number, body.reason, body.note
    )
    return DiscardRead(items=[WasteRead.model_validate(v, from_attributes=True) for v in views])


@router.get("/stock/waste", response_model=WasteReportRead)
def waste_report(
    ctx: Reader,
    first: Annotated[date, Query(alias="from", description="first day")],
    last: Annotated[date, Query(alias="to", description="last day (included)")],
) -> WasteReportRead:
    """Per product: vials opened, discarded by reason, expired unopened, left past
    beyond-use; mL wasted and, where the product has a price, its cost."""
    report = waste.waste_report(ctx.read(), ctx.who.handle, first, last)
    return WasteReportRead.model_validate(report, from_attributes=True)


def _product(uow: UnitOfWork, name: str, handle: str) -> ProductRead:
    view = products.read_product(uow, handle, name)
    return ProductRead.model_validate(view, from_attributes=True)


@router.get("/stock/products/{name}", response_model=ProductRead)
async def get_product(name: Name, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _product(uow, name, ctx.who.handle))


@router.patch("/stock/products/{name}", response_model=ProductRead)
def update_product(
    name: Name, body: ProductUpdate, ctx: StockWriter, if_match: IfMatch, response: Response
) -> ProductRead:
    """Set a product's price per mL or its GTIN; needs the ETag last read."""
    check = etags.matching(if_match, lambda u: _product(u, name, ctx.who.handle))
    change = products.ProductChange(body.price_per_ml, body.gtin)
    view = products.update_product(ctx.write(check), ctx.who.handle, name, change)
    return etags.with_etag(response, ProductRead.model_validate(view, from_attributes=True))


@router.get("/stock/forecast", response_model=ForecastRead)
def stock_forecast(
    ctx: Reader, weeks: Annotated[int, Query(ge=1, le=52, description="weeks ahead")] = 4
) -> ForecastRead:
    """What the scheduled sessions of the next weeks will need, product by product,
    allocated first-expiry-first-out: shortfalls by date and stock expiring unused."""
    view = forecast.stock_forecast(ctx.read(), ctx.who.handle, weeks)
    return ForecastRead.model_validate(view, from_attributes=True)
