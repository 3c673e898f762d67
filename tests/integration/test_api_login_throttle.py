"""Login throttling through HTTP on SQLite and PostgreSQL, with the app's clock moved by
hand: 429 with Retry-After after the free failures, the wait doubling, a success
starting the username afresh, 503 when every hash slot stays busy, and throttled
attempts of a known username in its clinic's audit trail (at most one a minute)."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pytest
from sqlalchemy import Engine

from mesoplan.config import Settings
from mesoplan.entrypoints.api import ApiSettings, create_app
from mesoplan.services.login_throttle import LoginThrottled, ThrottleSettings

from .api_support import CHEAP, PASSWORD, clinic_with_roles
from .conftest import Clock

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration
THROTTLE = ThrottleSettings(
    hashes=1, queue_s=0.2, free_failures=3, address_free_failures=8, backoff_s=1.0,
    backoff_max_s=60.0,
)  # fmt: skip
THROTTLED = "POST /auth/login (throttled)"


def _client(engine: Engine, clock: Clock) -> TestClient:
    app = create_app(Settings(), ApiSettings(passwords=CHEAP, login=THROTTLE), engine=engine)
    app.state.mesoplan.clock = clock
    return TestClient(app, raise_server_exceptions=False)


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/auth/login", json={"username": username, "password": password})


def _throttled_entries(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get("/audit", params={"cursor": cursor} if cursor else {}, headers=headers)
        entries += [e for e in page.json()["items"] if e["action"] == THROTTLED]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return entries


def test_failed_logins_back_off_and_are_audited(engine: Engine, clock: Clock) -> None:
    client = _client(engine, clock)
    c = clinic_with_roles(client, engine, "t")
    auditor = c.headers["auditor"]
    user = "t-practitioner"
    assert [_login(client, user, "wrong-password").status_code for _ in range(3)] == [401] * 3
    r = _login(client, user, PASSWORD)  # even the right password waits
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert r.headers["content-type"] == "application/problem+json"
    assert "username" in r.json()["detail"]
    clock.advance(seconds=1)
    assert _login(client, user, "wrong-password").status_code == 401
    r = _login(client, user, "wrong-password")
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    assert [e["actor"] for e in _throttled_entries(client, auditor)] == [user]  # one a minute
    clock.advance(seconds=61)
    assert _login(client, user, "wrong-password").status_code == 401
    assert _login(client, user, "wrong-password").status_code == 429
    assert len(_throttled_entries(client, auditor)) == 2
    clock.advance(seconds=60)
    assert _login(client, user, PASSWORD).status_code == 200  # the wait is over
    assert _login(client, user, "wrong-password").status_code == 401  # and starts afresh
    verify = client.get("/audit/verify", headers=auditor).json()
    assert verify["intact"] is True


def test_an_address_that_guesses_many_usernames_is_held(engine: Engine, clock: Clock) -> None:
    client = _client(engine, clock)
    c = clinic_with_roles(client, engine, "g")
    before = len(_throttled_entries(client, c.headers["auditor"]))
    statuses = [_login(client, f"ghost-{i}", "wrong-password").status_code for i in range(9)]
    assert statuses[:8] == [401] * 8 and statuses[8] == 429
    r = _login(client, "g-admin", PASSWORD)
    assert r.status_code == 429 and "client address" in r.json()["detail"]
    # the unknown usernames leave no trace; the known one is audited in its clinic
    assert len(_throttled_entries(client, c.headers["auditor"])) == before + 1


def test_logins_wait_for_a_hash_slot_then_get_503(engine: Engine, clock: Clock) -> None:
    client = _client(engine, clock)
    clinic_with_roles(client, engine, "h")
    throttle = client.app.state.mesoplan.login_throttle  # type: ignore[attr-defined]
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with throttle.hashing():
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(5)
        r = _login(client, "h-admin", PASSWORD)
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
    finally:
        release.set()
        worker.join(10)
    assert _login(client, "h-admin", PASSWORD).status_code == 200


def test_the_web_login_counts_against_the_same_username(engine: Engine, clock: Clock) -> None:
    from mesoplan.entrypoints.web.accounts import AccountsBackend
    from mesoplan.services.auth import AuthenticationError

    client = _client(engine, clock)
    clinic_with_roles(client, engine, "w")
    web = AccountsBackend(client.app.state.mesoplan)  # type: ignore[attr-defined]
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            web.login("w-admin", "wrong-password")
    assert _login(client, "w-admin", "wrong-password").status_code == 401  # the third
    with pytest.raises(LoginThrottled, match="retry in 1 s"):
        web.login("w-admin", PASSWORD)
    assert _login(client, "w-admin", PASSWORD).status_code == 429
    clock.advance(seconds=1)
    token, identity = web.login(" w-admin\n", PASSWORD)
    assert identity.username == "w-admin" and token.startswith("mpt_")
