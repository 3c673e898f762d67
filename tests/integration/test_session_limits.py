"""The protocol's limits at charting, on SQLite and PostgreSQL: a drug amount above its
maximum, an amount that cannot be counted, a per-kg maximum without a weight, a session
before the minimum interval, past the maximum number or above the session volume. Each
is refused with every row left as it was, and goes through only with a reason, which the
session keeps."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest
from sqlalchemy import Engine

from mesoplan.domain.charting_points import PointChange
from mesoplan.domain.errors import HardStop, SafetyError
from mesoplan.domain.protocol import Protocol
from mesoplan.domain.record_errors import RefusedError
from mesoplan.services import courses, sessions, stock
from mesoplan.services.session_views import show_session
from mesoplan.services.sessions import SessionInput, UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock, dump
from .records_factory import DR, cellulite, plan_document, two_lot_mix, weigh, world


def mix_() -> list[UseInput]:
    """The two-lot mix drawn from the lots, not the vials (which two sessions empty)."""
    return [dataclasses.replace(u, vial=None) for u in two_lot_mix()]


EMLA_12G = SessionInput(anaesthetic="EMLA cream", anaesthetic_amount_g=12.0)  # 300 mg


def kept(uow: UnitOfWork, course_id: int) -> list[tuple[str, str, int | None]]:
    with uow:
        return [(o.code, o.reason, o.session_id) for o in uow.records.overrides_of(course_id)]


def refused(engine: Engine, call: object, match: str) -> HardStop:
    before = dump(engine)
    with pytest.raises(HardStop, match=match) as info:
        call()  # type: ignore[operator]
    assert dump(engine) == before
    return info.value


def test_a_drug_amount_above_its_maximum_is_refused_then_overridden(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    mix = [UseInput("Tefamin", "TF-A1", 1.0, "VA"), *two_lot_mix()[1:]]  # 160 + 120 mg

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, w.course_id, mix, **kw)  # type: ignore[arg-type]

    stop = refused(engine, chart, r"drug-max-dose:tefamine: tefamine: 280 mg in this session")
    assert stop.keys == ("drug-max-dose:tefamine",)
    reason = "two part-ampoules on the director's order"
    view = chart(overrides={"drug-max-dose:tefamine": reason})
    assert [(f.rule_id, f.override_reason) for f in view.findings] == [("drug-max-dose", reason)]
    assert kept(uow, w.course_id) == [("drug-max-dose", reason, view.id)]
    again = show_session(uow, view.id)
    assert [(f.rule_id, f.override_reason) for f in again.findings] == [("drug-max-dose", reason)]
    assert "280 mg" in again.findings[0].message


def test_lidocaine_needs_the_weight_and_counts_against_it(
    uow: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    w = world(uow)

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(
            uow,
            DR,
            w.course_id,
            mix_(),
            details=EMLA_12G,
            **kw,  # type: ignore[arg-type]
        )

    refused(engine, chart, "drug-weight-unknown: lidocaine has a maximum per kg")
    weigh(uow, w.patient_id, 62.0)  # 4.5 mg/kg: 279 mg < 300 mg of cream
    stop = refused(engine, chart, "lidocaine: 300 mg in this session, above its maximum of 279")
    assert stop.keys == ("drug-max-dose:lidocaine",)
    weigh(uow, w.patient_id, 70.0, clock.now)  # the latest weight: 315 mg, capped at 300
    view = chart()
    assert view.findings == ()


def test_a_lot_without_mg_per_ml_is_refused_for_a_limited_ingredient(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    tefamin = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")
    stock.receive_stock(uow, DR, tefamin, "TF-NOMG", date(2026, 6, 30), 2, 1.5)
    mix = [UseInput("Tefamin", "TF-NOMG", 1.0), *two_lot_mix()[2:]]

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, w.course_id, mix, **kw)  # type: ignore[arg-type]

    refused(engine, chart, "drug-amount-unknown:TF-NOMG: lot TF-NOMG has no mg per mL")
    view = chart(overrides={"drug-amount-unknown": "label checked: 160 mg/mL"})
    assert kept(uow, w.course_id) == [("drug-amount-unknown", "label checked: 160 mg/mL", view.id)]


def test_mg_per_ml_is_bounded_at_receipt(uow: UnitOfWork, engine: Engine) -> None:
    world(uow)
    tefamin = stock.NewProduct("Tefamin")
    water = stock.NewProduct("Water for injection", "diluent")
    before = dump(engine)
    for bad in (0.0, -1.0, float("nan"), float("inf"), 1001.0):
        with pytest.raises(RefusedError, match="mg per mL"):
            stock.receive_stock(uow, DR, tefamin, "TF-BAD", date(2026, 6, 30), 1, 1.5, None, bad)
    with pytest.raises(RefusedError, match="a diluent has no mg per mL"):
        stock.receive_stock(uow, DR, water, "W-BAD", date(2026, 6, 30), 1, 10.0, None, 5.0)
    assert dump(engine) == before
    view = stock.receive_stock(uow, DR, tefamin, "TF-OK", date(2026, 6, 30), 1, 1.5, None, 160)
    assert view.mg_per_ml == 160.0
    listed = {lot.lot_number: lot.mg_per_ml for lot in stock.list_stock(uow, DR).lots}
    assert listed["TF-OK"] == 160.0 and listed["TF-A1"] == 160.0


def test_a_session_before_the_minimum_interval_is_refused_then_overridden(
    uow: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    w = world(uow)
    first = sessions.record_session(uow, DR, w.course_id, mix_())
    clock.advance(days=5)  # induction: at least 6 days

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, w.course_id, mix_(), **kw)  # type: ignore[arg-type]

    refused(engine, chart, r"course-min-interval: session 2 on \S+ is 5 day\(s\) after session 1")
    reason = "patient travels next week"
    second = chart(overrides={"course-min-interval": reason})
    assert kept(uow, w.course_id) == [("course-min-interval", reason, second.id)]
    clock.advance(days=6)
    third = chart()
    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert third.findings == ()


def test_a_backdated_session_is_checked_against_the_one_after(
    uow: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    w = world(uow)
    start = clock.now
    clock.advance(days=14)
    sessions.record_session(uow, DR, w.course_id, mix_(), number=2)

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, w.course_id, mix_(), **kw)  # type: ignore[arg-type]

    late = start + timedelta(days=9)  # 5 days before session 2
    refused(
        engine,
        lambda: chart(number=1, performed_at=late),
        r"course-min-interval: session 2 on \S+ is 5 day\(s\) after session 1",
    )
    assert chart(number=1, performed_at=start).number == 1


def limited(**fields: object) -> Protocol:
    return dataclasses.replace(cellulite(), limits_source="article", **fields)  # type: ignore[arg-type]


def start(uow: UnitOfWork, patient_id: int, protocol: Protocol) -> int:
    return courses.start_course(
        uow,
        DR,
        patient_id,
        protocol,
        plan_document(protocol),
        courses.ScheduleOptions(start=date(2025, 3, 3), at=time(10, 0)),
    ).id


def test_a_session_past_the_maximum_number_is_refused_then_overridden(
    uow: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    w = world(uow)
    protocol = limited(max_sessions=2)
    course_id = start(uow, w.patient_id, protocol)
    with uow:
        schedule = uow.records.course(course_id).schedule_json
    assert schedule.count('"number":') == 2  # the calendar proposes two sessions only

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, course_id, mix_(), **kw)  # type: ignore[arg-type]

    chart()
    clock.advance(days=7)
    chart()
    clock.advance(days=7)
    refused(engine, chart, "course-max-sessions: session 3 would make 3 sessions in this course")
    reason = "third session agreed with the patient"
    view = chart(overrides={"course-max-sessions": reason})
    assert view.number == 3
    assert kept(uow, course_id) == [("course-max-sessions", reason, view.id)]


def test_the_session_volume_bounds_the_plan_and_the_delivery(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    small = limited(max_session_volume_ml=8.0)
    before = dump(engine)
    with pytest.raises(Exception, match=r"delivers 10 mL, above the protocol's maximum of 8 mL"):
        start(uow, w.patient_id, small)
    assert dump(engine) == before
    course_id = start(uow, w.patient_id, limited(max_session_volume_ml=10.0))
    extra = [PointChange("thigh-right-lateral", "added", x_cm=9.0, y_cm=9.0, volume_ml=0.5)]

    def chart(**kw: object) -> sessions.SessionView:
        return sessions.record_session(uow, DR, course_id, mix_(), extra, **kw)  # type: ignore[arg-type]

    refused(engine, chart, "session-volume-max: delivered 10.5 mL, above the protocol's maximum")
    view = chart(overrides={"session-volume-max": "one extra point on a nodule"})
    assert view.points["delivered_volume_ml"] == 10.5


def test_an_override_that_names_no_stop_is_refused(uow: UnitOfWork, engine: Engine) -> None:
    w = world(uow)
    before = dump(engine)
    with pytest.raises(SafetyError, match="override 'course-max-sessions' names no finding"):
        sessions.record_session(
            uow, DR, w.course_id, mix_(), overrides={"course-max-sessions": "why not"}
        )
    assert dump(engine) == before
