"""Log in and out: the login token goes into an HttpOnly cookie."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import MesoplanError
from ..context import LOGIN_CSRF_COOKIE, PREFIX, SESSION_COOKIE, new_login_csrf, web_of
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
SESSION_HOURS = 12


def _safe_next(value: str | None) -> str:
    if value and value.startswith(PREFIX + "/") and not value.startswith("//"):
        return value
    return PREFIX + "/dashboard"


def _login_page(
    request: Request, next_url: str, error: str | None = None, username: str = ""
) -> HTMLResponse:
    web = web_of(request)
    token = new_login_csrf()
    ctx = {"user": None, "csrf": None, "login_csrf": token, "next": next_url}
    response = web.templates.TemplateResponse(
        request,
        "login.html",
        {**ctx, "error": error, "username": username},
        status_code=401 if error else 200,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=web.secure_cookies or request.url.scheme == "https",
    )
    return response


@router.get("/", response_model=None)
def home() -> Response:
    return RedirectResponse(PREFIX + "/dashboard", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, _safe_next(next))


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    web = web_of(request)
    form = await request.form()
    next_url = _safe_next(str(form.get("next") or ""))
    sent, kept = str(form.get("csrf_token") or ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not kept or not hmac.compare_digest(sent, kept):
        return _login_page(request, next_url, "the form expired; try again")
    username = str(form.get("username") or "").strip()
    try:
        token, _ = web.auth.login(username, str(form.get("password") or ""))
    except MesoplanError as exc:
        return _login_page(request, next_url, str(exc), username)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=web.secure_cookies or request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", response_model=None)
async def logout(request: Request) -> Response:
    from ..context import current_page

    page = await current_page(request)
    await page.form()
    page.web.auth.logout(page.token)
    response = RedirectResponse(PREFIX + "/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
