"""Crash and race harness: a real ``mesoplan serve`` process, killed with SIGKILL.

:func:`durability` writes patients through the REST API from several clients while the
server is killed at random moments and restarted; a write counts as acknowledged when
the server answered 201. At the end every acknowledged patient must be in the database
(and on SQLite ``PRAGMA integrity_check`` must say ok).

:func:`lost_updates` has 8 clients increment one counter (a patient's phone number)
with read, then ``PATCH`` with ``If-Match``: every update the server accepted must show
in the final value, so the final count equals the number of 200 answers.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "chaos-pass-1"
ADMIN, WRITER = "chaos-admin", "chaos-writer"
CHEAP_ARGON2 = {
    "MESOPLAN_API_ARGON2_TIME_COST": "1",
    "MESOPLAN_API_ARGON2_MEMORY_KIB": "8",
    "MESOPLAN_API_ARGON2_PARALLELISM": "1",
    "MESOPLAN_API_AUTH_CACHE_S": "0",
}
START_TIMEOUT_S = 120.0
WRITE_PHASE_S = 600.0
"""After the last kill, how long the clients may take to reach the acknowledged minimum."""
SERVE_FLAGS = ("--no-migrate", "--log-level", "warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
    env |= CHEAP_ARGON2 | {"MESOPLAN_DATABASE_URL": url, "MESOPLAN_DATA_DIR": str(data_dir)}
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mesoplan", *args],
        env=env | {"MESOPLAN_NEW_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"mesoplan {' '.join(args)}: {proc.stderr}")


@dataclass
class Server:
    """``mesoplan serve`` on a free port; :meth:`kill` is SIGKILL, :meth:`start` again."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mesoplan", "serve", "--port", str(self.port), *SERVE_FLAGS],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"the server exited with {self.proc.returncode}: {tail}")
            try:
                if httpx.get(f"{self.base}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start within {START_TIMEOUT_S:g} s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _login(base: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{base}/auth/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@contextmanager
def running_clinic(url: str, data_dir: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """The schema, a clinic with an admin and a practitioner, and the server running;
    yields the server and the practitioner's headers."""
    env = _env(url, data_dir)
    _cli(env, "db", "upgrade")
    _cli(env, "audit", "open-clinic", "Chaos Clinic", "--username", ADMIN, "--name", "Admin")
    server = Server(env, data_dir / "server.log")
    server.start()
    try:
        admin = _login(server.base, ADMIN)
        body = {"username": WRITER, "name": "Writer", "role": "practitioner"}
        r = httpx.post(f"{server.base}/users", json=body | {"password": PASSWORD}, headers=admin)
        r.raise_for_status()
        yield server, _login(server.base, WRITER)
    finally:
        server.stop()


def _patient(name: str) -> dict[str, Any]:
    return {"family_name": name, "given_name": "Chaos", "birth_date": "1980-01-01", "sex": "female"}


@dataclass
class Durability:
    acknowledged: list[str]
    kills: int
    refused: int
    seconds: float


def durability(
    server: Server, headers: dict[str, str], kills: int, min_writes: int, seed: int = 0
) -> Durability:
    """Write from 4 clients; kill the server ``kills`` times at random moments (and go on
    until ``min_writes`` writes were acknowledged); the acknowledged names."""
    rng = random.Random(seed)
    acknowledged: list[str] = []
    refused = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def write(client_no: int) -> None:
        n = 0
        with httpx.Client(base_url=server.base, headers=headers, timeout=10) as http:
            while not stop.is_set():
                n += 1
                name = f"W{client_no}-{n}"
                try:
                    r = http.post("/patients", json=_patient(name))
                except httpx.HTTPError:
                    with lock:
                        refused[0] += 1
                    time.sleep(0.1)
                    continue
                with lock:
                    if r.status_code == 201:
                        acknowledged.append(name)
                    else:
                        refused[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=write, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    done = 0
    try:
        while done < kills:
            time.sleep(rng.uniform(0.3, 1.5))
            server.kill()
            done += 1
            server.start()
        deadline = time.monotonic() + WRITE_PHASE_S
        while len(acknowledged) < min_writes and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    return Durability(list(acknowledged), done, refused[0], time.monotonic() - started)


@dataclass
class Race:
    accepted: int
    stale: int
    final: int
    seconds: float
    unexpected: list[str]

    @property
    def lost(self) -> int:
        return self.accepted - self.final


def lost_updates(server: Server, headers: dict[str, str], seconds: float) -> Race:
    """8 clients increment one counter with If-Match for ``seconds``."""
    r = httpx.post(
        f"{server.base}/patients", json=_patient("Counter") | {"phone": "+39 0"}, headers=headers
    )
    r.raise_for_status()
    path = f"/patients/{r.json()['id']}"
    accepted, stale = [0], [0]
    unexpected: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=server.base, headers=headers, timeout=30) as http:
            while time.monotonic() < deadline:
                got = http.get(path)
                value = int(got.json()["phone"].split()[-1])
                etag = got.headers["etag"]
                r = http.patch(path, json={"phone": f"+39 {value + 1}"}, headers={"If-Match": etag})
                with lock:
                    if r.status_code == 200:
                        accepted[0] += 1
                    elif r.status_code == 412:
                        stale[0] += 1
                    else:
                        unexpected.append(f"{r.status_code}: {r.text[:200]}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    final = int(httpx.get(f"{server.base}{path}", headers=headers).json()["phone"].split()[-1])
    return Race(accepted[0], stale[0], final, time.monotonic() - started, unexpected)
