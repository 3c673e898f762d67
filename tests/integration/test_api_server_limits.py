"""The server's limits against a real uvicorn server on a socket: clients that stall
mid-header, trickle headers, stall mid-body or send too much are answered and cut off;
idle and long-lived keep-alive connections are closed.

The limits are set small (1 s, 2 kB, 3 requests a connection) so each case takes about a
second; a case fails when the server keeps the connection open past a generous bound.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesoplan.adapters.db import make_engine
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.config import Settings
from mesoplan.entrypoints.api import ApiSettings, create_app
from mesoplan.entrypoints.api.server import uvicorn_config
from mesoplan.entrypoints.api.settings import ServerLimits

from .api_support import CHEAP

pytestmark = pytest.mark.integration
LIMITS = ServerLimits(
    max_body_bytes=2000,
    body_timeout_s=1.0,
    header_timeout_s=1.0,
    keep_alive_s=1.0,
    keep_alive_requests=3,
    max_connections=50,
)
BOUND_S = 10.0
"""A connection the server should have closed is still open after this: a failure."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    import uvicorn

    path: Path = tmp_path_factory.mktemp("limits") / "limits.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    app = create_app(Settings(), ApiSettings(passwords=CHEAP, limits=LIMITS), engine=engine)
    srv = uvicorn.Server(uvicorn_config(app, LIMITS, "127.0.0.1", 0, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield "127.0.0.1", port
    srv.should_exit = True
    thread.join(10)
    engine.dispose()


def _connect(server: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(server, timeout=BOUND_S)
    sock.settimeout(BOUND_S)
    return sock


def _until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took; a
    ``socket.timeout`` (the server kept the connection) fails the test."""
    start = time.monotonic()
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def _status(data: bytes) -> int:
    return int(data.split(b" ", 2)[1])


LOGIN = json.dumps({"username": "nobody", "password": "not-the-password"}).encode()


def test_a_client_that_stalls_mid_header_gets_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nAccept: appl")
        data, took = _until_closed(sock)
    assert _status(data) == 408 and b"connection: close" in data.lower()
    assert took < BOUND_S


def test_a_client_that_trickles_headers_is_cut_at_the_deadline(server: tuple[str, int]) -> None:
    """One byte every 0.2 s keeps resetting an idle timer, never this deadline."""
    line = b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    with _connect(server) as sock:
        start = time.monotonic()
        sent = 0
        try:
            for byte in line:
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.2)
                if time.monotonic() - start > BOUND_S:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = _until_closed(sock)
    assert sent < len(line), "the server let a trickling client send all its headers"
    assert data == b"" or _status(data) == 408
    assert time.monotonic() - start < BOUND_S + 1


def test_a_client_that_stalls_mid_body_gets_408(server: tuple[str, int]) -> None:
    head = (
        b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(LOGIN)).encode() + b"\r\n\r\n"
    )
    with _connect(server) as sock:
        sock.sendall(head + LOGIN[:10])
        data, took = _until_closed(sock)
    assert _status(data) == 408 and b"connection: close" in data.lower()
    problem = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert problem["status"] == 408 and "did not arrive" in problem["detail"]
    assert took < BOUND_S


def test_a_body_larger_than_the_limit_gets_413(server: tuple[str, int]) -> None:
    body = b"{" + b" " * 5000 + b"}"
    head = (
        b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with _connect(server) as sock:
        sock.sendall(head)  # the body is never sent: the length alone is refused
        data, took = _until_closed(sock)
    assert _status(data) == 413 and took < BOUND_S


def test_a_chunked_body_past_the_limit_gets_413(server: tuple[str, int]) -> None:
    head = (
        b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"400\r\n" + b" " * 0x400 + b"\r\n"
    with _connect(server) as sock:
        sock.sendall(head + chunk * 3)
        data, took = _until_closed(sock)
    assert _status(data) == 413 and took < BOUND_S


def _get(sock: socket.socket) -> bytes:
    sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    length = int(next(
        line.split(b":", 1)[1] for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    ))  # fmt: skip
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return head


def test_an_idle_keep_alive_connection_is_closed(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        assert _status(_get(sock)) == 200
        data, took = _until_closed(sock)
    assert data == b"" and took < BOUND_S


def test_a_connection_serves_at_most_the_keep_alive_requests(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        statuses = [_status(_get(sock)) for _ in range(LIMITS.keep_alive_requests)]
        # a fourth request right away (long before the idle timeout) is not served
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
        data, _ = _until_closed(sock)
    assert statuses == [200, 200, 200] and data == b""
