"""The HTTP API (FastAPI): ``create_app(settings)``; ``mesoplan serve`` runs it."""

from __future__ import annotations

from .app import create_app
from .settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
