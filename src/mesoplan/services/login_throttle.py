"""Login throttling: an exponential back-off per username and per client address after
failed logins, and a bound on the password hashes in flight (each argon2id hash holds
its memory cost, 64 MiB by default, while it runs).

The state lives in the process (a load balancer's processes each keep their own); it is
bounded (:data:`MAX_TRACKED` keys, the least recently failed forgotten first) and uses
the clock it is given, so tests move time by hand.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.errors import MesoplanError

MAX_TRACKED = 100_000
POLL_S = 0.01
AUDIT_EVERY = timedelta(minutes=1)
"""At most one audit entry per username in this time for throttled attempts."""


@dataclass(frozen=True)
class ThrottleSettings:
    """See :class:`mesoplan.Settings` (``MESOPLAN_API_LOGIN_*``)."""

    hashes: int = 2
    queue_s: float = 5.0
    free_failures: int = 5
    address_free_failures: int = 20
    backoff_s: float = 1.0
    backoff_max_s: float = 900.0

    def __post_init__(self) -> None:
        if self.hashes < 1:
            raise MesoplanError("MESOPLAN_API_LOGIN_HASHES must be at least 1")


class LoginThrottled(MesoplanError):
    """Wait ``retry_after_s`` before the next login (429)."""

    def __init__(self, retry_after_s: int, because: str) -> None:
        super().__init__(f"too many failed logins for this {because}; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s
        self.because = because


class LoginBusy(MesoplanError):
    """Every password hash slot stayed taken for the queue time (503)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("the server is busy checking other logins; retry shortly")
        self.retry_after_s = retry_after_s


@dataclass
class _Failures:
    count: int
    last: datetime


class _Keys:
    """Failed attempts per key, least recently failed first, bounded in size."""

    def __init__(self, free: int, settings: ThrottleSettings) -> None:
        self.free = free
        self.settings = settings
        self.items: OrderedDict[str, _Failures] = OrderedDict()

    def wait_s(self, key: str, now: datetime) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        f = self.items.get(key)
        if f is None or f.count < self.free:
            return 0.0
        step = self.settings.backoff_s * 2 ** min(f.count - self.free, 60)
        until = f.last + timedelta(seconds=min(step, self.settings.backoff_max_s))
        return max((until - now).total_seconds(), 0.0)

    def fail(self, key: str, now: datetime) -> None:
        f = self.items.pop(key, None)
        forget = timedelta(seconds=2 * self.settings.backoff_max_s)
        if f is None or now - f.last > forget:
            f = _Failures(0, now)
        f.count, f.last = f.count + 1, now
        self.items[key] = f
        while len(self.items) > MAX_TRACKED:
            self.items.popitem(last=False)

    def clear(self, key: str) -> None:
        self.items.pop(key, None)


class LoginThrottle:
    """Thread-safe: ``check`` before a login, then ``failed`` or ``succeeded``;
    ``hashing`` holds one of the bounded hash slots around a password check."""

    def __init__(self, settings: ThrottleSettings, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._users = _Keys(settings.free_failures, settings)
        self._addresses = _Keys(settings.address_free_failures, settings)
        self._audited: OrderedDict[str, datetime] = OrderedDict()
        self._slots = threading.BoundedSemaphore(settings.hashes)

    def check(self, username: str, address: str | None) -> None:
        """Raise :class:`LoginThrottled` while the username or the address waits
        (``address`` None: a caller that does not know it; the username still counts)."""
        now = self.clock()
        with self._lock:
            user_wait = self._users.wait_s(username, now)
            address_wait = self._addresses.wait_s(address, now) if address else 0.0
        wait = max(user_wait, address_wait)
        if wait > 0:
            because = "username" if user_wait >= address_wait else "client address"
            raise LoginThrottled(max(1, math.ceil(wait)), because)

    def failed(self, username: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            self._users.fail(username, now)
            if address:
                self._addresses.fail(address, now)

    def succeeded(self, username: str) -> None:
        """The username starts afresh; the address keeps its count (a valid account of
        one's own must not reset the guesses at others)."""
        with self._lock:
            self._users.clear(username)

    def should_audit(self, username: str) -> bool:
        """True at most once per :data:`AUDIT_EVERY` per username (and remembers it)."""
        now = self.clock()
        with self._lock:
            last = self._audited.get(username)
            if last is not None and now - last < AUDIT_EVERY:
                return False
            self._audited.pop(username, None)
            self._audited[username] = now
            while len(self._audited) > MAX_TRACKED:
                self._audited.popitem(last=False)
            return True

    @asynccontextmanager
    async def hashing_async(self) -> AsyncIterator[None]:
        """:meth:`hashing` for a coroutine: it waits without holding a worker thread
        (it polls the same slots every :data:`POLL_S`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.queue_s
        while not self._slots.acquire(blocking=False):
            if loop.time() >= deadline:
                raise LoginBusy(max(1, math.ceil(self.settings.queue_s)))
            await asyncio.sleep(POLL_S)
        try:
            yield
        finally:
            self._slots.release()

    @contextmanager
    def hashing(self) -> Iterator[None]:
        """One of the ``hashes`` slots, waited for up to ``queue_s``; else :class:`LoginBusy`."""
        if not self._slots.acquire(timeout=self.settings.queue_s):
            raise LoginBusy(max(1, math.ceil(self.settings.queue_s)))
        try:
            yield
        finally:
            self._slots.release()
