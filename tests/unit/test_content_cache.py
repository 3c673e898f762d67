"""The in-process cache of what is derived from immutable, content-addressed data."""

from __future__ import annotations

import pytest

from mesoplan.services.content_cache import ContentCache


def h(n: int) -> str:
    return f"sha256:{n:064x}"


def test_it_keeps_at_most_max_entries_dropping_the_least_recently_used() -> None:
    cache: ContentCache[float] = ContentCache(2)
    cache.put(h(1), 1.0)
    cache.put(h(2), 2.0)
    assert cache.peek(h(1)) == 1.0  # h(1) is now the most recently used
    cache.put(h(3), 3.0)
    assert len(cache) == 2
    assert cache.peek(h(2)) is None
    assert (cache.peek(h(1)), cache.peek(h(3))) == (1.0, 3.0)


def test_a_miss_answers_none_and_clear_empties_it() -> None:
    cache: ContentCache[str] = ContentCache(4)
    assert cache.peek(h(9)) is None
    cache.put(h(9), "nine")
    cache.clear()
    assert len(cache) == 0 and cache.peek(h(9)) is None


def test_only_content_hashes_are_keys() -> None:
    cache: ContentCache[int] = ContentCache(4)
    with pytest.raises(ValueError, match="not a content hash: '17'"):
        cache.put("17", 1)
    with pytest.raises(ValueError, match="at least 1"):
        ContentCache(0)
