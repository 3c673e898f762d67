"""The clinic's web pages: server-rendered (Jinja2), HTMX for partial updates.

Pages call the same use cases (``mesoplan.services``) as the REST API and the CLI.
"""

from __future__ import annotations

from .app import create_web_app, mount_web

__all__ = ["create_web_app", "mount_web"]
