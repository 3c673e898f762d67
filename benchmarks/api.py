"""Load the REST API with wrk against a bare FastAPI "hello" app in the same run.

Both run on loopback with one uvicorn worker each (access log off), one after the other;
wrk uses 2 threads, 16 connections, 10 seconds per target. Client, server and database
share the machine. Prints requests/s and p50/p99 latency for GET a patient, GET a course,
POST a cellulite plan preview and the bare baseline, with the reads' share of the bare
throughput (goal: at least 30 %, and p99 under 50 ms).

    python benchmarks/api.py [--duration 10] [--database-url URL]

Without wrk (Debian: apt-get install wrk) it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

BARE = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""
APP = """
import sys, uvicorn
from mesoplan.config import Settings
from mesoplan.entrypoints.api import create_app
app = create_app(Settings(database_url=sys.argv[2]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""
PASSWORD = "benchmark-password"
ZONES = ["thigh-left-lateral", "thigh-right-lateral"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(code: str, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", code, str(port), *args])
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/openapi.json", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the server on {base} did not start")


def call(base: str, path: str, body: object, token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        data: dict[str, object] = json.loads(resp.read())
        return data


def prepare(url: str) -> None:
    """The schema and a clinic with an admin (cheap argon2 is not needed: one login)."""
    from mesoplan.adapters.db import make_engine
    from mesoplan.adapters.db.migrate import upgrade
    from mesoplan.services.accounts import NewUser, PasswordPolicy, open_clinic
    from mesoplan.services.unit_of_work import UnitOfWork

    engine = make_engine(url)
    upgrade(engine)
    admin = NewUser("bench-admin", "Bench Admin", "admin", PASSWORD)
    open_clinic(UnitOfWork.from_engine(engine), "Bench", "Europe/Rome", admin, PasswordPolicy())
    engine.dispose()


def records(base: str) -> tuple[str, int, int]:
    """A practitioner, a patient with consent and a cellulite course; the token."""
    admin = str(
        call(base, "/auth/login", {"username": "bench-admin", "password": PASSWORD})["access_token"]
    )
    user = {
        "username": "bench-dr",
        "name": "Dr Bench",
        "role": "practitioner",
        "password": PASSWORD,
    }
    call(base, "/users", user, admin)
    token = str(
        call(base, "/auth/login", {"username": "bench-dr", "password": PASSWORD})["access_token"]
    )
    patient = {
        "family_name": "Bench",
        "given_name": "Ada",
        "birth_date": "1980-01-01",
        "sex": "female",
        "history": {"consent_given_at": "2024-01-01T09:00:00Z"},
    }
    pid = int(str(call(base, "/patients", patient, token)["id"]))
    course = {"protocol": "cellulite", "zones": ZONES, "start_date": date.today().isoformat()}
    cid = int(str(call(base, f"/patients/{pid}/courses", course, token)["id"]))
    return token, pid, cid


def wrk(
    url: str, seconds: int, token: str | None = None, body: str | None = None
) -> dict[str, float]:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    script = None
    if token or body:
        lines = []
        if token:
            lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
        if body:
            lines += ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
            lines.append(f"wrk.body = {json.dumps(body)}")
        fd, script = tempfile.mkstemp(suffix=".lua")
        os.write(fd, "\n".join(lines).encode())
        os.close(fd)
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if script:
        os.unlink(script)
    return parse(out)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    split = {k: re.match(r"([\d.]+)(\w+)", v).groups() for k, v in lat.items()}  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": _ms(*split["50"]),
        "p99": _ms(*split["99"]),
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); skipping the API benchmark")
        return
    tmp = Path(tempfile.mkdtemp(prefix="mesoplan-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    prepare(url)
    results: dict[str, dict[str, float]] = {}
    proc, base = start(BARE)
    try:
        results["bare hello"] = wrk(base + "/hello", args.duration)
    finally:
        proc.terminate()
        proc.wait()
    proc, base = start(APP, url)
    try:
        token, pid, cid = records(base)
        plan = json.dumps({"protocol": "cellulite", "zones": ZONES})
        results["GET patient"] = wrk(f"{base}/patients/{pid}", args.duration, token)
        results["GET course"] = wrk(f"{base}/courses/{cid}", args.duration, token)
        results["POST plan preview"] = wrk(f"{base}/plans/preview", args.duration, token, plan)
    finally:
        proc.terminate()
        proc.wait()
    report(results, url)


def report(results: dict[str, dict[str, float]], url: str) -> None:
    bare = results["bare hello"]["rps"]
    print(f"wrk -t2 -c16, one uvicorn worker per app; database {url.split(':', 1)[0]}")
    print(f"{'target':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'of bare':>10}{'non-2xx':>9}")
    for name, r in results.items():
        share = f"{100 * r['rps'] / bare:.0f} %"
        print(
            f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{share:>10}{r['non2xx']:>9.0f}"
        )
    reads = [results["GET patient"], results["GET course"]]
    ok = all(r["rps"] >= 0.3 * bare and r["p99"] < 50 for r in reads)
    print(f"goal (reads >= 30 % of bare, p99 < 50 ms): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
