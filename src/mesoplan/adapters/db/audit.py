"""The audit chain: every committed write of a clinic-scoped session appends one entry
(who, when, what, the SHA-256 of the change, the previous entry's hash), in the same
transaction as the change.

The change is collected by ``after_flush`` (each inserted, updated or deleted row: table,
key and the new column values) and by ``do_orm_execute`` (bulk UPDATE statements); the
entry is written by ``before_commit`` after the clinic's :class:`AuditHeadRow` is locked,
so concurrent writers of one clinic line up.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from .accounts import AuditEntryRow, AuditHeadRow
from .tenancy import clinic_of

GENESIS = "sha256:" + "0" * 64
_CHANGES = "mesoplan_audit_changes"
_ACTOR = "mesoplan_audit_actor"
_CLOCK = "mesoplan_audit_clock"
_SKIP = (AuditEntryRow, AuditHeadRow)
SKIP_OPTION = "mesoplan_audit_skip"


def sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value).decode("ascii")
    return value


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=_plain)


def _row_change(obj: Any, op: str) -> dict[str, Any]:
    state = inspect(obj)
    mapper = state.mapper
    key = [_plain(v) for v in (state.identity or ())]
    values: dict[str, Any] = {}
    if op != "delete":
        for attr in mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if op == "insert" or hist.has_changes():
                values[attr.key] = _plain(getattr(obj, attr.key))
    return {"table": mapper.local_table.name, "op": op, "key": key, "values": values}


def _after_flush(session: Session, _ctx: Any) -> None:
    changes = session.info.setdefault(_CHANGES, [])
    for obj in session.new:
        if not isinstance(obj, _SKIP):
            changes.append(_row_change(obj, "insert"))
    for obj in session.dirty:
        if not isinstance(obj, _SKIP) and session.is_modified(obj, include_collections=False):
            changes.append(_row_change(obj, "update"))
    for obj in session.deleted:
        if not isinstance(obj, _SKIP):
            changes.append(_row_change(obj, "delete"))


def _bulk_statement(state: ORMExecuteState) -> None:
    if state.execution_options.get(SKIP_OPTION):
        return
    if state.is_update or state.is_delete:
        compiled = cast(Any, state.statement).compile()
        entry: dict[str, Any] = {"table": "statement", "op": "bulk", "sql": str(compiled)}
        entry["params"] = {k: _plain(v) for k, v in compiled.params.items()}
        state.session.info.setdefault(_CHANGES, []).append(entry)


@dataclass(frozen=True)
class Actor:
    """Who writes, and the request that writes (``POST /patients``)."""

    who: str
    action: str


def entry_hash(
    clinic_id: int, seq: int, at: datetime, actor: str, action: str, change_hash: str, prev: str
) -> str:
    doc = {
        "clinic_id": clinic_id,
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "change_hash": change_hash,
        "prev_hash": prev,
    }
    return sha256(canonical(doc))


def lock_head(session: Session, clinic_id: int) -> AuditHeadRow:
    """Lock the clinic's chain head for this transaction (row lock on PostgreSQL; the
    write lock on SQLite); created at genesis when missing."""
    session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.clinic_id == clinic_id)
        .values(seq=AuditHeadRow.seq)
        .execution_options(synchronize_session=False, **{SKIP_OPTION: True})
    )
    head = session.scalar(select(AuditHeadRow).where(AuditHeadRow.clinic_id == clinic_id))
    if head is None:
        head = AuditHeadRow(clinic_id=clinic_id, seq=0, entry_hash=GENESIS)
        session.add(head)
    return head


def _before_commit(session: Session) -> None:
    session.flush()
    changes = session.info.pop(_CHANGES, [])
    actor: Actor | None = session.info.get(_ACTOR)
    clinic_id = clinic_of(session)
    if not changes or actor is None or clinic_id is None:
        return
    head = lock_head(session, clinic_id)
    at: datetime = session.info[_CLOCK]()
    change = canonical(changes)
    change_hash = sha256(change)
    seq = head.seq + 1
    digest = entry_hash(clinic_id, seq, at, actor.who, actor.action, change_hash, head.entry_hash)
    session.add(
        AuditEntryRow(
            clinic_id=clinic_id,
            seq=seq,
            at=at,
            actor=actor.who,
            action=actor.action,
            change=change,
            change_hash=change_hash,
            prev_hash=head.entry_hash,
            entry_hash=digest,
        )
    )
    head.seq, head.entry_hash = seq, digest
    session.flush()
    session.info.pop(_CHANGES, None)


def note(session: Session, change: dict[str, Any]) -> None:
    """Audit ``change`` (an event that alters no row, such as a refused login) with the
    next commit of this tracked session."""
    session.info.setdefault(_CHANGES, []).append(change)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGES, None)


def track(session: Session, actor: Actor, clock: Any) -> None:
    """Audit every commit of ``session`` (a clinic-scoped session) as ``actor``."""
    session.info[_ACTOR] = actor
    session.info[_CLOCK] = clock
    session.info[_CHANGES] = []
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "do_orm_execute", _bulk_statement)
    event.listen(session, "before_commit", _before_commit)
    event.listen(session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
