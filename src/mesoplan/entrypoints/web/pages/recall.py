"""Recall: who received a lot or a vial, and marking it recalled."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import Page, current_page
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
PageDep = Annotated[Page, Depends(current_page)]


@router.get("/recall", response_class=HTMLResponse)
def find(page: PageDep, lot: str = "", vial: str = "") -> HTMLResponse:
    from ....services.recall import mark_unverified, who_received

    result, error = None, None
    if lot.strip() or vial.strip():
        try:
            result = who_received(page.uow(), lot.strip() or None, vial.strip() or None)
            result = mark_unverified(page.uow(), result)
        except MesoplanError as exc:
            error = str(exc)
    return page.render(
        "recall.html", 422 if error else 200, result=result, error=error, lot=lot, vial=vial
    )


@router.post("/recall", response_model=None)
async def recall(page: PageDep) -> Response:
    from ....services.recall import recall as mark

    page.require("recall:write")
    form = await page.form()
    lot, vial = forms.text(form, "lot"), forms.text(form, "vial")
    try:
        result = mark(page.uow(), page.actor, forms.text(form, "reason") or "", lot, vial)
    except MesoplanError as exc:
        return page.render(
            "recall.html", 422, result=None, error=str(exc), lot=lot or "", vial=vial or ""
        )
    return page.render(
        "recall.html", result=result, error=None, lot=lot or "", vial=vial or "", done=True
    )
