"""``mesoplan serve``: run the HTTP API with uvicorn (FastAPI imported only here)."""

from __future__ import annotations

import typer

from .common import settings
from .records_common import records_engine, records_errors, require_schema, upgrade_schema


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on.", min=1, max=65535),
    migrate: bool = typer.Option(
        True, "--migrate/--no-migrate", help="Bring the database schema up to date first."
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn's log level."),
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, interactive docs at /docs).

    Request and connection limits and login throttling: MESOPLAN_API_* (docs/api.md)."""
    import uvicorn

    from ..api import ApiSettings, create_app
    from ..api.server import uvicorn_config

    s = settings()
    engine = records_engine()
    if migrate:
        upgrade_schema(engine)
    else:
        require_schema(engine, upgradable=True)
    with records_errors():
        api = ApiSettings.from_settings(s)
        app = create_app(s, api, engine=engine)
    uvicorn.Server(uvicorn_config(app, api.limits, host, port, log_level=log_level)).run()
