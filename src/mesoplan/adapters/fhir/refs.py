"""Resource ids and references: stable UUIDs, as ``urn:uuid:`` (Bundle) or ``Type/id``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .datatypes import JSON, stable_uuid


@dataclass(frozen=True)
class Refs:
    """How resources name each other.

    ``mode="urn"``: references are the ``urn:uuid:`` fullUrls of a Bundle's entries;
    ``mode="relative"``: ``Patient/<id>`` as in bulk NDJSON. ``scope`` keeps two
    databases' record keys apart (the same key in two clinics gives two ids).
    """

    mode: Literal["urn", "relative"] = "relative"
    scope: str = ""

    def id(self, resource_type: str, key: str) -> str:
        return _cached_id(self.scope, resource_type, key)

    def url(self, resource_type: str, key: str) -> str:
        ident = self.id(resource_type, key)
        return f"urn:uuid:{ident}" if self.mode == "urn" else f"{resource_type}/{ident}"

    def to(self, resource_type: str, key: str, display: str | None = None) -> JSON:
        out: JSON = {"reference": self.url(resource_type, key)}
        if display:
            out["display"] = display
        return out


@lru_cache(maxsize=8192)
def _cached_id(scope: str, resource_type: str, key: str) -> str:
    """Bounded cache: a patient's, practitioner's and course's ids recur in every
    resource of theirs; memory stays flat however many records pass."""
    return stable_uuid(scope, resource_type, key)
