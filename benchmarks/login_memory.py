"""Peak server memory under parallel logins: ``mesoplan serve`` on a fresh SQLite file
with the production argon2id parameters (64 MiB per hash), 32 clients logging in at once.

Prints the server's resident set size when idle and its peak (``VmHWM``) after the
logins, how many logins got 200 / 503, and the bound the login throttle promises:
peak RSS at most hashes in flight x 64 MiB + 150 MiB.

    python benchmarks/login_memory.py [--clients 32] [--hashes 2] [--queue-s 5]

Exits 1 when the peak passes the bound.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

MIB = 1024 * 1024
HASH_MIB = 64
BASE_MIB = 150
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def make_clinic(url: str) -> None:
    from mesoplan.adapters.db import make_engine
    from mesoplan.adapters.db.migrate import upgrade
    from mesoplan.services.accounts import NewUser, PasswordPolicy, open_clinic
    from mesoplan.services.unit_of_work import UnitOfWork

    engine = make_engine(url)
    upgrade(engine)
    admin = NewUser("bench-admin", "Bench Admin", "admin", PASSWORD)
    open_clinic(UnitOfWork.from_engine(engine), "Bench", "Europe/Rome", admin, PasswordPolicy())
    engine.dispose()


def login(base: str, out: list[int]) -> None:
    body = json.dumps({"username": "bench-admin", "password": PASSWORD}).encode()
    req = urllib.request.Request(
        base + "/auth/login", body, {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            out.append(r.status)
    except urllib.error.HTTPError as e:
        out.append(e.code)


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        try:
            urllib.request.urlopen(base + "/openapi.json", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--hashes", type=int, default=2)
    ap.add_argument("--queue-s", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        make_clinic(url)
        port = free_port()
        env = os.environ | {
            "MESOPLAN_DATABASE_URL": url,
            "MESOPLAN_API_LOGIN_HASHES": str(args.hashes),
            "MESOPLAN_API_LOGIN_QUEUE_S": str(args.queue_s),
            "MESOPLAN_API_LOGIN_ADDRESS_FREE_FAILURES": "1000",
        }
        cmd = [sys.executable, "-m", "mesoplan", "serve", "--port", str(port)]
        proc = subprocess.Popen([*cmd, "--log-level", "warning"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, proc)
            idle = kib(proc.pid, "VmRSS")
            statuses: list[int] = []
            threads = [
                threading.Thread(target=login, args=(base, statuses)) for _ in range(args.clients)
            ]
            start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.monotonic() - start
            peak = kib(proc.pid, "VmHWM")
        finally:
            proc.terminate()
            proc.wait(10)
    bound = args.hashes * HASH_MIB + BASE_MIB
    peak_mib, idle_mib = peak * 1024 / MIB, idle * 1024 / MIB
    print(f"{args.clients} parallel logins, {args.hashes} hashes in flight, in {took:.1f} s")
    print(f"  answers: {statuses.count(200)} x 200, {statuses.count(503)} x 503, "
          f"{len(statuses) - statuses.count(200) - statuses.count(503)} other")  # fmt: skip
    print(f"  server RSS idle {idle_mib:.0f} MiB, peak {peak_mib:.0f} MiB "
          f"(+{peak_mib - idle_mib:.0f} MiB)")  # fmt: skip
    verdict = "ok" if peak_mib <= bound else "OVER"
    print(f"  bound {args.hashes} x {HASH_MIB} + {BASE_MIB} = {bound} MiB: {verdict} "
          f"(peak / bound = {peak_mib / bound:.2f})")  # fmt: skip
    return 0 if peak_mib <= bound else 1


if __name__ == "__main__":
    raise SystemExit(main())
