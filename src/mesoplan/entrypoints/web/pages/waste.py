"""Stock discarded from the dashboard (a lot about to expire, a vial past beyond-use), and
the forecast of what the scheduled sessions need."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import Reader, StockWriter
from ..routing import WebRoute
from .dashboard import dashboard_page

router = APIRouter(route_class=WebRoute)


@router.post("/stock/vials/{code}/discard", response_model=None)
async def discard_vial(page: StockWriter, code: str) -> Response:
    from ....services.waste import discard_vial as discard

    page.require("stock:write")
    form = await page.form()
    try:
        reason = forms.text(form, "reason", required=True) or ""
        discard(page.uow(), page.actor, code, reason, forms.number(form, "volume_left_ml"))
    except MesoplanError as exc:
        return dashboard_page(page, 422, waste_error=str(exc))
    return page.redirect("/dashboard")


@router.post("/stock/lots/{lot_id}/discard", response_model=None)
async def discard_lot(page: StockWriter, lot_id: int) -> Response:
    from ....services.listings import lot
    from ....services.waste import discard_lot as discard

    page.require("stock:write")
    form = await page.form()
    try:
        with page.web.auth.uow_for(page.user) as uow:
            found = lot(uow, lot_id)
        reason = forms.text(form, "reason", required=True) or ""
        discard(page.uow(), page.actor, found.product, found.lot_number, reason)
    except MesoplanError as exc:
        return dashboard_page(page, 422, waste_error=str(exc))
    return page.redirect("/dashboard")


@router.get("/stock/forecast", response_class=HTMLResponse)
def forecast(page: Reader, weeks: int = 4) -> HTMLResponse:
    from ....services.forecast import stock_forecast

    view = stock_forecast(page.uow(), page.actor, weeks)
    return page.render("forecast.html", view=view)
