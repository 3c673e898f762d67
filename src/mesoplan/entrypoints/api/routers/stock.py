"""Stock: lots received, vials opened; who received a lot or vial, and recalls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ....services import listings, recall, stock
from ....services.stock import NewProduct
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId
from ..deps import Paging, Reader, Recaller, StockWriter
from ..pagination import Page, encode_cursor
from ..schemas.base import RecallRowRead
from ..schemas.stock import LotCreate, LotRead, RecallCreate, RecallRead, VialCreate, VialRead

router = APIRouter(tags=["stock and recall"])
Code = Annotated[str | None, Query(min_length=1, max_length=64)]


def _lot(uow: UnitOfWork, lot_id: int) -> LotRead:
    return LotRead.model_validate(listings.lot(uow, lot_id))


@router.get("/stock/lots", response_model=Page[LotRead])
def list_lots(
    ctx: Reader, paging: Paging, product: Annotated[str | None, Query(max_length=200)] = None
) -> Page[LotRead]:
    with ctx.read() as uow:
        p = listings.lots(uow, product, paging.after, paging.limit)
        items = [LotRead.model_validate(v) for v in p.items]
    return Page[LotRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/stock/lots", response_model=LotRead, status_code=201)
def receive_lot(body: LotCreate, ctx: StockWriter, response: Response) -> LotRead:
    """A delivery of one lot (quantity vials of unit_volume_ml each)."""
    product = NewProduct(body.product, body.kind, body.active_ingredient, body.agent_class)
    view = stock.receive_stock(
        ctx.write(),
        ctx.who.handle,
        product,
        body.lot_number,
        body.expiry_date,
        body.quantity,
        body.unit_volume_ml,
        body.supplier,
        body.mg_per_ml,
    )
    response.headers["Location"] = f"/stock/lots/{view.id}"
    return etags.with_etag(response, LotRead.model_validate(view))


@router.get("/stock/lots/{lot_id}", response_model=LotRead)
async def get_lot(lot_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _lot(uow, lot_id))


@router.get("/stock/vials", response_model=Page[VialRead])
def list_vials(ctx: Reader, paging: Paging, lot_number: Code = None) -> Page[VialRead]:
    with ctx.read() as uow:
        p = listings.vials(uow, lot_number, paging.after, paging.limit)
        items = [VialRead.model_validate(v) for v in p.items]
    return Page[VialRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/stock/vials", response_model=VialRead, status_code=201)
def open_vial(body: VialCreate, ctx: StockWriter, response: Response) -> VialRead:
    """Open one vial of a lot: usable until its beyond-use time."""
    view = stock.open_vial(
        ctx.write(), ctx.who.handle, body.product, body.lot_number, body.code, body.beyond_use_days
    )
    response.headers["Location"] = f"/stock/vials/{view.code}"
    return etags.with_etag(response, VialRead.model_validate(view))


@router.get("/stock/vials/{code}", response_model=VialRead)
async def get_vial(code: str, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: VialRead.model_validate(listings.vial(uow, code)))


def _recall_read(result: recall.RecallResult) -> RecallRead:
    rows = [RecallRowRead.model_validate(_row(r)) for r in result.rows]
    return RecallRead(
        what=result.what, recalled=result.recalled, patient_ids=result.patient_ids, rows=rows
    )


def _row(r: object) -> dict[str, object]:
    from ....services.views import to_jsonable

    data: dict[str, object] = to_jsonable(r)
    return data


@router.get("/recall", response_model=RecallRead)
def who_received(ctx: Reader, lot_number: Code = None, vial: Code = None) -> RecallRead:
    """Every patient, session, date, product, vial and volume of a lot or a vial."""
    return _recall_read(recall.who_received(ctx.read(), lot_number, vial))


@router.post("/recall", response_model=RecallRead)
def recall_stock(body: RecallCreate, ctx: Recaller) -> RecallRead:
    """Recall a lot or a vial (refused at charting from now on); lists who received it."""
    result = recall.recall(ctx.write(), ctx.who.handle, body.reason, body.lot_number, body.vial)
    return _recall_read(result)
