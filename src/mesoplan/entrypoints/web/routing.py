"""Page routes answer a user mistake with a page, not the API's problem JSON: an unknown
record is a 404 page, any other refusal a 422 page with the message."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from html import escape
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute

from ...domain.errors import MesoplanError
from ...domain.record_errors import NotFoundError
from .context import PREFIX

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def problem_page(title: str, message: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} · mesoplan</title>"
        f"<link rel='stylesheet' href='{PREFIX}/static/mesoplan.css'></head><body>"
        f"<main id='main'><h1>{escape(title)}</h1><p class='error' role='alert'>"
        f"{escape(message)}</p><p><a href='{PREFIX}/dashboard'>Dashboard</a></p></main>"
        "</body></html>",
        status_code=status,
    )


class WebRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except NotFoundError as exc:
                return problem_page("Not found", str(exc), 404)
            except MesoplanError as exc:
                return problem_page("Not done", str(exc), 422)

        return route
