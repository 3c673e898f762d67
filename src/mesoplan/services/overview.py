"""Read use cases for the clinic's screens: the day's dashboard and a patient's record.

Nothing here writes. Each function answers for the acting practitioner's clinic only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .courses import CourseView, course_view
from .patients import history_view, patient_view
from .session_views import SessionView, session_view
from .stock import list_stock
from .unit_of_work import UnitOfWork
from .views import HistoryView, LotView, PatientView, VialView

if TYPE_CHECKING:
    from ..adapters.db.records import ReactionRow
    from ..adapters.db.stock import LotRow, ProductRow
    from ..domain.anatomy import Zone
    from ..domain.protocol import Protocol

EXPIRY_WINDOW_DAYS = 30
"""The dashboard lists lots that expire within this many days."""


@dataclass(frozen=True)
class DueSession:
    patient_id: int
    patient: str
    course_id: int
    protocol: str
    number: int
    start: str
    charted_session_id: int | None


@dataclass(frozen=True)
class ReactionItem:
    id: int
    session_id: int
    session_number: int
    patient_id: int
    patient: str
    kind: str
    zone: str | None
    onset_at: datetime
    duration_min: float | None
    severity: str
    resolved: bool
    flags: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Dashboard:
    today: date
    sessions: tuple[DueSession, ...]
    flagged: tuple[ReactionItem, ...]
    expiring: tuple[LotView, ...]
    beyond_use: tuple[VialView, ...]


def _name(family: str, given: str) -> str:
    return f"{family}, {given}"


def _due_today(uow: UnitOfWork, clinic_id: int, today: date) -> list[DueSession]:
    """Sessions dated today in any course of the clinic: the courses whose calendar holds
    today's date are found by the database (a text match on the kept calendar)."""
    from sqlalchemy import select

    from ..adapters.db.people import PatientRow
    from ..adapters.db.records import CourseRow

    q = (
        select(CourseRow, PatientRow)
        .join(PatientRow, PatientRow.id == CourseRow.patient_id)
        .where(
            PatientRow.clinic_id == clinic_id,
            PatientRow.deleted_at.is_(None),
            CourseRow.deleted_at.is_(None),
            CourseRow.schedule_json.contains(f'"date":"{today.isoformat()}"'),
        )
    )
    out: list[DueSession] = []
    for course, patient in uow.session.execute(q):
        charted = {s.number: s.id for s in uow.records.sessions_of(course.id)}
        snap = uow.records.course_snapshots(course.id)[0]
        for s in json.loads(course.schedule_json).get("sessions", []):
            if s["date"] == today.isoformat():
                number = int(s["number"])
                out.append(
                    DueSession(
                        patient.id,
                        _name(patient.family_name, patient.given_name),
                        course.id,
                        f"{snap.protocol_id}@{snap.version}",
                        number,
                        str(s["start"]),
                        charted.get(number),
                    )
                )
    return sorted(out, key=lambda d: (d.start, d.patient))


def reaction_item(uow: UnitOfWork, r: ReactionRow) -> ReactionItem:
    session = uow.records.treatment_session(r.session_id)
    patient = uow.people.patient(session.patient_id, include_deleted=True)
    return ReactionItem(
        r.id,
        session.id,
        session.number,
        patient.id,
        _name(patient.family_name, patient.given_name),
        r.kind,
        r.zone,
        r.onset_at,
        r.duration_min,
        r.severity,
        r.resolved,
        tuple(r.flags),
    )


def _flagged(uow: UnitOfWork, clinic_id: int) -> list[ReactionItem]:
    """The clinic's reactions that carry a flag, newest first (one query)."""
    from sqlalchemy import select

    from ..adapters.db.people import PatientRow
    from ..adapters.db.records import ReactionRow, SessionRow

    q = (
        select(ReactionRow, SessionRow, PatientRow)
        .join(SessionRow, SessionRow.id == ReactionRow.session_id)
        .join(PatientRow, PatientRow.id == SessionRow.patient_id)
        .where(
            PatientRow.clinic_id == clinic_id,
            ReactionRow.deleted_at.is_(None),
            SessionRow.deleted_at.is_(None),
        )
    )
    items = [
        ReactionItem(
            r.id,
            session.id,
            session.number,
            patient.id,
            _name(patient.family_name, patient.given_name),
            r.kind,
            r.zone,
            r.onset_at,
            r.duration_min,
            r.severity,
            r.resolved,
            tuple(r.flags),
        )
        for r, session, patient in uow.session.execute(q)
        if r.flags
    ]
    return sorted(items, key=lambda i: i.onset_at, reverse=True)


