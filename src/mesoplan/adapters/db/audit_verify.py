"""Check a clinic's audit chain and its records against each other.

The chain: every entry's change hash, entry hash (SHA-256, or HMAC-SHA-256 with the
clinic's key), sequence number and link to the previous entry, the head row against
the last entry, and (with an anchor exported earlier) that the chain still holds the
head the anchor saw. The records: every signed session's content, re-derived from the
rows, against its signature and against the content hash the chain recorded when it
was signed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.errors import MesoplanError
from .accounts import AuditEntryRow, AuditHeadRow
from .audit import GENESIS, HMAC, SHA256, entry_hash, sha256
from .audit_keys import AuditKeyError, Keyring
from .record_check import Mismatch, SignEvent, check_clinic_sessions, sign_events

ANCHOR_FORMAT = "mesoplan-audit-anchor/1"


class AnchorError(MesoplanError):
    """An anchor file that cannot be read."""


@dataclass(frozen=True)
class Head:
    clinic_id: int
    seq: int
    entry_hash: str


@dataclass(frozen=True)
class ChainReport:
    """``broken_at``: the sequence number of the first broken link (None when intact);
    ``mismatches``: every signed session whose content no longer verifies;
    ``missing_key``: the chain names a key the key file does not hold (nothing keyed
    could be checked past it)."""

    clinic_id: int
    entries: int
    broken_at: int | None
    reason: str | None
    sessions: int = 0
    mismatches: tuple[Mismatch, ...] = ()
    missing_key: str | None = None
    head: Head | None = field(default=None, compare=False)

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.mismatches and self.missing_key is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "clinic_id": self.clinic_id,
            "entries": self.entries,
            "intact": self.intact,
            "broken_at": self.broken_at,
            "reason": self.reason,
            "sessions": self.sessions,
            "mismatches": [m.as_dict() for m in self.mismatches],
            "missing_key": self.missing_key,
        }


def _key(keyring: Keyring, e: AuditEntryRow) -> tuple[str, bytes] | None:
    if e.algorithm == SHA256:
        return None
    if e.algorithm != HMAC or e.key_id is None:
        raise ValueError(f"entry {e.seq}: unknown algorithm {e.algorithm!r}")
    return e.key_id, keyring.key(e.clinic_id, e.key_id)


def _entry_problem(e: AuditEntryRow, expected_seq: int, prev: str, keyring: Keyring) -> str | None:
    if e.seq != expected_seq:
        return f"entry {expected_seq} is missing or out of order (found {e.seq} in its place)"
    if e.prev_hash != prev:
        return f"entry {e.seq} does not link to the entry before it"
    if sha256(e.change) != e.change_hash:
        return f"entry {e.seq}: the recorded change does not match its hash"
    try:
        key = _key(keyring, e)
    except ValueError as exc:
        return str(exc)
    digest = entry_hash(
        e.clinic_id, e.seq, e.at, e.actor, e.action, e.change_hash, e.prev_hash, key
    )
    if digest != e.entry_hash:
        return f"entry {e.seq}: who, when or what was altered (its hash does not match)"
    return None


@dataclass
class _Walk:
    entries: int = 0
    broken_at: int | None = None
    reason: str | None = None
    missing_key: str | None = None
    last: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)
    signed: dict[int, SignEvent] = field(default_factory=dict)


def _walk(
    session: Session, clinic_id: int, keyring: Keyring, anchored: Sequence[int] = ()
) -> _Walk:
    q = select(AuditEntryRow).where(AuditEntryRow.clinic_id == clinic_id)
    walk, prev = _Walk(), GENESIS
    for count, e in enumerate(session.scalars(q.order_by(AuditEntryRow.id)), start=1):
        walk.entries = count
        if e.seq in anchored:
            walk.hashes[e.seq] = e.entry_hash
        if walk.broken_at is None:
            try:
                problem = _entry_problem(e, count, prev, keyring)
            except AuditKeyError as exc:
                walk.missing_key, walk.broken_at, walk.reason = str(exc), count, str(exc)
                problem = None
            if problem is not None:
                walk.broken_at, walk.reason = count, problem
        prev = walk.last = e.entry_hash
        walk.signed.update((s.session_id, s) for s in sign_events(e.change))
    return walk


def verify_clinic(
    session: Session,
    clinic_id: int,
    keyring: Keyring | None = None,
    anchor: Head | None = None,
) -> ChainReport:
    keyring = keyring or Keyring()
    walk = _walk(session, clinic_id, keyring, [anchor.seq] if anchor else [])
    count, broken_at, reason = walk.entries, walk.broken_at, walk.reason
    head = session.get(AuditHeadRow, clinic_id)
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS)
    if broken_at is None and (head_seq != count or head_hash != walk.last):
        broken_at = count + 1 if head_seq > count else count
        reason = (
            f"the chain ends at entry {count} but its head says {head_seq}: entries were removed"
        )
    if broken_at is None and anchor is not None:
        reason = _against_anchor(anchor, count, walk.hashes.get(anchor.seq))
        broken_at = None if reason is None else min(anchor.seq, count + 1)
    sessions, mismatches = check_clinic_sessions(session, clinic_id, walk.signed)
    return ChainReport(
        clinic_id,
        count,
        broken_at,
        reason,
        sessions,
        tuple(mismatches),
        walk.missing_key,
        Head(clinic_id, head_seq, head_hash),
    )


def _against_anchor(anchor: Head, count: int, found: str | None) -> str | None:
    if count < anchor.seq:
        return (
            f"the anchor saw entry {anchor.seq} but the chain ends at entry {count}: "
            "its tail was removed"
        )
    if found != anchor.entry_hash:
        return f"entry {anchor.seq} is not the entry the anchor saw: the chain was rewritten"
    return None


def verify_all(
    session: Session, keyring: Keyring | None = None, anchors: Mapping[int, Head] | None = None
) -> list[ChainReport]:
    from .people import ClinicRow

    ids = list(session.scalars(select(ClinicRow.id).order_by(ClinicRow.id)))
    anchors = anchors or {}
    return [verify_clinic(session, cid, keyring, anchors.get(cid)) for cid in ids]


def heads(session: Session) -> list[Head]:
    """Every clinic's chain head, for an anchor kept elsewhere."""
    q = select(AuditHeadRow).order_by(AuditHeadRow.clinic_id)
    return [Head(h.clinic_id, h.seq, h.entry_hash) for h in session.scalars(q)]


def anchor_document(found: Sequence[Head], made_at: str) -> dict[str, Any]:
    return {
        "format": ANCHOR_FORMAT,
        "made_at": made_at,
        "heads": [
            {"clinic_id": h.clinic_id, "seq": h.seq, "entry_hash": h.entry_hash} for h in found
        ],
    }


def read_anchor(text: str, source: str) -> dict[int, Head]:
    """The heads of an anchor file; a clear error for anything else."""
    try:
        doc = json.loads(text)
        if doc.get("format") != ANCHOR_FORMAT:
            raise ValueError(f"format is not {ANCHOR_FORMAT!r}")
        found = [
            Head(int(h["clinic_id"]), int(h["seq"]), str(h["entry_hash"])) for h in doc["heads"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorError(f"{source}: not a mesoplan audit anchor ({exc})") from None
    return {h.clinic_id: h for h in found}
