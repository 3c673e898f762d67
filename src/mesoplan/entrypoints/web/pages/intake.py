"""Lot intake by barcode on the stock page: a scanned code (or a photo of a label) fills
the form that receives a lot."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ....domain.errors import MesoplanError
from ....domain.record_errors import RefusedError
from .. import forms
from ..context import Page, StockWriter
from ..routing import WebRoute
from .stock import _stock_page

router = APIRouter(route_class=WebRoute)


def _filled(page: Page, view: Any) -> HTMLResponse:
    from ....services.products import product_details

    kind = product_details(page.uow(), page.actor, view.product).kind
    form = {
        "product": view.product,
        "kind": kind,
        "lot_number": view.lot_number,
        "expiry_date": view.expiry_date.isoformat(),
    }
    return _stock_page(page, scanned=view, form=form)


@router.post("/stock/scan", response_class=HTMLResponse)
async def scan(page: StockWriter) -> HTMLResponse:
    from ....services.intake import scan as read

    page.require("stock:write")
    form = await page.form()
    try:
        view = read(page.uow(), page.actor, forms.text(form, "code", required=True) or "")
    except MesoplanError as exc:
        return _stock_page(page, 422, scan_error=str(exc))
    return _filled(page, view)


@router.post("/stock/scan-photo", response_class=HTMLResponse)
async def scan_photo(page: StockWriter) -> HTMLResponse:
    from ....adapters.gs1 import MAX_PHOTO_BYTES
    from ....services.intake import scan_photo as read

    page.require("stock:write")
    form = await page.form()
    try:
        photo = form.get("photo")
        if photo is None or isinstance(photo, str):
            raise RefusedError("photo: choose an image file")
        data = await photo.read(MAX_PHOTO_BYTES + 1)
        view = read(page.uow(), page.actor, data)
    except MesoplanError as exc:
        return _stock_page(page, 422, scan_error=str(exc))
    return _filled(page, view)