def dashboard(uow: UnitOfWork, actor: str | None, today: date | None = None) -> Dashboard:
    """Today's sessions (from every course's calendar; today in the clinic's time zone),
    flagged reactions, lots expiring within 30 days (not yet expired, not used up or
    discarded) and opened vials past their beyond-use time."""
    from ..domain.clinic_calendar import clinic_zone
    from .waste import stock_left

    stock = list_stock(uow, actor)
    with uow:
        who = uow.people.practitioner(actor)
        zone = clinic_zone(uow.people.clinic_by_id(who.clinic_id).timezone)
        day = today or uow.now().astimezone(zone).date()
        limit = day + timedelta(days=EXPIRY_WINDOW_DAYS)
        expiring = [
            lot
            for lot in stock.lots
            if day <= lot.expiry_date <= limit and not lot.recalled and stock_left(uow, lot.id)
        ]
        beyond = [v for v in stock.vials if v.beyond_use and v.volume_remaining_ml > 0]
        return Dashboard(
            day,
            tuple(_due_today(uow, who.clinic_id, day)),
            tuple(_flagged(uow, who.clinic_id)),
            tuple(expiring),
            tuple(beyond),
        )


@dataclass(frozen=True)
class CourseRecord:
    course: CourseView
    sessions: tuple[SessionView, ...]
    reactions: tuple[ReactionItem, ...]


@dataclass(frozen=True)
class PatientRecord:
    patient: PatientView
    history: HistoryView | None
    courses: tuple[CourseRecord, ...]


def patient_record(uow: UnitOfWork, actor: str | None, patient_id: int) -> PatientRecord:
    """A patient with the latest safety history, every course, session and reaction."""
    from ..domain.record_errors import NotFoundError

    with uow:
        who = uow.people.practitioner(actor)
        row = uow.people.patient(patient_id)
        if row.clinic_id != who.clinic_id:
            raise NotFoundError(f"unknown patient {patient_id}")
        uow.log_access([patient_id], "read patient record", f"patient {patient_id}")
        latest = uow.people.latest_history(patient_id)
        history = None
        if latest is not None:
            history = history_view(
                latest, uow.people.practitioner_by_id(latest.recorded_by_id).handle
            )
        records = []
        for c in uow.records.courses_of(patient_id):
            sessions = uow.records.sessions_of(c.id)
            reactions = uow.records.reactions_of([s.id for s in sessions]) if sessions else []
            records.append(
                CourseRecord(
                    course_view(uow, c),
                    tuple(session_view(uow, s) for s in sessions),
                    tuple(reaction_item(uow, r) for r in reactions),
                )
            )
        return PatientRecord(patient_view(uow, row), history, tuple(records))


def course_plan(uow: UnitOfWork, course_id: int) -> dict[str, object]:
    """The approved plan document of a course, as it was kept."""
    with uow:
        plan: dict[str, object] = json.loads(uow.records.course(course_id).plan_json)
        return plan


def course_zones(uow: UnitOfWork, course_id: int) -> dict[str, Zone]:
    """The course's built-in zones, at reference size, each at the catalogue version it
    was planned on (custom zones have no catalogue entry and are left out)."""
    from ..domain.anatomy import get_zone
    from ..domain.zone_catalogue import zone_versions

    with uow:
        row = uow.records.course(course_id)
        versions = dict(row.zone_versions or {})
        return {
            zid: get_zone(zid, int(versions.get(zid, 1))) for zid in row.zones if zone_versions(zid)
        }


def course_schedule(uow: UnitOfWork, course_id: int) -> dict[str, object]:
    """The course's dated sessions and follow-ups, as they were kept."""
    with uow:
        doc: dict[str, object] = json.loads(uow.records.course(course_id).schedule_json)
        return doc


