"""Use cases: a clinic's own protocols, uploaded as TOML text, validated with the same
line-numbered errors as a protocol file, stored per clinic; and finding a protocol by
``id`` or ``id@version`` among the built-ins and the clinic's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.errors import Issue, ProtocolError
from ..domain.protocol import Protocol
from ..domain.protocol_text import parse_protocol_text
from ..domain.record_errors import ConflictError, NotFoundError
from .scoped import ClinicUnitOfWork
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.accounts import ClinicProtocolRow


@dataclass(frozen=True)
class ProtocolEntry:
    protocol: Protocol
    origin: str
    """``builtin`` or ``clinic``."""
    record_id: int | None
    uploaded_at: datetime | None


def _rows(uow: UnitOfWork) -> list[ClinicProtocolRow]:
    from sqlalchemy import select

    from ..adapters.db.accounts import ClinicProtocolRow

    q = select(ClinicProtocolRow).where(ClinicProtocolRow.deleted_at.is_(None))
    return list(uow.session.scalars(q.order_by(ClinicProtocolRow.id)))


def _entry(row: ClinicProtocolRow) -> ProtocolEntry:
    protocol = parse_protocol_text(row.toml_text, filename=f"<clinic>/{row.protocol_id}.toml")
    return ProtocolEntry(protocol, "clinic", row.id, row.created_at)


def all_protocols(uow: UnitOfWork) -> list[ProtocolEntry]:
    """The built-ins, then the clinic's own (needs an entered unit of work)."""
    from ..protocols import builtin_protocols

    out = [ProtocolEntry(p, "builtin", None, None) for p in builtin_protocols().values()]
    return out + [_entry(r) for r in _rows(uow)]


def find_protocol(uow: UnitOfWork, ref: str) -> ProtocolEntry:
    """``id`` (the newest version) or ``id@version``."""
    pid, _, version = ref.partition("@")
    found = [e for e in all_protocols(uow) if e.protocol.id == pid]
    if version:
        found = [e for e in found if e.protocol.version == version]
    if not found:
        known = ", ".join(sorted({e.protocol.key for e in all_protocols(uow)}))
        raise NotFoundError(f"unknown protocol {ref!r}; known: {known}")
    return max(found, key=lambda e: tuple(int(x) for x in e.protocol.version.split(".")))


def upload_protocol(uow: ClinicUnitOfWork, actor: str, text: str) -> ProtocolEntry:
    """Validate and keep a clinic protocol. A version names one content forever: the same
    id and version with other content is refused, and a built-in id cannot be reused."""
    from ..adapters.db.accounts import ClinicProtocolRow
    from ..protocols import builtin_protocols

    protocol = parse_protocol_text(text, filename="<upload>")
    if protocol.id in builtin_protocols():
        raise ProtocolError(
            [Issue("id", f"{protocol.id!r} is a built-in protocol; choose another id", "<upload>")]
        )
    with uow:
        who = uow.people.practitioner(actor)
        for e in all_protocols(uow):
            if e.protocol.key == protocol.key:
                raise ConflictError(
                    f"protocol {protocol.key} exists already; give the new content a new version"
                )
        row = ClinicProtocolRow(
            clinic_id=uow.clinic_id,
            protocol_id=protocol.id,
            version=protocol.version,
            content_hash=protocol.content_hash,
            toml_text=text,
            created_at=uow.now(),
            created_by_id=who.id,
        )
        uow.session.add(row)
        uow.flush()
        entry = ProtocolEntry(protocol, "clinic", row.id, row.created_at)
        uow.commit()
        return entry


def withdraw_protocol(uow: ClinicUnitOfWork, ref: str) -> None:
    """Hide a clinic protocol from new plans; courses keep their frozen copy."""
    with uow:
        entry = find_protocol(uow, ref)
        if entry.record_id is None:
            raise ConflictError(f"{entry.protocol.key} is built in; it cannot be withdrawn")
        from ..adapters.db.accounts import ClinicProtocolRow

        row = uow.session.get_one(ClinicProtocolRow, entry.record_id)
        row.deleted_at = uow.now()
        uow.commit()
