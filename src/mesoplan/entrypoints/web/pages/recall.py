"""Recall: who received a lot or a vial, and marking it recalled."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import Reader, Recaller
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/recall", response_class=HTMLResponse)
def find(page: Reader, lot: str = "", vial: str = "") -> HTMLResponse:
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
async def recall(page: Recaller) -> Response:
    from ....services.recall import recall as mark

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
