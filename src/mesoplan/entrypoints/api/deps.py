"""FastAPI dependencies as ``Annotated`` aliases: who calls (401 without valid
credentials), whether their role holds a route's permission (403), the request context
that makes units of work, pagination and If-Match."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ...services.accounts import Principal
from ...services.auth import authenticate
from ...services.scoped import ClinicUnitOfWork, Precondition
from . import etags
from .pagination import PageParams, page_params
from .permissions import PERMISSIONS, allowed
from .state import AppState

bearer = HTTPBearer(
    auto_error=False,
    description="A login token from POST /auth/login (mpt_...) or an API key (mpk_...).",
)


async def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.mesoplan
    return state


State = Annotated[AppState, Depends(app_state)]


async def principal(
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Remembered secrets are answered on the event loop; others are looked up in a
    worker thread (one indexed query)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "sign in: send Authorization: Bearer <token>", _challenge())
    secret = credentials.credentials
    who = state.auth_cache.peek(secret)
    if who is None:
        lookup = partial(state.auth_cache.get, secret, lambda s: authenticate(state.plain(), s))
        who = await run_in_threadpool(lookup)
    if who is None:
        raise HTTPException(401, "the token or key is unknown, expired or revoked", _challenge())
    return who


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Context:
    """The caller, the app state and the route (``POST /patients``) being served."""

    who: Principal
    state: AppState
    action: str

    def read(self) -> ClinicUnitOfWork:
        return self.state.read(self.who)

    def write(self, precondition: Precondition | None = None) -> ClinicUnitOfWork:
        return self.state.write(self.who, self.action, precondition)

    async def respond(self, read: Callable[[ClinicUnitOfWork], BaseModel]) -> Response:
        """One record as JSON with its ETag. On SQLite the few indexed queries run right
        on the event loop; on a database server, in a worker thread (they wait on I/O)."""

        def work() -> Response:
            with self.read() as uow:
                return etags.respond(read(uow))

        return work() if self.state.inline_reads else await run_in_threadpool(work)


def allow(permission: str) -> Callable[..., Awaitable[Context]]:
    """The dependency of a route that needs ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    async def dependency(
        request: Request, state: State, who: Annotated[Principal, Depends(principal)]
    ) -> Context:
        if not allowed(permission, who.role):
            raise HTTPException(403, f"a {who.role} may not do this (needs {permission})")
        route = request.scope.get("route")
        path = getattr(route, "path", request.url.path)
        return Context(who, state, f"{request.method} {path}")

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


Authenticated = Annotated[Context, Depends(allow("authenticated"))]
Reader = Annotated[Context, Depends(allow("records:read"))]
ClinicAdmin = Annotated[Context, Depends(allow("clinic:manage"))]
UserAdmin = Annotated[Context, Depends(allow("users:manage"))]
AuditReader = Annotated[Context, Depends(allow("audit:read"))]
PatientWriter = Annotated[Context, Depends(allow("patients:write"))]
StockWriter = Annotated[Context, Depends(allow("stock:write"))]
CalendarWriter = Annotated[Context, Depends(allow("calendar:write"))]
ReactionWriter = Annotated[Context, Depends(allow("reactions:write"))]
ProtocolWriter = Annotated[Context, Depends(allow("protocols:write"))]
Planner = Annotated[Context, Depends(allow("plans:write"))]
Charter = Annotated[Context, Depends(allow("sessions:chart"))]
Signer = Annotated[Context, Depends(allow("sessions:sign"))]
Cosigner = Annotated[Context, Depends(allow("sessions:cosign"))]
Recaller = Annotated[Context, Depends(allow("recall:write"))]
Paging = Annotated[PageParams, Depends(page_params)]


async def if_match_header(
    if_match: Annotated[
        str | None,
        Header(description="the ETag of the resource as last read (required to change it)"),
    ] = None,
) -> str | None:
    return if_match


IfMatch = Annotated[str | None, Depends(if_match_header)]
