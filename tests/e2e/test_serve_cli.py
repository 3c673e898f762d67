"""`mesoplan serve` runs the API; `mesoplan audit` opens a clinic and verifies its chain."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mesoplan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mesoplan", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def test_serve_login_and_verify(tmp_path: Path) -> None:
    env = os.environ | {
        "MESOPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite'}",
        "MESOPLAN_NEW_PASSWORD": "a long passphrase",
        "MESOPLAN_API_ARGON2_TIME_COST": "1",
        "MESOPLAN_API_ARGON2_MEMORY_KIB": "8",
        "MESOPLAN_API_ARGON2_PARALLELISM": "1",
    }
    assert _mesoplan("db", "upgrade", env=env).returncode == 0
    opened = _mesoplan(
        "audit", "open-clinic", "Aurora", "--username", "ada", "--name", "Ada", env=env
    )
    assert opened.returncode == 0, opened.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mesoplan", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                doc = json.loads(urllib.request.urlopen(base + "/openapi.json", timeout=1).read())
                break
            except OSError:
                time.sleep(0.05)
        assert doc["openapi"].startswith("3.1")
        body = json.dumps({"username": "ada", "password": "a long passphrase"}).encode()
        req = urllib.request.Request(
            base + "/auth/login", body, {"Content-Type": "application/json"}, method="POST"
        )
        token = json.loads(urllib.request.urlopen(req, timeout=10).read())["access_token"]
        me = urllib.request.Request(base + "/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert json.loads(urllib.request.urlopen(me, timeout=10).read())["role"] == "admin"
    finally:
        server.terminate()
        server.wait(timeout=10)
    verified = _mesoplan("audit", "verify", env=env)
    assert verified.returncode == 0 and "2 entries, chain intact" in verified.stdout
