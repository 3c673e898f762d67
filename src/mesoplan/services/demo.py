"""Use case: a demo clinic with clearly fake patients and a few courses, for exploring.

Everything is made through the ordinary use cases, on a clock that walks from four weeks
ago to now, so the demo holds what a real clinic would: stock, vials drawn down, signed
and co-signed sessions, an addendum, a flagged reaction, measurements, vials past their
beyond-use time discarded and fresh ones opened today, a session overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Self

from ..domain.outcomes import Measurement
from ..domain.record_errors import ConflictError
from ..domain.safety import PatientHistory
from ..protocols import builtin_protocols
from . import (
    clinics,
    courses,
    measurements,
    patients,
    planning,
    reactions,
    sessions,
    signing,
    stock,
)
from .sessions import UseInput
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy import Engine

CLINIC = "Demo Clinic (fake data)"
DR, DIRECTOR = "demo-rossi", "demo-bianchi"
FAKE = "Fakename"
COURSES = (
    ("Alice", "cellulite", ("thigh-left-lateral", "thigh-right-lateral")),
    ("Bianca", "face", ("face",)),
    ("Carla", "hair", ("scalp",)),
)


@dataclass
class WalkingClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date, hour: int = 10) -> None:
        self.now = datetime.combine(day, time(hour, 0), tzinfo=UTC)


@dataclass(frozen=True)
class DemoSummary:
    clinic: str
    practitioners: tuple[str, ...]
    patients: tuple[int, ...]
    courses: tuple[int, ...]
    sessions: tuple[int, ...]


def _stock(uow: UnitOfWork) -> None:
    tef = stock.NewProduct("Tefamin (demo)", "drug", "aminophylline", "xanthine")
    expiry = uow.now().date() + timedelta(days=400)
    for lot in ("DEMO-TF1", "DEMO-TF2"):  # 240 mg in 1.5 mL, as the Tefamin label
        stock.receive_stock(uow, DR, tef, lot, expiry, 5, 1.5, mg_per_ml=160)
    protocols = builtin_protocols()
    names = {i.name for p in protocols.values() for i in p.ingredients} - {"tefamine"}
    for name in sorted(names):
        product = stock.NewProduct(_product(name), "drug", name)
        stock.receive_stock(uow, DR, product, f"DEMO-{name[:3].upper()}", expiry, 10, 5.0)
    water = stock.NewProduct("Water for injection (demo)", "diluent", "water")
    stock.receive_stock(uow, DR, water, "DEMO-WFI", expiry, 10, 10.0)


def _stock_for_today(uow: UnitOfWork, clock: WalkingClock, today: date) -> None:
    """The vials opened four weeks ago are past their beyond-use time today: each is
    discarded (the waste report shows it) and a fresh vial of every lot is opened, so
    the demo can chart a session on its first day. The water vial is left for the
    dashboard to offer its discard. Two products carry a price per mL."""
    from .products import ProductChange, update_product
    from .waste import discard_vial

    clock.at(today, 8)
    water = "Water for injection (demo)"
    for v in stock.list_stock(uow, DR).vials:
        if v.product != water and v.beyond_use and v.volume_remaining_ml > 0:
            discard_vial(uow, DR, v.code, "beyond_use")
    for lot in stock.list_stock(uow, DR).lots:
        if lot.product != water:
            stock.open_vial(uow, DR, lot.product, lot.lot_number)
    for name, price in (("Tefamin (demo)", 2.4), ("Carnitine (demo)", 0.8)):
        update_product(uow, DR, name, ProductChange(price_per_ml=price))


def _product(ingredient: str) -> str:
    name = ingredient if ingredient.isupper() else ingredient.capitalize()
    return f"{name} (demo)"


def _open_vials(uow: UnitOfWork) -> dict[str, str]:
    """One open vial of every lot, by product."""
    vials: dict[str, str] = {}
    for lot in stock.list_stock(uow, DR).lots:
        vials[f"{lot.product}={lot.lot_number}"] = stock.open_vial(
            uow, DR, lot.product, lot.lot_number
        ).code
    return vials


def _mix(protocol_id: str, vials: dict[str, str]) -> list[UseInput]:
    if protocol_id == "cellulite":
        return [
            UseInput("Tefamin (demo)", "DEMO-TF1", 0.5, vials["Tefamin (demo)=DEMO-TF1"]),
            UseInput("Tefamin (demo)", "DEMO-TF2", 0.5, vials["Tefamin (demo)=DEMO-TF2"]),
            UseInput("Carnitine (demo)", "DEMO-CAR", 1.5, vials["Carnitine (demo)=DEMO-CAR"]),
        ]
    out = []
    for ingredient in builtin_protocols()[protocol_id].ingredients:
        product = _product(ingredient.name)
        lot = f"DEMO-{ingredient.name[:3].upper()}"
        out.append(UseInput(product, lot, 0.5, vials[f"{product}={lot}"]))
    return out


def _details(vials: dict[str, str]) -> sessions.SessionInput:
    water = "Water for injection (demo)"
    return sessions.SessionInput(
        needle_gauge=30,
        needle_length_mm=4.0,
        diluent=UseInput(water, "DEMO-WFI", 1.0, vials[f"{water}=DEMO-WFI"]),
    )


class OneTransaction(UnitOfWork):
    """A unit of work whose use cases all share one session and one transaction: their
    ``commit`` only flushes, :meth:`finish` commits everything at once, and
    :meth:`close` without it rolls everything back. So a demo killed anywhere leaves
    nothing, and running it again works."""

    _open = False

    def __enter__(self) -> Self:
        if not self._open:
            super().__enter__()
            self._open = True
        return self

    def __exit__(self, *exc: object) -> None:
        """The transaction outlives each use case: :meth:`finish` or :meth:`close` ends it."""

    def commit(self) -> None:
        self.flush()

    def finish(self) -> None:
        self._guard(self.session.commit)

    def close(self) -> None:
        if self._open:
            self.session.rollback()
            self.session.close()
            self._open = False


def build_demo(engine: Engine, today: date | None = None) -> DemoSummary:
    """Add the demo clinic to the database at ``engine`` (refused if it exists), in one
    transaction."""
    from ..adapters.db import session_factory

    start = (today or datetime.now(UTC).date()) - timedelta(days=28)
    clock = WalkingClock(datetime.combine(start - timedelta(days=1), time(9), tzinfo=UTC))
    uow = OneTransaction(session_factory(engine), clock)
    try:
        summary = _build(uow, clock, start)
        uow.finish()
    finally:
        uow.close()
    return summary


def _build(uow: OneTransaction, clock: WalkingClock, start: date) -> DemoSummary:
    with uow:
        if any(c.name == CLINIC for c in uow.people.clinics()):
            raise ConflictError(f"the demo clinic exists already ({CLINIC!r})")
    clinics.add_clinic(uow, CLINIC, "Europe/Rome")
    clinics.add_practitioner(uow, DR, "Dr Demo Rossi (fake)", "practitioner", CLINIC)
    clinics.add_practitioner(uow, DIRECTOR, "Dr Demo Bianchi (fake)", "medical_director", CLINIC)
    _stock(uow)
    vials = _open_vials(uow)
    patient_ids, course_ids, session_ids = [], [], []
    begin = clock.now
    for given, protocol_id, zones in COURSES:
        clock.now = begin
        history = PatientHistory(consent_given_at=begin, anticoagulants=given == "Carla")
        pid = patients.register_patient(
            uow,
            DR,
            FAKE,
            given,
            date(1980, 1, 1),
            "female",
            email=f"{given.lower()}@example.invalid",
            history=history,
        ).id
        protocol = builtin_protocols()[protocol_id]
        doc = planning.plan_document(protocol, zones)
        course = courses.start_course(
            uow, DR, pid, protocol, doc, courses.ScheduleOptions(start, time(10))
        )
        patient_ids.append(pid)
        course_ids.append(course.id)
        for s in course.sessions[:3]:
            clock.at(date.fromisoformat(s["date"]), 10)
            view = sessions.record_session(
                uow, DR, course.id, _mix(protocol_id, vials), details=_details(vials)
            )
            clock.now += timedelta(minutes=20)
            signing.sign_session(uow, DR, view.id)
            session_ids.append(view.id)
    _follow_up(uow, clock, patient_ids[0], course_ids[0], session_ids[0], start)
    _stock_for_today(uow, clock, start + timedelta(days=28))
    return DemoSummary(
        CLINIC, (DR, DIRECTOR), tuple(patient_ids), tuple(course_ids), tuple(session_ids)
    )


def _follow_up(
    uow: UnitOfWork, clock: WalkingClock, pid: int, course_id: int, first: int, start: date
) -> None:
    clock.at(start + timedelta(days=3), 12)
    signing.cosign_session(uow, DIRECTOR, first)
    signing.add_addendum(uow, DR, first, "Phone follow-up: mild redness reported, settling.")
    onset = datetime.combine(start, time(11), tzinfo=UTC)
    reactions.record_reaction(
        uow, DR, first, "redness", "thigh-left-lateral", onset, "mild", 2880, True
    )
    for days, cm in ((0, 58.0), (14, 57.4)):
        clock.at(start + timedelta(days=days), 9)
        m = Measurement("thigh_circumference_cm", clock.now, cm, "left", 18.0)
        measurements.record_measurement(uow, DR, pid, m, course_id)
