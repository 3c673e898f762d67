"""Stock: lots received, vials opened."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import Page, Reader, StockWriter
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


def _stock_page(page: Page, status: int = 200, **extra: Any) -> HTMLResponse:
    from ....services.stock import PRODUCT_KINDS, list_stock

    stock = list_stock(page.uow(), page.actor)
    return page.render("stock.html", status, stock=stock, kinds=PRODUCT_KINDS, **extra)


@router.get("/stock", response_class=HTMLResponse)
def stock(page: Reader) -> HTMLResponse:
    return _stock_page(page)


@router.post("/stock/lots", response_model=None)
async def receive(page: StockWriter) -> Response:
    from ....services.stock import NewProduct, receive_stock

    form = await page.form()
    try:
        expiry = forms.day(form, "expiry_date", required=True)
        quantity = forms.integer(form, "quantity", required=True)
        unit = forms.number(form, "unit_volume_ml", required=True)
        assert expiry is not None and quantity is not None and unit is not None
        receive_stock(
            page.uow(),
            page.actor,
            NewProduct(
                forms.text(form, "product", required=True) or "",
                forms.text(form, "kind") or "drug",
                forms.text(form, "active_ingredient"),
                forms.text(form, "agent_class"),
            ),
            forms.text(form, "lot_number", required=True) or "",
            expiry,
            quantity,
            unit,
            supplier=forms.text(form, "supplier"),
            mg_per_ml=forms.number(form, "mg_per_ml"),
        )
    except MesoplanError as exc:
        return _stock_page(page, 422, lot_error=str(exc), form=form)
    return page.redirect("/stock")


@router.post("/stock/vials", response_model=None)
async def open_vial(page: StockWriter) -> Response:
    from ....services.stock import open_vial as open_one

    form = await page.form()
    try:
        lot = forms.text(form, "lot", required=True) or ""
        product, lot_number = lot.rsplit("|", 1)
        open_one(
            page.uow(),
            page.actor,
            product,
            lot_number,
            forms.text(form, "code"),
            forms.integer(form, "beyond_use_days") or 28,
        )
    except MesoplanError as exc:
        return _stock_page(page, 422, vial_error=str(exc))
    return page.redirect("/stock#vials")
