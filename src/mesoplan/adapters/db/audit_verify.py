"""Check a clinic's audit chain: every entry's change hash, entry hash, sequence number
and link to the previous entry, and the head row against the last entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import AuditEntryRow, AuditHeadRow
from .audit import GENESIS, entry_hash, sha256


@dataclass(frozen=True)
class ChainReport:
    """``broken_at``: the sequence number of the first broken link (None when intact)."""

    clinic_id: int
    entries: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _entry_problem(e: AuditEntryRow, expected_seq: int, prev: str) -> str | None:
    if e.seq != expected_seq:
        return f"entry {expected_seq} is missing or out of order (found {e.seq} in its place)"
    if e.prev_hash != prev:
        return f"entry {e.seq} does not link to the entry before it"
    if sha256(e.change) != e.change_hash:
        return f"entry {e.seq}: the recorded change does not match its hash"
    digest = entry_hash(e.clinic_id, e.seq, e.at, e.actor, e.action, e.change_hash, e.prev_hash)
    if digest != e.entry_hash:
        return f"entry {e.seq}: who, when or what was altered (its hash does not match)"
    return None


def verify_clinic(session: Session, clinic_id: int) -> ChainReport:
    q = select(AuditEntryRow).where(AuditEntryRow.clinic_id == clinic_id)
    prev, count = GENESIS, 0
    for count, e in enumerate(session.scalars(q.order_by(AuditEntryRow.id)), start=1):
        problem = _entry_problem(e, count, prev)
        if problem is not None:
            return ChainReport(clinic_id, count, count, problem)
        prev = e.entry_hash
    head = session.get(AuditHeadRow, clinic_id)
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != prev:
        return ChainReport(
            clinic_id,
            count,
            count + 1 if head_seq > count else count,
            f"the chain ends at entry {count} but its head says {head_seq}: entries were removed",
        )
    return ChainReport(clinic_id, count, None, None)


def verify_all(session: Session) -> list[ChainReport]:
    from .people import ClinicRow

    ids = session.scalars(select(ClinicRow.id).order_by(ClinicRow.id))
    return [verify_clinic(session, cid) for cid in ids]
