"""Mount the web pages on a FastAPI app (the API's ``create_app`` calls :func:`mount_web`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from .context import (
    HERE,
    PREFIX,
    AuthBackend,
    CsrfFailed,
    Forbidden,
    LoginRequired,
    Web,
    make_templates,
)
from .routing import problem_page

if TYPE_CHECKING:
    from ...config import Settings


def _login_redirect(request: Request, exc: Exception) -> Response:
    nxt = request.url.path
    if request.url.query:
        nxt += "?" + request.url.query
    url = f"{PREFIX}/login?next={quote(nxt)}" if request.method == "GET" else f"{PREFIX}/login"
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _csrf_failed(request: Request, exc: Exception) -> Response:
    message = "This form was not sent from this session. Go back, reload the page and try again."
    return problem_page("Form expired", message, 403)


def _forbidden(request: Request, exc: Exception) -> Response:
    return problem_page("Not allowed", f"{exc}.", 403)


def _home() -> Response:
    return RedirectResponse(f"{PREFIX}/dashboard", status_code=303)


def mount_web(app: FastAPI, settings: Settings, auth: AuthBackend | None = None) -> None:
    """Add the pages, their static files and their two exception handlers to ``app``."""
    from .pages import router

    if auth is None:
        from .accounts import AccountsBackend

        auth = AccountsBackend(app.state.mesoplan)
    web = Web(settings, auth, make_templates())
    if settings.secret_key:
        web.secret = settings.secret_key.encode()
    app.state.mesoplan_web = web
    app.include_router(router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(HERE / "static")), name="web-static")
    if not any(getattr(r, "path", None) == "/" for r in app.routes):
        app.add_api_route("/", _home, include_in_schema=False)
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(Forbidden, _forbidden)


def _page_routes(routes: list[Any], prefix: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # an included router
            out += _page_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return out


def page_permissions(app: FastAPI) -> list[tuple[str, str, str]]:
    """``(method, path, permission)`` of every page route, from its dependency; the
    login page is ``public``."""
    from ..api.permissions import permission_of

    out = [
        (method, path, permission_of(route.dependant) or "public")
        for path, route in _page_routes(list(app.routes), "")
        if path.startswith(PREFIX + "/")
        for method in sorted(route.methods or ())
    ]
    return sorted(out, key=lambda r: (r[1], r[0]))


def page_table(app: FastAPI) -> str:
    """The Markdown table of every page route and the permission it needs."""
    rows = "".join(f"| {m} | `{p}` | `{perm}` |\n" for m, p, perm in page_permissions(app))
    return "| method | page | permission |\n|---|---|---|\n" + rows


def create_web_app(settings: Settings) -> FastAPI:
    """The whole app: the REST API with the pages mounted."""
    from ..api.app import create_app

    app = create_app(settings)
    if not hasattr(app.state, "mesoplan_web"):
        mount_web(app, settings)
    return app
