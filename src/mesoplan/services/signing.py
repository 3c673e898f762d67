"""Use cases: sign a session, co-sign it, amend it with a signed addendum, verify it.

A signature is a SHA-256 over the session's content (a canonical serialisation of the
whole signed record, in a content version kept beside it), the signer and the time; the
signing and the content hash go into the audit chain. :func:`verify_session` re-derives
the content from the rows, so a change made behind mesoplan's back shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..domain.record_errors import RefusedError
from .clinics import SIGNING_ROLES
from .session_store import load_record
from .session_views import SessionView, session_view
from .unit_of_work import UnitOfWork


def sign_session(uow: UnitOfWork, actor: str | None, session_id: int) -> SessionView:
    """The practitioner signs: from now on the session never changes."""
    with uow:
        who = uow.people.practitioner(actor)
        if who.role not in SIGNING_ROLES:
            raise RefusedError(
                f"a {who.role} cannot sign; signing roles: {', '.join(SIGNING_ROLES)}"
            )
        row = uow.records.treatment_session(session_id)
        record = load_record(uow, row)
        signature = record.sign(who.handle, uow.now())
        uow.sessions.sign(row, who, signature.at)
        uow.flush()
        view = session_view(uow, row)
        uow.commit()
        return view


def cosign_session(uow: UnitOfWork, actor: str | None, session_id: int) -> SessionView:
    """A medical director's co-signature, once, by someone other than the signer."""
    with uow:
        who = uow.people.practitioner(actor)
        if who.role != "medical_director":
            raise RefusedError(f"only a medical director co-signs; {who.handle} is a {who.role}")
        row = uow.records.treatment_session(session_id)
        record = load_record(uow, row)
        co = record.cosign(who.handle, uow.now())
        uow.sessions.cosign(row, who, co)
        uow.flush()
        view = session_view(uow, row)
        uow.commit()
        return view


def add_addendum(uow: UnitOfWork, actor: str | None, session_id: int, text: str) -> SessionView:
    """A signed amendment that points to a signed session; the session is unchanged."""
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.treatment_session(session_id)
        record = load_record(uow, row)
        addendum = record.amend(text, who.handle, uow.now())
        uow.sessions.amend(row, who, addendum)
        uow.flush()
        view = session_view(uow, row)
        uow.commit()
        return view


def unverified_sessions(uow: UnitOfWork, session_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Of these sessions, the signed ones whose content no longer verifies, with how (a
    check per session: for the mark on a listing, after the listing itself)."""
    from ..adapters.db.records import SessionRow

    out: dict[int, tuple[str, ...]] = {}
    with uow:
        for sid in sorted(set(session_ids)):
            row = uow.session.get(SessionRow, sid)
            problems = uow.sessions.check(row) if row is not None else []
            if problems:
                out[sid] = tuple(str(m) for m in problems)
    return out


@dataclass(frozen=True)
class Verification:
    """``problems``: how the content no longer verifies (which field where it can tell)."""

    session_id: int
    signed: bool
    intact: bool
    problems: tuple[str, ...] = field(default=())


def verify_session(uow: UnitOfWork, session_id: int) -> Verification:
    """Re-derive a signed session's content from what is stored now and check it against
    its signature and the content hash the audit chain recorded at signing."""
    with uow:
        row = uow.records.treatment_session(session_id)
        if row.signed_at is None or row.signed_by_id is None:
            return Verification(session_id, False, False)
        problems = tuple(str(m) for m in uow.sessions.check(row))
        return Verification(session_id, True, not problems, problems)
