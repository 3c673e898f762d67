"""Use case: record a reaction after a session, flagged against the protocol; a possible
atypical mycobacterial infection lists every other patient who received any lot (and so
any vial) of that session's mix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.bounds import check_event_time
from ..domain.reactions import Reaction, ReactionSeverity, assess_reaction
from ..domain.record_errors import RefusedError
from .recall import recall_row
from .session_store import protocol_of_course
from .unit_of_work import UnitOfWork
from .views import RecallRow


@dataclass(frozen=True)
class ReactionView:
    id: int
    session_id: int
    patient_id: int
    kind: str
    zone: str | None
    onset_at: datetime
    duration_min: float | None
    severity: str
    resolved: bool
    flags: tuple[dict[str, str], ...]
    expected_max_min: float | None
    exposed: tuple[RecallRow, ...]
    """Other patients' uses of this session's lots (only for a possible infection)."""

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def record_reaction(
    uow: UnitOfWork,
    actor: str | None,
    session_id: int,
    kind: str,
    zone: str,
    onset_at: datetime,
    severity: str = "mild",
    duration_min: float | None = None,
    resolved: bool = False,
    note: str = "",
) -> ReactionView:
    from ..adapters.db.recall import who_received_lots
    from ..adapters.db.records import ReactionRow

    reaction = Reaction(
        kind, zone, onset_at, ReactionSeverity(_severity(severity)), duration_min, resolved, note
    )
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.records.treatment_session(session_id)
        birth = uow.people.patient(uow.records.course(row.course_id).patient_id).birth_date
        check_event_time(onset_at, birth, uow.now(), "onset_at")
        protocol = protocol_of_course(uow, row.course_id)
        uses = uow.stock.uses_of_session(row.id)
        names = [u.ingredient for u, _, _ in uses if u.ingredient]
        later = [s.performed_at.date() for s in uow.records.sessions_of(row.course_id)]
        last = max([d for d in later if d <= onset_at.date()] + [row.performed_at.date()])
        assessment = assess_reaction(
            protocol, reaction, names, row.performed_at.date(), last, as_of=uow.now()
        )
        flags = [{"code": f.code, "message": f.message} for f in assessment.flags]
        stored = uow.records.add(
            ReactionRow(
                session_id=row.id,
                kind=assessment.reaction.kind,
                zone=zone,
                onset_at=onset_at,
                duration_min=duration_min,
                severity=assessment.reaction.severity.value,
                resolved=resolved,
                note=note or None,
                flags=flags,
                recorded_at=uow.now(),
                recorded_by_id=who.id,
            )
        )
        uow.flush()
        exposed: list[RecallRow] = []
        if assessment.possible_infection:
            lot_ids = sorted({u.lot_id for u, _, _ in uses})
            rows = who_received_lots(uow.session, lot_ids)
            exposed = [recall_row(r) for r in rows if r["patient_id"] != row.patient_id]
        view = ReactionView(
            id=stored.id,
            session_id=row.id,
            patient_id=row.patient_id,
            kind=stored.kind,
            zone=zone,
            onset_at=onset_at,
            duration_min=duration_min,
            severity=stored.severity,
            resolved=resolved,
            flags=tuple(flags),
            expected_max_min=assessment.expected_max_min,
            exposed=tuple(exposed),
        )
        uow.commit()
        return view


def _severity(value: str) -> str:
    valid = [s.value for s in ReactionSeverity]
    if value not in valid:
        raise RefusedError(f"reaction severity {value!r}; valid: {', '.join(valid)}")
    return value
