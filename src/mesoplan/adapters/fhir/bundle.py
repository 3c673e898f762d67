"""A Bundle of resources whose references are the entries' ``urn:uuid:`` fullUrls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .datatypes import JSON, instant, stable_uuid


def collection_bundle(
    entries: Iterable[tuple[str, JSON]], timestamp: dt.datetime, bundle_type: str = "collection"
) -> JSON:
    """A Bundle of ``(fullUrl, resource)`` pairs (a fullUrl seen twice is kept once);
    ``bundle_type`` ``collection``, or ``searchset`` (as ``$everything`` answers)."""
    seen: set[str] = set()
    items: list[JSON] = []
    for full_url, resource in entries:
        if full_url not in seen:
            seen.add(full_url)
            items.append({"fullUrl": full_url, "resource": resource})
    out: JSON = {
        "resourceType": "Bundle",
        "id": stable_uuid("bundle", timestamp.isoformat(), *sorted(seen)),
        "type": bundle_type,
        "timestamp": instant(timestamp),
    }
    if bundle_type == "searchset":
        out["total"] = len(items)
    out["entry"] = items
    return out
