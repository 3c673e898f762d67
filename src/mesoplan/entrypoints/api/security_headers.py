"""The security headers of every response, the API's and the pages', set in one place.

One ASGI middleware (:class:`SecurityHeaders`, added by ``create_app``) gives every
response ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
``X-Frame-Options: DENY``, ``Cross-Origin-Opener-Policy: same-origin`` and a
Content-Security-Policy that fits its type: pages run only the app's own script files
(:data:`PAGE_POLICY`), an SVG runs no script at all (:data:`SVG_POLICY`), anything else
(JSON, PDF, CSV) loads nothing (:data:`DOCUMENT_POLICY`). None may be framed. Every
response but the static files is ``Cache-Control: no-store``: pages, records and
documents hold patient data. Over HTTPS, ``Strict-Transport-Security`` too.

FastAPI's own ``/docs`` and ``/redoc`` pages load their scripts from a CDN and start them
with one inline script: their policy allows that CDN and that script by its SHA-256 hash,
nothing inline otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SVG_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DOCUMENT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
DOCS_CDN = "https://cdn.jsdelivr.net"
HSTS = "max-age=31536000"
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def policy_for(content_type: str) -> str:
    """The Content-Security-Policy of a response of this media type."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/html":
        return PAGE_POLICY
    if kind == "image/svg+xml":
        return SVG_POLICY
    return DOCUMENT_POLICY


def docs_policy(body: bytes) -> str:
    """The policy of FastAPI's documentation page ``body``: its CDN, its inline scripts."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.findall(body)
    )
    return (
        f"default-src 'self'; script-src 'self' {DOCS_CDN} {hashes}; "
        f"style-src 'self' {DOCS_CDN} 'unsafe-inline'; img-src 'self' data: https:; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response of ``app``."""

    def __init__(
        self,
        app: ASGIApp,
        static_prefixes: Iterable[str] = ("/app/static/",),
        docs_paths: Iterable[str] = ("/docs", "/redoc"),
    ) -> None:
        self.app = app
        self.static = tuple(static_prefixes)
        self.docs = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"
        static = path.startswith(self.static)
        if path in self.docs:
            await self._docs(scope, receive, send, https)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _headers(message.get("headers", []), https, static, None)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send, https: bool) -> None:
        """The documentation page is small and generated: read it whole, hash its scripts."""
        start: Message | None = None
        body = b""

        async def keep(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                body += message.get("body", b"")
                if not message.get("more_body", False) and start is not None:
                    headers = start.get("headers", [])
                    start["headers"] = _headers(headers, https, False, docs_policy(body))
                    await send(start)
                    await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, keep)


def _headers(
    raw: Iterable[tuple[bytes, bytes]], https: bool, static: bool, csp: str | None
) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in raw]
    names = {k.lower() for k, _ in headers}
    content_type = next(
        (v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"), ""
    )
    extra = dict(COMMON)
    extra["content-security-policy"] = csp or policy_for(content_type)
    if not static:
        headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
        extra["cache-control"] = "no-store"
    if https:
        extra["strict-transport-security"] = HSTS
    for name, value in extra.items():
        if name.encode() not in names or name == "cache-control":
            headers.append((name.encode(), value.encode()))
    return headers
