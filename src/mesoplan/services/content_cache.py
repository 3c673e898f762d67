"""A small, bounded, thread-safe in-process cache of what is derived from immutable
content, keyed only by that content's SHA-256 (``sha256:...``).

Only content that never changes once stored is cached this way (a course's plan text,
named by its ``plan_hash``): the same hash always names the same bytes, so an entry can
never be stale, and no clinic, user or row id is part of a key. Tenancy is untouched: a
caller reaches an entry only through a row it has already read through its
clinic-scoped session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class ContentCache(Generic[V]):
    """The least recently used entries go first once ``max_entries`` are held."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, content_hash: str) -> V | None:
        """The value kept for ``content_hash``, or None."""
        with self._lock:
            value = self._entries.get(content_hash)
            if value is not None:
                self._entries.move_to_end(content_hash)
            return value

    def put(self, content_hash: str, value: V) -> None:
        """Keep ``value``, derived from the content named ``content_hash``."""
        if not content_hash.startswith("sha256:"):
            raise ValueError(f"not a content hash: {content_hash!r}")
        with self._lock:
            self._entries[content_hash] = value
            self._entries.move_to_end(content_hash)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
