"""Use cases: record a session (planned map against what was delivered, the mix with its
lots and vials drawn down), correct an unsigned session, soft-delete one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.bounds import check_event_time
from ..domain.charting import ProductUse, SessionRecord
from ..domain.charting_points import PointChange
from ..domain.protocol import Protocol
from ..domain.record_errors import ConflictError, RefusedError
from ..domain.safety import ScreeningResult, check_lot_expiry, check_vial_beyond_use, screen
from .corrections import correct_session, delete_session, refuse_if_signed
from .courses import carried_overrides, keep_overrides
from .patients import history_of
from .point_bounds import check_positions
from .session_limits import course_findings, dose_findings
from .session_store import protocol_of_course
from .session_views import SessionView, session_view
from .stock import find_lot
from .unit_of_work import UnitOfWork
from .views import ml_to_ul

if TYPE_CHECKING:
    from ..adapters.db.records import CourseRow, SessionRow
    from ..adapters.db.stock import LotRow, ProductRow, VialRow


@dataclass(frozen=True)
class UseInput:
    """A product drawn into the syringe: ``PRODUCT=LOT[@VIAL]:VOLUME_ML`` on the command
    line. ``provides`` names the protocol ingredient when it cannot be inferred."""

    product: str
    lot_number: str
    volume_ml: float
    vial: str | None = None
    provides: str | None = None


@dataclass(frozen=True)
class SessionInput:
    """What was done besides the points: needle, anaesthetic, diluent, notes."""

    needle_gauge: int | None = None
    needle_length_mm: float | None = None
    needle_lot: str | None = None
    anaesthetic: str | None = None
    anaesthetic_amount_g: float | None = None
    anaesthetic_applied_at: datetime | None = None
    diluent: UseInput | None = None
    notes: str | None = None


@dataclass(frozen=True)
class _Resolved:
    use: UseInput
    product: ProductRow
    lot: LotRow
    vial: VialRow | None
    volume_ul: int


def provides_of(protocol: Protocol, product: ProductRow, explicit: str | None) -> str:
    """The protocol ingredient a product provides: named, or matched by the product's
    name, active ingredient or agent class."""
    if explicit:
        return explicit
    names = {i.name.casefold(): i.name for i in protocol.ingredients}
    for candidate in (product.name, product.active_ingredient):
        if candidate and candidate.casefold() in names:
            return names[candidate.casefold()]
    if product.agent_class:
        cls = product.agent_class.casefold()
        hits = [i.name for i in protocol.ingredients if (i.agent_class or "").casefold() == cls]
        if len(hits) > 1:
            raise RefusedError(
                f"product {product.name!r} ({product.agent_class}) could provide "
                f"{' or '.join(hits)}; say which with provides"
            )
        if hits:
            return hits[0]
    return product.active_ingredient or product.name


def _resolve(uow: UnitOfWork, clinic_id: int, use: UseInput) -> _Resolved:
    product, lot = find_lot(uow, clinic_id, use.product, use.lot_number)
    where = f"{use.product}={use.lot_number}"
    if lot.recalled_at is not None:
        raise RefusedError(f"{where}: lot is recalled ({lot.recall_reason}); it cannot be used")
    vial = None
    if use.vial is not None:
        vial = uow.stock.vial(use.vial)
        if vial.lot_id != lot.id:
            raise RefusedError(f"vial {use.vial} is not from lot {use.lot_number} of {use.product}")
        if vial.recalled_at is not None:
            raise RefusedError(f"vial {use.vial} is recalled ({vial.recall_reason})")
    return _Resolved(use, product, lot, vial, ml_to_ul(use.volume_ml, where))


def _stock_findings(resolved: Sequence[_Resolved], at: datetime) -> ScreeningResult:
    result = ScreeningResult()
    for r in resolved:
        if r.vial is not None and r.vial.opened_at > at:
            raise RefusedError(
                f"vial {r.vial.code} was opened at {r.vial.opened_at.isoformat()}, after the "
                f"session ({at.isoformat()})"
            )
        result += check_lot_expiry(r.lot.expiry_date, at.date(), lot_number=r.lot.lot_number)
        if r.vial is not None:
            result += check_vial_beyond_use(r.vial.beyond_use_at, at, vial_id=r.vial.code)
    return result


def _draw(uow: UnitOfWork, r: _Resolved) -> None:
    if r.vial is None:
        return
    held = r.vial.volume_remaining_ul
    if not uow.stock.draw(r.vial, r.volume_ul):
        raise RefusedError(
            f"vial {r.vial.code} holds {held / 1000:g} mL; a draw of {r.volume_ul / 1000:g} mL "
            "is larger than what remains"
        )


def _check_times(uow: UnitOfWork, course: CourseRow, at: datetime, details: SessionInput) -> None:
    """The session happened after birth and not in the future; its anaesthetic after
    birth (its time is charted relative to the session's)."""
    birth = uow.people.patient(course.patient_id).birth_date
    check_event_time(at, birth, uow.now(), "performed_at")
    if details.anaesthetic_applied_at is not None:
        check_event_time(details.anaesthetic_applied_at, birth, None, "anaesthetic_applied_at")


def record_session(
    uow: UnitOfWork,
    actor: str | None,
    course_id: int,
    uses: Sequence[UseInput],
    changes: Sequence[PointChange] = (),
    details: SessionInput = SessionInput(),
    number: int | None = None,
    performed_at: datetime | None = None,
    overrides: Mapping[str, str] | None = None,
) -> SessionView:
    """Chart a session: every planned point done unless ``changes`` say otherwise; the
    mix must provide every protocol ingredient; each vial is drawn down. The patient is
    screened again; an expired lot, a vial past its beyond-use time, a drug amount above
    the protocol's maximum, a session before the minimum interval or past the maximum
    number of sessions, or above the session volume, is refused unless overridden with a
    reason (kept with the session)."""
    with uow:
        who = uow.people.practitioner(actor)
        course = uow.records.course(course_id)
        at = performed_at or uow.now()
        _check_times(uow, course, at, details)
        check_positions(course.plan_json, changes)
        number = _session_number(uow, course_id, number)
        protocol = protocol_of_course(uow, course_id)
        draft = _draft(uow, course.planned_map_id, changes, protocol, at)
        resolved = [_resolve(uow, who.clinic_id, u) for u in uses]
        diluent = _resolve(uow, who.clinic_id, details.diluent) if details.diluent else None
        stock = [*resolved, *([diluent] if diluent else [])]
        record = _record(protocol, draft, at, resolved, details)
        zone = uow.people.clinic_by_id(who.clinic_id).timezone
        limits = course_findings(uow, course, protocol, number, at, zone) + dose_findings(
            uow, course.patient_id, protocol, record, [r.lot for r in resolved]
        )
        result = _screen(uow, course, protocol, at, stock, limits, overrides or {})
        row = uow.sessions.add(course, who.id, number, record, details.needle_lot, uow.now())
        _add_uses(uow, row, resolved, [u.provides for u in record.mix], diluent)
        keep_overrides(uow, result, who.id, course_id=course_id, session_id=row.id)
        uow.flush()
        view = session_view(uow, row, result)
        uow.commit()
        return view


def _screen(
    uow: UnitOfWork,
    course: CourseRow,
    protocol: Protocol,
    at: datetime,
    stock: Sequence[_Resolved],
    limits: ScreeningResult,
    overrides: Mapping[str, str],
) -> ScreeningResult:
    """The patient's history again (course overrides carried), then lots and vials, then
    the protocol's limits on the session."""
    result = screen(history_of(uow, course.patient_id), protocol, at=at)
    carried = carried_overrides(uow, course.id, result)
    result = result + _stock_findings(stock, at) + limits
    result = result.with_overrides({**carried, **overrides})
    result.require_clear()
    return result


def _draft(
    uow: UnitOfWork,
    map_id: int,
    changes: Sequence[PointChange],
    protocol: Protocol,
    at: datetime,
) -> SessionRecord:
    from ..adapters.db.maps import decode_points

    planned = decode_points(uow.records.planned_map_by_id(map_id).data)
    return SessionRecord.new("new", protocol, at, planned, changes)


def _record(
    protocol: Protocol,
    draft: SessionRecord,
    at: datetime,
    resolved: Sequence[_Resolved],
    details: SessionInput,
) -> SessionRecord:
    uses = [
        ProductUse(
            r.product.name,
            r.product.active_ingredient or r.product.name,
            r.lot.lot_number,
            r.volume_ul / 1000,
            provides_of(protocol, r.product, r.use.provides),
            r.vial.code if r.vial else None,
        )
        for r in resolved
    ]
    draft.record_mix(protocol, uses)
    if details.notes is not None:
        draft.record_notes(details.notes)
    if details.needle_gauge is not None or details.needle_length_mm is not None:
        draft.record_needle(details.needle_gauge or 0, details.needle_length_mm or 0.0)
    if details.anaesthetic is not None:
        applied = details.anaesthetic_applied_at or at
        draft.record_anaesthetic(details.anaesthetic, details.anaesthetic_amount_g or 0.0, applied)
    return draft


def _add_uses(
    uow: UnitOfWork,
    row: SessionRow,
    resolved: Sequence[_Resolved],
    provides: Sequence[str],
    diluent: _Resolved | None,
) -> None:
    from ..adapters.db.session_repository import StoredUse

    entries: list[tuple[_Resolved, str, str | None]] = [
        (r, "mix", p) for r, p in zip(resolved, provides, strict=True)
    ]
    if diluent is not None:
        entries.append((diluent, "diluent", None))
    for position, (r, role, ingredient) in enumerate(entries):
        _draw(uow, r)
        vial_id = r.vial.id if r.vial else None
        stored = StoredUse(role, r.lot.id, vial_id, r.volume_ul, ingredient)
        uow.sessions.add_use(row, position, stored)


def _session_number(uow: UnitOfWork, course_id: int, number: int | None) -> int:
    taken = {s.number for s in uow.records.sessions_of(course_id)}
    if number is None:
        return max(taken, default=0) + 1
    if number < 1:
        raise RefusedError(f"session number must be 1 or more, got {number}")
    if number in taken:
        raise ConflictError(f"session {number} of course {course_id} is charted already")
    return number


__all__ = [
    "SessionInput",
    "UseInput",
    "correct_session",
    "delete_session",
    "provides_of",
    "record_session",
    "refuse_if_signed",
]
