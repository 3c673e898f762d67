"""The HTTP server around the app: uvicorn with its connection limits set from
:class:`~.settings.ServerLimits`.

uvicorn closes an idle keep-alive connection and caps the number of connections
(``timeout_keep_alive``, ``limit_concurrency``); the header timeout and the number of
requests per connection are added by :class:`LimitedH11Protocol`, given to uvicorn as
its HTTP protocol class. The body size and the body read timeout are the app's
(:mod:`.guards`), so they hold under any server.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

    from .settings import ServerLimits

_TIMEOUT_BODY = b"the request line and headers did not arrive in time\n"
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n"
    + _TIMEOUT_BODY
)  # fmt: skip


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's line and headers
    (from the connection's start or the previous response: a client that stalls or
    trickles gets 408 and the connection closes) and at most ``keep_alive_requests``
    requests on one connection. A response sent before its request's body arrived
    leaves the connection on the same deadline."""

    header_timeout_s: float = 10.0
    keep_alive_requests: int = 1000

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._served = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # a request is being served; its body has the app's timeout

    def on_response_complete(self) -> None:
        self._served += 1
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if self._served >= self.keep_alive_requests:
            self.transport.close()
        elif self.cycle is None or self.cycle.response_complete:
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        if self.header_timeout_s > 0:
            self._deadline = self.loop.call_later(self.header_timeout_s, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return
        if self.conn.their_state is h11.IDLE:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def protocol_class(limits: ServerLimits) -> type[LimitedH11Protocol]:
    """:class:`LimitedH11Protocol` with ``limits``."""

    class Protocol(LimitedH11Protocol):
        header_timeout_s = limits.header_timeout_s
        keep_alive_requests = max(1, limits.keep_alive_requests)

    return Protocol


def uvicorn_config(
    app: ASGIApp, limits: ServerLimits, host: str, port: int, **options: Any
) -> uvicorn.Config:
    """A uvicorn configuration for ``app`` that holds to ``limits``."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(limits),
        timeout_keep_alive=max(1, math.ceil(limits.keep_alive_s)),
        limit_concurrency=limits.max_connections or None,
        **options,
    )
