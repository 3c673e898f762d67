"""Use cases: correct a session that is not signed yet; soft-delete one charted in error.
A signed session is never corrected or deleted: it is amended with an addendum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain.charting_points import PointChange
from ..domain.errors import SignedRecordError
from ..domain.record_errors import RefusedError
from .point_bounds import check_positions
from .session_store import load_record
from .session_views import SessionView, session_view
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.records import SessionRow


def refuse_if_signed(row: SessionRow) -> None:
    if row.signed_at is not None:
        raise SignedRecordError(
            f"session {row.id} is signed; it cannot change; add a signed addendum instead"
        )


def correct_session(
    uow: UnitOfWork,
    actor: str | None,
    session_id: int,
    changes: Sequence[PointChange] | None = None,
    notes: str | None = None,
) -> SessionView:
    """Re-chart the points (or the notes) of a session that is not signed yet."""
    with uow:
        uow.people.practitioner(actor)
        row = uow.records.treatment_session(session_id)
        refuse_if_signed(row)
        record = load_record(uow, row)
        if changes is not None:
            check_positions(uow.records.course(row.course_id).plan_json, changes)
            record.record_points(changes)
            uow.sessions.save_delivery(row, record.delivery)
        if notes is not None:
            record.record_notes(notes)
            row.notes = notes
        uow.flush()
        view = session_view(uow, row)
        uow.commit()
        return view


def delete_session(uow: UnitOfWork, actor: str | None, session_id: int, reason: str) -> None:
    """Soft-delete an unsigned session (charted in error): kept with who, when and why.
    A signed session is never deleted; amend it with an addendum."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.treatment_session(session_id)
        refuse_if_signed(row)
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()


def delete_course(uow: UnitOfWork, actor: str | None, course_id: int, reason: str) -> None:
    """Soft-delete a course started in error; refused once it has a signed session."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.course(course_id)
        signed = [s.id for s in uow.records.sessions_of(course_id) if s.signed_at is not None]
        if signed:
            raise RefusedError(
                f"course {course_id} has signed sessions ({', '.join(map(str, signed))}); "
                "it is part of the record and cannot be deleted"
            )
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()


def delete_reaction(uow: UnitOfWork, actor: str | None, reaction_id: int, reason: str) -> None:
    """Soft-delete a reaction recorded in error (kept with who, when and why)."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.reaction(reaction_id)
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()
