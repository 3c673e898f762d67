"""The login throttle with a clock moved by hand: free failures, then a back-off that
doubles up to its cap, per username and per client address; a bounded number of hash
slots; at most one audit entry per username a minute; bounded memory."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from mesoplan.domain.errors import MesoplanError
from mesoplan.services import login_throttle
from mesoplan.services.login_throttle import (
    LoginBusy,
    LoginThrottle,
    LoginThrottled,
    ThrottleSettings,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


T = TypeVar("T")
SETTINGS = ThrottleSettings(
    hashes=1, queue_s=0.05, free_failures=3, address_free_failures=10, backoff_s=1.0,
    backoff_max_s=30.0,
)  # fmt: skip


def _wait(t: LoginThrottle, user: str = "dr-rossi", address: str = "10.0.0.1") -> int:
    """The Retry-After a login would get now (0: let through)."""
    try:
        t.check(user, address)
    except LoginThrottled as exc:
        return exc.retry_after_s
    return 0


def test_the_wait_doubles_after_the_free_failures_up_to_the_cap() -> None:
    clock = Clock()
    t = LoginThrottle(SETTINGS, clock)
    waits = []
    for _ in range(10):
        waits.append(_wait(t))
        clock.advance(waits[-1])
        t.failed("dr-rossi", "10.0.0.1")
    waits.append(_wait(t))
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]


def test_the_wait_runs_out_on_the_clock() -> None:
    clock = Clock()
    t = LoginThrottle(SETTINGS, clock)
    for _ in range(4):
        t.failed("dr-rossi", "10.0.0.1")
    assert _wait(t) == 2
    clock.advance(1.5)
    assert _wait(t) == 1  # 0.5 s left, rounded up
    clock.advance(0.5)
    assert _wait(t) == 0


def test_a_success_clears_the_username_not_the_address() -> None:
    clock = Clock()
    t = LoginThrottle(SETTINGS, clock)
    for i in range(3):
        t.failed("dr-rossi", "10.0.0.1")
        t.failed(f"guess-{i}", "10.0.0.9")
    t.succeeded("dr-rossi")
    assert _wait(t) == 0
    for i in range(7):
        t.failed(f"guess-more-{i}", "10.0.0.9")
    assert _wait(t, "anyone", "10.0.0.9") == 1  # ten failures from the address
    with pytest.raises(LoginThrottled, match="client address"):
        t.check("anyone", "10.0.0.9")
    assert _wait(t, "anyone", "10.0.0.2") == 0  # another address is not held


def test_the_username_is_held_whatever_the_address() -> None:
    t = LoginThrottle(SETTINGS, Clock())
    for i in range(3):
        t.failed("dr-rossi", f"10.0.1.{i}")
    with pytest.raises(LoginThrottled, match="username"):
        t.check("dr-rossi", "10.0.2.1")


def test_failures_are_forgotten_after_a_quiet_time() -> None:
    clock = Clock()
    t = LoginThrottle(SETTINGS, clock)
    for _ in range(6):
        t.failed("dr-rossi", "10.0.0.1")
    clock.advance(2 * SETTINGS.backoff_max_s + 1)
    t.failed("dr-rossi", "10.0.0.1")
    assert _wait(t) == 0  # one failure counted, not seven


def test_at_most_one_audit_entry_per_username_a_minute() -> None:
    clock = Clock()
    t = LoginThrottle(SETTINGS, clock)
    seen = []
    for _ in range(13):
        seen.append(t.should_audit("dr-rossi"))
        clock.advance(10)
    assert seen.count(True) == 3 and seen[0] and seen[6] and seen[12]
    assert t.should_audit("another")


def test_hash_slots_are_bounded_and_others_get_busy() -> None:
    t = LoginThrottle(SETTINGS, Clock())
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with t.hashing():
            held.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert held.wait(5)
    with pytest.raises(LoginBusy) as info, t.hashing():
        pass
    assert info.value.retry_after_s == 1
    release.set()
    worker.join(5)
    with t.hashing():  # free again
        pass


def test_tracked_keys_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(login_throttle, "MAX_TRACKED", 50)
    t = LoginThrottle(SETTINGS, Clock())
    for i in range(500):
        t.failed(f"user-{i}", f"10.1.{i // 256}.{i % 256}")
        t.should_audit(f"user-{i}")
    assert len(t._users.items) == len(t._addresses.items) == len(t._audited) == 50


def test_no_hash_slot_is_one_clear_error() -> None:
    with pytest.raises(MesoplanError, match="MESOPLAN_API_LOGIN_HASHES"):
        ThrottleSettings(hashes=0)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own (whatever loop this thread may hold)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(10)


def test_a_coroutine_waits_for_the_same_slots_without_a_thread() -> None:
    t = LoginThrottle(SETTINGS, Clock())

    async def login() -> str:
        async with t.hashing_async():
            return "hashed"

    with t.hashing(), pytest.raises(LoginBusy):
        _run(login())
    assert _run(login()) == "hashed"

    async def released_meanwhile() -> str:
        with t.hashing():
            asyncio.get_running_loop().call_later(0.02, t._slots.release)
            result = await login()  # waits the 0.02 s, then gets the freed slot
            t._slots.acquire()
        return result

    assert _run(released_meanwhile()) == "hashed"
