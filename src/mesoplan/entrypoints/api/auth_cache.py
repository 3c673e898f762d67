"""A short-lived, per-process memory of who a bearer secret names, so a burst of requests
with one token costs one database lookup, not one each.

Entries live ``ttl_s`` seconds (``MESOPLAN_API_AUTH_CACHE_S``, default 5; 0 turns the
cache off). Logging out, revoking a key, deactivating a user or changing a password
forgets that user's entries in this process at once; another app process may accept a
revoked secret for at most ``ttl_s`` seconds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from ...services.accounts import Principal

MAX_ENTRIES = 10_000


class AuthCache:
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Principal]] = {}

    def peek(self, secret: str) -> Principal | None:
        """The remembered principal of ``secret``, without asking anyone."""
        if self.ttl_s <= 0:
            return None
        hit = self._entries.get(_key(secret))
        return hit[1] if hit is not None and hit[0] > self._clock() else None

    def get(self, secret: str, resolve: Callable[[str], Principal | None]) -> Principal | None:
        """The principal of ``secret``: remembered, or ``resolve``'d (None is not kept)."""
        if self.ttl_s <= 0:
            return resolve(secret)
        key = _key(secret)
        now = self._clock()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        who = resolve(secret)
        if who is not None:
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = (now + self.ttl_s, who)
        return who

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            stale = [k for k, (_, who) in self._entries.items() if who.user_id == user_id]
            for k in stale:
                del self._entries[k]


def _key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
