"""The protocol's limits on a session being charted: drug amounts in mg against the
maxima, the minimum interval from the neighbouring charted sessions of the course, the
maximum number of sessions and the most one session may deliver. Each breach is a stop
(see :mod:`mesoplan.domain.drug_amounts` and :mod:`mesoplan.domain.course_limits`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..domain.charting import SessionRecord
from ..domain.course_limits import Charted, check_course_limits, check_session_volume
from ..domain.drug_amounts import Applied, Drawn, check_drug_amounts
from ..domain.outcomes import BODY_WEIGHT
from ..domain.protocol import Phase, Protocol
from ..domain.safety import ScreeningResult
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.records import CourseRow
    from ..adapters.db.stock import LotRow


def weight_on(uow: UnitOfWork, patient_id: int, at: datetime) -> float | None:
    """The patient's latest body weight (kg) taken on or before ``at``."""
    rows = [
        r
        for r in uow.people.measurements(patient_id, BODY_WEIGHT)
        if r.taken_at <= at and r.value is not None
    ]
    return rows[-1].value if rows else None


def _phases_by_number(course: CourseRow, protocol: Protocol) -> dict[int, Phase]:
    by_name = {p.name: p for p in protocol.phases}
    sessions = json.loads(course.schedule_json).get("sessions", [])
    return {int(s["number"]): by_name[s["phase"]] for s in sessions if s.get("phase") in by_name}


def course_findings(
    uow: UnitOfWork,
    course: CourseRow,
    protocol: Protocol,
    number: int,
    at: datetime,
    zone: str,
) -> ScreeningResult:
    """The session against the course's charted sessions, by local date in the clinic's
    zone; a session past the course's calendar takes the phase of its last session."""
    tz = ZoneInfo(zone)
    phases = _phases_by_number(course, protocol)
    last_phase = phases[max(phases)] if phases else protocol.phases[-1]

    def charted(n: int, when: datetime) -> Charted:
        return Charted(n, when.astimezone(tz).date(), phases.get(n, last_phase))

    rows = sorted(uow.records.sessions_of(course.id), key=lambda r: (r.performed_at, r.id))
    before = [r for r in rows if r.performed_at <= at]
    after = [r for r in rows if r.performed_at > at]
    return check_course_limits(
        protocol,
        charted(number, at),
        charted(before[-1].number, before[-1].performed_at) if before else None,
        charted(after[0].number, after[0].performed_at) if after else None,
        len(rows),
    )


def dose_findings(
    uow: UnitOfWork,
    patient_id: int,
    protocol: Protocol,
    record: SessionRecord,
    lots: Sequence[LotRow],
) -> ScreeningResult:
    """Drug amounts (each product of ``record.mix`` with its lot, in order) and the
    session's volume against the protocol's maxima."""
    drawn = [
        Drawn(u.provides, u.product, u.lot_number, u.volume_ml, lot.mg_per_ml)
        for u, lot in zip(record.mix, lots, strict=True)
    ]
    a = record.anaesthetic
    applied = Applied(a.name, a.amount_g) if a is not None else None
    weight = weight_on(uow, patient_id, record.performed_at)
    result = check_drug_amounts(protocol, drawn, applied, weight)
    return result + check_session_volume(protocol, record.totals().volume_ml)
