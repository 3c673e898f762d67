"""Which protocols a clinic may plan with: the built-ins, the configured folders and the
clinic's own uploaded protocols."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.protocol import Protocol
from ...domain.record_errors import NotFoundError

if TYPE_CHECKING:
    from .context import Page


def protocols_for(page: Page) -> list[Protocol]:
    """Every protocol the clinic can use, newest version of each id first."""
    from ...protocols import load_protocol_library

    library = load_protocol_library(page.web.settings.protocol_path)
    found = {p.key: p for p in library}
    for p in clinic_protocols(page):
        found.setdefault(p.key, p)
    return sorted(found.values(), key=lambda p: (p.id, p.version))


def clinic_protocols(page: Page) -> list[Protocol]:
    """The clinic's uploaded protocols (none where the API's store is not installed)."""
    loader = getattr(page.web.auth, "clinic_protocols", None)
    if loader is None:
        return []
    protocols: list[Protocol] = loader(page.user)
    return protocols


def find_protocol(page: Page, key: str) -> Protocol:
    """A protocol by ``id@version`` (or ``id`` for the newest version)."""
    protocols = protocols_for(page)
    for p in protocols:
        if key in (p.key, f"{p.id}@{p.version}"):
            return p
    same = [p for p in protocols if p.id == key]
    if same:
        return same[-1]
    known = ", ".join(p.key for p in protocols)
    raise NotFoundError(f"unknown protocol {key!r}; known: {known}")
