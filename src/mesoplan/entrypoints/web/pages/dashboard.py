"""The day at a glance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ..context import Page, Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(page: Reader) -> HTMLResponse:
    return dashboard_page(page)


def dashboard_page(page: Page, status: int = 200, **extra: Any) -> HTMLResponse:
    from ....services.overview import dashboard as load
    from ....services.worklists import worklist

    board = load(page.uow(), page.actor)
    work = worklist(page.uow(), page.actor)
    return page.render("dashboard.html", status, board=board, work=work, **extra)
