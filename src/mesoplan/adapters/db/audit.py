"""The audit chain: every committed write of an audited session (the CLI's, the web's and
the API's units of work) appends one entry per clinic it changes (who, when, what, the
SHA-256 of the change, the previous entry's hash, keyed with the clinic's HMAC key when
it has one), in the same transaction as the change.

The change is collected by ``after_flush`` (each inserted, updated or deleted row: table,
key and the new column values) and by ``do_orm_execute`` (bulk UPDATE statements); the
entry is written by ``before_commit`` after the clinic's :class:`AuditHeadRow` is locked,
so concurrent writers of one clinic line up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from .accounts import AccessEntryRow, AuditEntryRow, AuditHeadRow
from .audit_keys import Keyring
from .tenancy import clinic_of

GENESIS = "sha256:" + "0" * 64
SHA256 = "sha256"
HMAC = "hmac-sha256"
_CHANGES = "mesoplan_audit_changes"
_ACTOR = "mesoplan_audit_actor"
_CLOCK = "mesoplan_audit_clock"
_KEYS = "mesoplan_audit_keys"
_SKIP = (AuditEntryRow, AuditHeadRow, AccessEntryRow)
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


_HINTS = ("clinic_id", "patient_id", "session_id", "course_id", "product_id", "lot_id")
Hint = tuple[str, int] | None


def _hint(obj: Any) -> Hint:
    """How to find the clinic a row belongs to: its own id (a clinic), or the first
    foreign key that leads there; None for the shared content-addressed rows."""
    from .people import ClinicRow

    loaded = inspect(obj).dict
    if isinstance(obj, ClinicRow):
        return ("clinic_id", loaded["id"])
    for name in _HINTS:
        if loaded.get(name) is not None:
            return (name, int(loaded[name]))
    return None


def _row_change(obj: Any, op: str) -> tuple[dict[str, Any], Hint]:
    state = inspect(obj)
    mapper = state.mapper
    key = [_plain(v) for v in (state.identity or ())]
    values: dict[str, Any] = {}
    if op != "delete":
        for attr in mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if op == "insert" or hist.has_changes():
                values[attr.key] = _plain(getattr(obj, attr.key))
    change = {"table": mapper.local_table.name, "op": op, "key": key, "values": values}
    return change, _hint(obj)


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


def note(session: Session, event: dict[str, Any], hint: Hint = None) -> None:
    """Enter an event that is not a row (a signing and its content hash, a refused login)
    in the entry this transaction's commit appends."""
    session.info.setdefault(_CHANGES, []).append((event, hint))


def _bulk_statement(state: ORMExecuteState) -> None:
    if state.execution_options.get(SKIP_OPTION):
        return
    if state.is_update or state.is_delete:
        compiled = cast(Any, state.statement).compile()
        entry: dict[str, Any] = {"table": "statement", "op": "bulk", "sql": str(compiled)}
        entry["params"] = {k: _plain(v) for k, v in compiled.params.items()}
        state.session.info.setdefault(_CHANGES, []).append((entry, None))


@dataclass(frozen=True)
class Actor:
    """Who writes, and the request that writes (``POST /patients``)."""

    who: str
    action: str


def entry_hash(
    clinic_id: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    change_hash: str,
    prev: str,
    key: tuple[str, bytes] | None = None,
) -> str:
    """The hash of an entry: SHA-256 (algorithm ``sha256``, unkeyed), or with ``key``
    (``(key_id, secret)``) HMAC-SHA-256 over the same fields, the algorithm and the key
    id (algorithm ``hmac-sha256``)."""
    doc: dict[str, Any] = {
        "clinic_id": clinic_id,
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "change_hash": change_hash,
        "prev_hash": prev,
    }
    if key is None:
        return sha256(canonical(doc))
    doc |= {"algorithm": HMAC, "key_id": key[0]}
    mac = hmac.new(key[1], canonical(doc).encode("utf-8"), hashlib.sha256)
    return f"{HMAC}:{mac.hexdigest()}"


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


def _clinic_query(kind: str, value: int) -> Any:
    from .people import PatientRow
    from .records import CourseRow, SessionRow
    from .stock import LotRow, ProductRow

    clinic = select(PatientRow.clinic_id)
    if kind == "patient_id":
        return clinic.where(PatientRow.id == value)
    if kind == "session_id":
        return clinic.join(SessionRow, SessionRow.patient_id == PatientRow.id).where(
            SessionRow.id == value
        )
    if kind == "course_id":
        return clinic.join(CourseRow, CourseRow.patient_id == PatientRow.id).where(
            CourseRow.id == value
        )
    if kind == "product_id":
        return select(ProductRow.clinic_id).where(ProductRow.id == value)
    return (
        select(ProductRow.clinic_id)
        .join(LotRow, LotRow.product_id == ProductRow.id)
        .where(LotRow.id == value)
    )


def _by_clinic(
    session: Session, changes: list[tuple[dict[str, Any], Hint]]
) -> dict[int, list[dict[str, Any]]]:
    """The changes of the transaction, by the clinic they belong to (a clinic-scoped
    session: all of them to its clinic). Shared rows go with the first clinic."""
    scoped = clinic_of(session)
    if scoped is not None:
        return {scoped: [c for c, _ in changes]}
    found: dict[Hint, int | None] = {}
    out: dict[int, list[dict[str, Any]]] = {}
    loose: list[dict[str, Any]] = []
    for change, hint in changes:
        if hint is not None and hint not in found:
            kind, value = hint
            found[hint] = value if kind == "clinic_id" else session.scalar(_clinic_query(*hint))
        cid = found.get(hint) if hint is not None else None
        (out.setdefault(cid, []) if cid is not None else loose).append(change)
    if loose and out:
        out[next(iter(out))].extend(loose)
    return out


def _signed_session(changes: list[dict[str, Any]]) -> int | None:
    return next((int(c["session"]) for c in changes if c.get("event") == "sign"), None)


def _before_commit(session: Session) -> None:
    session.flush()
    changes = session.info.pop(_CHANGES, [])
    actor: Actor | None = session.info.get(_ACTOR)
    if not changes or actor is None:
        return
    at: datetime = session.info[_CLOCK]()
    keyring: Keyring = session.info[_KEYS]()
    for clinic_id, mine in sorted(_by_clinic(session, changes).items()):
        head = lock_head(session, clinic_id)
        change = canonical(mine)
        change_hash = sha256(change)
        seq = head.seq + 1
        key = keyring.signing_key(clinic_id)
        digest = entry_hash(
            clinic_id, seq, at, actor.who, actor.action, change_hash, head.entry_hash, key
        )
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
                algorithm=SHA256 if key is None else HMAC,
                key_id=None if key is None else key[0],
                signed_session_id=_signed_session(mine),
            )
        )
        head.seq, head.entry_hash = seq, digest
    session.flush()
    session.info.pop(_CHANGES, None)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGES, None)


def track(
    session: Session, actor: Actor, clock: Any, keyring: Callable[[], Keyring] = Keyring
) -> None:
    """Audit every commit of ``session`` as ``actor``: one entry per clinic whose rows
    the commit changes, keyed with the clinic's current key from ``keyring()``."""
    session.info[_ACTOR] = actor
    session.info[_CLOCK] = clock
    session.info[_KEYS] = keyring
    session.info[_CHANGES] = []
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "do_orm_execute", _bulk_statement)
    event.listen(session, "before_commit", _before_commit)
    event.listen(session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