@dataclass(frozen=True)
class StockOption:
    """A lot (and its open vials) that can provide a protocol ingredient."""

    product: str
    lot_number: str
    expiry_date: date
    expired: bool
    vials: tuple[tuple[str, float], ...]
    """Open vials usable now: (code, mL remaining)."""


@dataclass(frozen=True)
class IngredientStock:
    ingredient: str
    amount: str | None
    options: tuple[StockOption, ...]


def _option(uow: UnitOfWork, lot: LotRow, product: ProductRow, now: datetime) -> StockOption:
    """A lot with its open vials usable now (not recalled, not spent, not beyond use)."""
    vials = tuple(
        (v.code, v.volume_remaining_ul / 1000)
        for v in uow.stock.vials_of_lot(lot.id)
        if v.recalled_at is None and v.volume_remaining_ul > 0 and v.beyond_use_at >= now
    )
    expired = now.date() > lot.expiry_date
    return StockOption(product.name, lot.lot_number, lot.expiry_date, expired, vials)


def _provided(protocol: Protocol, product: ProductRow) -> str | None:
    """The ingredient a drug provides (None when it is ambiguous)."""
    from ..domain.record_errors import RefusedError
    from .sessions import provides_of

    try:
        return provides_of(protocol, product, None)
    except RefusedError:
        return None


def stock_for_course(uow: UnitOfWork, actor: str | None, course_id: int) -> list[IngredientStock]:
    """For each active ingredient of the course's protocol, the lots that provide it, soonest
    expiry first (first expiry, first out); expired lots are listed as such (charting
    refuses them); recalled lots and spent or beyond-use vials are left out."""
    from .session_store import protocol_of_course

    with uow:
        who = uow.people.practitioner(actor)
        uow.records.course(course_id)
        protocol = protocol_of_course(uow, course_id)
        found: dict[str, list[StockOption]] = {i.name: [] for i in protocol.ingredients}
        for lot, product in sorted(uow.stock.lots(who.clinic_id), key=lambda lp: lp[0].expiry_date):
            if product.kind != "drug" or lot.recalled_at is not None:
                continue
            provides = _provided(protocol, product)
            if provides in found:
                found[provides].append(_option(uow, lot, product, uow.now()))
        return [
            IngredientStock(i.name, i.amount, tuple(found[i.name]))
            for i in protocol.ingredients
            if i.role != "vehicle"
        ]


def diluent_stock(uow: UnitOfWork, actor: str | None) -> list[StockOption]:
    """Diluent lots (water, saline) in stock, soonest expiry first."""
    with uow:
        who = uow.people.practitioner(actor)
        now = uow.now()
        return [
            StockOption(p.name, lot.lot_number, lot.expiry_date, now.date() > lot.expiry_date, ())
            for lot, p in sorted(uow.stock.lots(who.clinic_id), key=lambda lp: lp[0].expiry_date)
            if p.kind == "diluent" and lot.recalled_at is None
        ]


@dataclass(frozen=True)
class SessionPage:
    """Everything the charting page shows, read in one unit of work."""

    session: SessionView
    points: dict[str, dict[str, Any]]
    plan: dict[str, Any]
    course: CourseView
    patient: PatientView
    reactions: tuple[ReactionItem, ...]


def session_page(uow: UnitOfWork, actor: str | None, session_id: int) -> SessionPage:
    """A session with its charted points by id, the course's plan, the patient and the
    session's reactions."""
    from .session_store import load_record

    with uow:
        uow.people.practitioner(actor)
        row = uow.records.treatment_session(session_id)
        uow.log_access([row.patient_id], "read session", f"session {row.id}")
        points = {str(r["id"]): r for r in load_record(uow, row).delivery.rows()}
        course = uow.records.course(row.course_id)
        patient = uow.people.patient(row.patient_id, include_deleted=True)
        return SessionPage(
            session_view(uow, row),
            points,
            json.loads(course.plan_json),
            course_view(uow, course),
            patient_view(uow, patient),
            tuple(reaction_item(uow, r) for r in uow.records.reactions_of([row.id])),
        )
