"""What every page needs: the templates, a unit of work for the signed-in user, the user.

The browser keeps the login token in an HttpOnly, SameSite=Lax cookie (named with the
``__Host-`` prefix over HTTPS); every form that changes something carries a CSRF token
derived from that login token (an HMAC), checked on POST. HTMX requests send it as the
``X-CSRF-Token`` header. The login form has a signed token of its own (:mod:`.login_csrf`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

if TYPE_CHECKING:
    from ...config import Settings
    from ...services.unit_of_work import UnitOfWork

HERE = Path(__file__).parent
PREFIX = "/app"
"""Every page lives under this path; the REST API has the rest."""
SESSION_COOKIE = "mesoplan_session"
LOGIN_CSRF_COOKIE = "mesoplan_login_csrf"
HOST_PREFIX = "__Host-"
"""Over HTTPS the cookies are ``__Host-`` cookies: Secure, Path=/, no Domain, so a
neighbouring subdomain cannot set them."""


@dataclass(frozen=True)
class Identity:
    """The signed-in user, as the pages see them."""

    username: str
    handle: str
    name: str
    role: str
    clinic_id: int
    clinic: str
    timezone: str = "UTC"
    user_id: int | None = None
    token_id: int | None = None

    def can(self, permission: str) -> bool:
        """Whether the role holds a permission of the API's table (the same rules)."""
        from ..api.permissions import allowed

        return allowed(permission, self.role)

    @property
    def can_chart(self) -> bool:
        return self.can("sessions:chart")


class AuthBackend:
    """How the pages log in and recognise a user; the API's accounts do the work."""

    def login(self, username: str, password: str) -> tuple[str, Identity]:
        raise NotImplementedError

    def identify(self, token: str) -> Identity | None:
        raise NotImplementedError

    def logout(self, token: str) -> None:
        raise NotImplementedError

    def uow_for(self, identity: Identity, action: str | None = None) -> UnitOfWork:
        """A unit of work scoped to the user's clinic; with ``action``, audited writes."""
        raise NotImplementedError


class LoginRequired(Exception):
    """Raised by a page when no valid session cookie came with the request."""


class CsrfFailed(Exception):
    """Raised when a form's CSRF token is missing or wrong."""


class Forbidden(Exception):
    """Raised when the user's role does not hold the permission a page action needs."""


@dataclass
class Web:
    settings: Settings
    auth: AuthBackend
    templates: Jinja2Templates
    secure_cookies: bool = False
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    """Signs the login forms: ``MESOPLAN_SECRET_KEY``, or drawn at random per process."""

    def secure(self, request: Request) -> bool:
        """Whether cookies are Secure (and ``__Host-`` named): over HTTPS, or when asked."""
        return self.secure_cookies or request.url.scheme == "https"

    def cookie(self, request: Request, name: str) -> str:
        """The name a cookie goes by on this request."""
        return HOST_PREFIX + name if self.secure(request) else name


def web_of(request: Request) -> Web:
    web: Web = request.app.state.mesoplan_web
    return web


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"mesoplan-csrf", hashlib.sha256).hexdigest()


@dataclass
class Page:
    """A request from a signed-in user: render pages, open units of work."""

    request: Request
    web: Web
    user: Identity
    token: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    def uow(self) -> UnitOfWork:
        """Reads for GET; an audited write unit (``POST /app/...``) otherwise."""
        if self.request.method in ("GET", "HEAD"):
            return self.web.auth.uow_for(self.user)
        route = self.request.scope.get("route")
        path = getattr(route, "path", self.request.url.path)
        return self.web.auth.uow_for(self.user, f"{self.request.method} {path}")

    def require(self, permission: str) -> None:
        if not self.user.can(permission):
            role = self.user.role.replace("_", " ")
            raise Forbidden(f"your role ({role}) may not do this: it needs {permission}")

    @property
    def actor(self) -> str:
        return self.user.handle

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        ctx = {"user": self.user, "csrf": self.csrf, "htmx": self.is_htmx, **context}
        return self.web.templates.TemplateResponse(
            self.request, template, ctx, status_code=status_code
        )

    def redirect(self, url: str) -> Response:
        """To a page path (``/patients/1``), under :data:`PREFIX`."""
        url = PREFIX + url
        if self.is_htmx:
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    async def form(self) -> dict[str, Any]:
        """The posted form, after the CSRF check (field or header)."""
        form = await self.request.form()
        sent = str(form.get("csrf_token") or self.request.headers.get("X-CSRF-Token") or "")
        if not hmac.compare_digest(sent, self.csrf):
            raise CsrfFailed()
        out: dict[str, Any] = {}
        for key in form:
            values = form.getlist(key)
            out[key] = values if len(values) > 1 else values[0]
        return out


async def current_page(request: Request) -> Page:
    """FastAPI dependency: the signed-in user's page, or a redirect to the login page."""
    web = web_of(request)
    token = request.cookies.get(web.cookie(request, SESSION_COOKIE))
    user = web.auth.identify(token) if token else None
    if user is None or token is None:
        raise LoginRequired()
    return Page(request, web, user, token)


def page_needing(permission: str) -> Callable[[Request], Awaitable[Page]]:
    """FastAPI dependency: the signed-in user's page when their role holds ``permission``
    of the API's table (:data:`~mesoplan.entrypoints.api.permissions.PERMISSIONS`),
    else a 403 page. The permission is on the dependency, so the page table can be read
    from the routes (``page_permissions``)."""
    from ..api.permissions import PERMISSIONS

    if permission not in PERMISSIONS:
        raise KeyError(permission)

    async def dependency(request: Request) -> Page:
        page = await current_page(request)
        page.require(permission)
        return page

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


Reader = Annotated[Page, Depends(page_needing("records:read"))]
PatientWriter = Annotated[Page, Depends(page_needing("patients:write"))]
StockWriter = Annotated[Page, Depends(page_needing("stock:write"))]
ReactionWriter = Annotated[Page, Depends(page_needing("reactions:write"))]
ProtocolWriter = Annotated[Page, Depends(page_needing("protocols:write"))]
Planner = Annotated[Page, Depends(page_needing("plans:write"))]
Charter = Annotated[Page, Depends(page_needing("sessions:chart"))]
Signer = Annotated[Page, Depends(page_needing("sessions:sign"))]
Cosigner = Annotated[Page, Depends(page_needing("sessions:cosign"))]
Recaller = Annotated[Page, Depends(page_needing("recall:write"))]
CalendarWriter = Annotated[Page, Depends(page_needing("calendar:write"))]


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    from . import filters

    filters.install(templates.env)
    templates.env.globals["P"] = PREFIX
    return templates
