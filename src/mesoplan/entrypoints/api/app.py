"""``create_app(settings)``: the FastAPI application of mesoplan.

Other features mount their routers with ``extra_routers`` (or ``app.include_router``
after creation); they reuse the dependencies of :mod:`.deps`, so tenancy, roles, audit
and problem responses hold for them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI

from ... import __version__
from . import openapi, problems
from .auth_cache import AuthCache
from .guards import BodyTimeout, PrintableUrl
from .routers import (
    auth,
    calendar_feeds,
    clinics,
    courses,
    fhir,
    intake,
    measurements,
    patients,
    plans,
    protocols,
    reactions,
    schedules,
    sessions,
    stock,
    waste,
    worklists,
)
from .security_headers import SecurityHeaders
from .settings import ApiSettings
from .state import AppState

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ...config import Settings

DESCRIPTION = (
    "Plan, chart and follow mesotherapy courses. Sign in with POST /auth/login and send "
    "`Authorization: Bearer <token>` (or an API key). Every record belongs to the "
    "caller's clinic; changes need `If-Match`; errors are RFC 9457 problem details. "
    "A planning and documentation tool for licensed practitioners; not medical advice."
)
ROUTERS = (
    auth,
    clinics,
    patients,
    measurements,
    protocols,
    plans,
    courses,
    schedules,
    sessions,
    reactions,
    worklists,
)


def create_app(
    settings: Settings,
    api_settings: ApiSettings | None = None,
    *,
    engine: Engine | None = None,
    extra_routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The app, bound to ``settings``' database (or ``engine``)."""
    from ...adapters.db import make_engine, session_factory

    api = api_settings or ApiSettings.from_settings(settings)
    eng = engine or make_engine(settings.resolved_database_url())
    app = FastAPI(
        title="mesoplan",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs" if api.docs else None,
        redoc_url="/redoc" if api.docs else None,
        max_body_size=api.limits.max_body_bytes,
    )
    cache = AuthCache(api.auth_cache_s)
    app.state.mesoplan = AppState(settings, api, eng, session_factory(eng), auth_cache=cache)
    for module in (*ROUTERS, stock, waste, intake, calendar_feeds, fhir):
        app.include_router(module.router)
    for router in extra_routers:
        app.include_router(router)
    problems.install(app)
    openapi.install(app)
    app.add_middleware(BodyTimeout, seconds=api.limits.body_timeout_s)
    app.add_middleware(PrintableUrl)
    from ..web import mount_web  # the clinic's pages under /app (same use cases)

    mount_web(app, settings)
    _add_security_headers(app)
    return app


def _add_security_headers(app: FastAPI) -> None:
    """The headers of every answer, in one place: :class:`SecurityHeaders` wraps the whole
    middleware stack, the server-error handler too, so a 500 carries them as well
    (``add_middleware`` would put it inside that handler)."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())  # type: ignore[method-assign]
