"""ASGI middleware at the edge of the app: a path or query string that holds a control
character is refused before any route sees it (404 for the path, 422 naming the query
parameter), and a request body must arrive within ``body_timeout_s`` (else 408 and the
connection is closed). The body size limit is FastAPI's own (``max_body_size``)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...domain.bounds import control_character
from .problems import problem


class BodyReadTimeout(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body did not arrive within {seconds:g} s")


class PrintableUrl:
    """Refuses control characters (NUL, escape...) in the decoded path and query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad = control_character(scope.get("path", ""))
        if bad is not None:
            await problem(404, f"no such resource (the path holds {bad})")(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
            bad = control_character(name) or control_character(value)
            if bad is not None:
                detail = f"contains the control character {bad}; give printable text"
                items = [{"detail": detail, "query": name.encode("unicode_escape").decode()}]
                await problem(422, "the request is not valid; see errors", items)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)


class BodyTimeout:
    """Wraps ``receive``: the whole body must arrive within ``seconds`` of the first
    read; a client that stalls mid-body gets 408 (``Connection: close``)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        deadline: list[float] = []
        done = False

        async def timed_receive() -> Message:
            nonlocal done
            if done:
                return await receive()
            if not deadline:
                deadline.append(anyio.current_time() + self.seconds)
            left = deadline[0] - anyio.current_time()
            with anyio.move_on_after(max(left, 0)) as scope_:
                message = await receive()
            if scope_.cancelled_caught:
                raise BodyReadTimeout(self.seconds)
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        await self.app(scope, timed_receive, send)
