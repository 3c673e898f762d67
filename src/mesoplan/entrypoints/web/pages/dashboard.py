"""The day at a glance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ..context import Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(page: Reader) -> HTMLResponse:
    from ....services.overview import dashboard as load

    board = load(page.uow(), page.actor)
    return page.render("dashboard.html", board=board)
