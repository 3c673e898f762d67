"""Log in and out: the login token goes into an HttpOnly cookie; the login form carries a
signed token bound to the browser (:mod:`..login_csrf`)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import MesoplanError
from ..context import LOGIN_CSRF_COOKIE, PREFIX, SESSION_COOKIE, Reader, web_of
from ..login_csrf import LOGIN_FORM_TTL_S, login_form_refusal, new_login_form
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
SESSION_HOURS = 12


def _safe_next(value: str | None) -> str:
    if value and value.startswith(PREFIX + "/") and not value.startswith("//"):
        return value
    return PREFIX + "/dashboard"


def _login_page(
    request: Request,
    next_url: str,
    error: str | None = None,
    username: str = "",
    status_code: int = 401,
) -> HTMLResponse:
    web = web_of(request)
    nonce, token = new_login_form(web.secret, time.time())
    ctx = {"user": None, "csrf": None, "login_csrf": token, "next": next_url}
    response = web.templates.TemplateResponse(
        request,
        "login.html",
        {**ctx, "error": error, "username": username},
        status_code=status_code if error else 200,
    )
    response.set_cookie(
        web.cookie(request, LOGIN_CSRF_COOKIE),
        nonce,
        max_age=LOGIN_FORM_TTL_S,
        path="/",
        httponly=True,
        samesite="strict",
        secure=web.secure(request),
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
    refused = login_form_refusal(
        web.secret,
        str(form.get("csrf_token") or ""),
        request.cookies.get(web.cookie(request, LOGIN_CSRF_COOKIE), ""),
        time.time(),
        request.headers.get("Sec-Fetch-Site"),
    )
    if refused:
        return _login_page(request, next_url, f"{refused}; try again", status_code=403)
    username = str(form.get("username") or "").strip()
    try:
        token, _ = web.auth.login(username, str(form.get("password") or ""))
    except MesoplanError as exc:
        return _login_page(request, next_url, str(exc), username)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        web.cookie(request, SESSION_COOKIE),
        token,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=web.secure(request),
    )
    _forget(request, response, LOGIN_CSRF_COOKIE)
    return response


def _forget(request: Request, response: Response, name: str) -> None:
    web = web_of(request)
    secure = web.secure(request)
    response.delete_cookie(web.cookie(request, name), path="/", secure=secure, httponly=True)


@router.post("/logout", response_model=None)
async def logout(request: Request, page: Reader) -> Response:
    await page.form()
    page.web.auth.logout(page.token)
    response = RedirectResponse(PREFIX + "/login", status_code=303)
    _forget(request, response, SESSION_COOKIE)
    return response
