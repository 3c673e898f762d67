"""Does a signed session still say what was signed? Its content, re-derived from the rows
in the version it was signed with, against its signature, against the content hash (and
the per-field hashes) that the audit chain recorded at signing, and its planned map's
points against the hash the map is named by."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import AuditEntryRow
from .people import PatientRow, PractitionerRow
from .records import SessionRow
from .signed_content import content, content_hash, field_hashes, signature_of, stored_session


@dataclass(frozen=True)
class SignEvent:
    """A signing as the audit chain recorded it."""

    session_id: int
    content_version: int
    content_hash: str
    fields: Mapping[str, str]

    def as_change(self) -> dict[str, Any]:
        return {
            "event": "sign",
            "session": self.session_id,
            "content_version": self.content_version,
            "content_hash": self.content_hash,
            "fields": dict(self.fields),
        }


@dataclass(frozen=True)
class Mismatch:
    """A signed session whose content no longer verifies; ``field`` where it can tell."""

    session_id: int
    field: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"session {self.session_id}{where}: {self.reason}"


def sign_events(change: str) -> list[SignEvent]:
    """The signings an entry's change records (none for most entries)."""
    if '"event":"sign"' not in change:
        return []
    return [
        SignEvent(int(c["session"]), c["content_version"], c["content_hash"], c["fields"])
        for c in json.loads(change)
        if isinstance(c, dict) and c.get("event") == "sign"
    ]


def sign_event_of(session: Session, session_id: int) -> SignEvent | None:
    """The chain's record of a session's signing, found by the entry's index."""
    q = select(AuditEntryRow.change).where(AuditEntryRow.signed_session_id == session_id)
    for change in session.scalars(q):
        for event in sign_events(change):
            if event.session_id == session_id:
                return event
    return None


def check_session(
    session: Session, row: SessionRow, signer: str, event: SignEvent | None
) -> list[Mismatch]:
    """Every way a signed session no longer verifies (empty when it does)."""
    assert row.signed_at is not None
    stored = stored_session(session, row)
    version = row.content_version or 0
    out: list[Mismatch] = []
    if not stored.map_intact:
        out.append(
            Mismatch(
                row.id, "planned_map", "the planned map no longer has the points it was signed with"
            )
        )
    doc = content(stored, version)
    if event is not None and event.content_version != version:
        out.append(
            Mismatch(
                row.id,
                "content_version",
                f"signed as content version {event.content_version}, stored as {version}",
            )
        )
    elif event is not None and content_hash(doc) != event.content_hash:
        now = field_hashes(doc)
        changed = [name for name, digest in now.items() if event.fields.get(name) != digest]
        out += [
            Mismatch(row.id, name, "differs from what the audit chain recorded at signing")
            for name in changed or [None]  # type: ignore[list-item]
        ]
    if signature_of(doc, version, signer, row.signed_at) != row.signature:
        out.append(Mismatch(row.id, None, "the content no longer matches its signature"))
    return out


def _signed(session: Session, clinic_id: int) -> list[tuple[SessionRow, str]]:
    q = (
        select(SessionRow, PractitionerRow.handle)
        .join(PatientRow, PatientRow.id == SessionRow.patient_id)
        .join(PractitionerRow, PractitionerRow.id == SessionRow.signed_by_id)
        .where(PatientRow.clinic_id == clinic_id, SessionRow.signed_at.is_not(None))
        .order_by(SessionRow.id)
    )
    return [(row, handle) for row, handle in session.execute(q)]


def check_clinic_sessions(
    session: Session, clinic_id: int, signed: Mapping[int, SignEvent]
) -> tuple[int, list[Mismatch]]:
    """``(signed sessions checked, mismatches)`` of a clinic; a session the chain saw
    signed that is no longer signed (or no longer there) is a mismatch too."""
    count, out, seen = 0, [], set()
    for row, signer in _signed(session, clinic_id):
        count += 1
        seen.add(row.id)
        out += check_session(session, row, signer, signed.get(row.id))
    for sid in sorted(set(signed) - seen):
        out.append(
            Mismatch(
                sid, "signature", "the audit chain recorded its signing; it is no longer signed"
            )
        )
    return count, out


def content_verifies(session: Session, row: SessionRow, signer: str) -> bool:
    """Whether one signed session still verifies (for the mark on what shows it)."""
    return not check_session(session, row, signer, sign_event_of(session, row.id))
