"""Stock: lots, vials drawn down, recall by lot and by vial."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from mesoplan.domain.errors import MesoplanError
from mesoplan.domain.record_errors import ConflictError, NotFoundError, RefusedError
from mesoplan.services import recall, sessions, stock
from mesoplan.services.sessions import UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock, dump
from .records_factory import DR, add_patient, start_course, two_lot_mix, world


def test_receive_open_and_list(uow: UnitOfWork) -> None:
    world(uow)
    listed = stock.list_stock(uow, DR)
    lots = {(lot.product, lot.lot_number): lot for lot in listed.lots}
    assert lots["Tefamin", "TF-A1"].quantity_received == 5
    assert lots["Tefamin", "TF-A1"].vials_opened == 1
    assert lots["Tefamin", "TF-A1"].unit_volume_ml == 1.5
    vials = {v.code: v for v in listed.vials}
    assert vials["VA"].volume_remaining_ml == 1.5
    assert vials["VA"].beyond_use_at.date() == date(2025, 3, 31)


def test_beyond_use_never_passes_the_lot_expiry(uow: UnitOfWork) -> None:
    world(uow)
    short = stock.NewProduct("Short", "drug", "carnitine")
    stock.receive_stock(uow, DR, short, "S-1", date(2025, 3, 10), 2, 2.0)
    vial = stock.open_vial(uow, DR, "Short", "S-1")
    assert vial.code == "S-1-V1"
    assert vial.beyond_use_at.date() == date(2025, 3, 10)


def test_a_session_draws_down_each_vial(uow: UnitOfWork) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    vials = {v.code: v.volume_remaining_ml for v in stock.list_stock(uow, DR).vials}
    assert vials == {"VA": 0.75, "VB": 0.75, "VC": 3.0, "VW": 10.0}


def test_a_draw_larger_than_the_vial_holds_is_refused(uow: UnitOfWork, engine: Engine) -> None:
    w = world(uow)
    before = dump(engine)
    mix = [UseInput("Tefamin", "TF-A1", 1.6, "VA"), UseInput("Carnitine", "CN-77", 2.0, "VC")]
    # 1.6 mL of 160 mg/mL is above tefamine's 240 mg: overridden, the vial still refuses.
    over = {"drug-max-dose": "testing the vial's bound"}
    with pytest.raises(RefusedError, match=r"vial VA holds 1\.5 mL; a draw of 1\.6 mL"):
        sessions.record_session(uow, DR, w.course_id, mix, overrides=over)
    assert dump(engine) == before


def test_two_draws_from_one_vial_add_up(uow: UnitOfWork, engine: Engine, clock: Clock) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(days=7)
    before = dump(engine)
    with pytest.raises(RefusedError, match=r"vial VA holds 0 mL; a draw of 0\.75 mL"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix()[:1] * 2 + two_lot_mix()[2:])
    assert dump(engine) == before


def test_recall_by_lot_and_by_vial_lists_every_use(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    other = add_patient(uow, "Second")
    other_course = start_course(uow, other)
    first = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(days=7)
    mix = [UseInput("Tefamin", "TF-A1", 0.5, "VA"), UseInput("Carnitine", "CN-77", 1.0, "VC")]
    second = sessions.record_session(uow, DR, other_course, mix)

    by_lot = recall.who_received(uow, lot_number="TF-A1")
    assert [(r.patient_id, r.session_id, r.volume_ml, r.vial) for r in by_lot.rows] == [
        (w.patient_id, first.id, 0.75, "VA"),
        (other, second.id, 0.5, "VA"),
    ]
    assert by_lot.rows[0].patient == "Testpatient, Alice"
    assert by_lot.rows[0].product == "Tefamin" and by_lot.rows[0].ingredient == "tefamine"
    assert by_lot.patient_ids == sorted([w.patient_id, other])
    assert recall.who_received(uow, lot_number="TF-B2").patient_ids == [w.patient_id]
    assert recall.who_received(uow, vial_code="VC").patient_ids == sorted([w.patient_id, other])
    assert recall.who_received(uow, lot_number="WFI-9").rows == []


def test_a_recalled_lot_is_refused_at_charting_and_when_opening(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    result = recall.recall(uow, DR, "supplier notice", lot_number="TF-B2")
    assert result.recalled and result.patient_ids == [w.patient_id]
    assert {lot.lot_number: lot.recalled for lot in stock.list_stock(uow, DR).lots}["TF-B2"]
    before = dump(engine)
    with pytest.raises(RefusedError, match="lot is recalled"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    with pytest.raises(RefusedError, match="is recalled"):
        stock.open_vial(uow, DR, "Tefamin", "TF-B2")
    assert dump(engine) == before


def test_a_recalled_vial_is_refused(uow: UnitOfWork) -> None:
    w = world(uow)
    recall.recall(uow, DR, "cloudy", vial_code="VA")
    with pytest.raises(RefusedError, match="vial VA is recalled"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix())


TEF = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda u: stock.receive_stock(u, DR, TEF, "TF-A1", date(2026, 1, 1), 1, 1.5),
            ConflictError,
            "received already",
        ),
        (
            lambda u: stock.receive_stock(u, DR, TEF, "OLD", date(2025, 1, 1), 1, 1.5),
            RefusedError,
            "expired on 2025-01-01",
        ),
        (
            lambda u: stock.receive_stock(u, DR, TEF, "NEW", date(2026, 1, 1), 0, 1.5),
            RefusedError,
            "at least 1",
        ),
        (
            lambda u: stock.receive_stock(u, DR, TEF, "NEW", date(2026, 1, 1), 1, 0.0001),
            RefusedError,
            "more than 0 mL",
        ),
        (
            lambda u: stock.receive_stock(
                u, DR, stock.NewProduct("Tefamin", "diluent"), "NEW", date(2026, 1, 1), 1, 1.0
            ),
            ConflictError,
            "is a drug",
        ),
        (lambda u: stock.open_vial(u, DR, "Tefamin", "NOPE"), NotFoundError, "known lots: TF-A1"),
        (lambda u: stock.open_vial(u, DR, "Nothing", "TF-A1"), NotFoundError, "unknown product"),
        (lambda u: stock.open_vial(u, DR, "Tefamin", "TF-A1", "VB"), ConflictError, "in use"),
        (lambda u: recall.who_received(u, lot_number="ZZZ"), NotFoundError, "unknown lot"),
        (lambda u: recall.who_received(u, vial_code="ZZZ"), NotFoundError, "unknown vial"),
        (lambda u: recall.who_received(u), RefusedError, "give a lot number or a vial"),
        (lambda u: recall.recall(u, DR, "", lot_number="TF-A1"), RefusedError, "needs a reason"),
    ],
)
def test_stock_refusals_change_nothing(
    uow: UnitOfWork, engine: Engine, call: object, error: type[MesoplanError], message: str
) -> None:
    world(uow)
    before = dump(engine)
    with pytest.raises(error, match=message):
        call(uow)  # type: ignore[operator]
    assert dump(engine) == before


def test_no_more_vials_than_received(uow: UnitOfWork) -> None:
    world(uow)
    for _ in range(4):
        stock.open_vial(uow, DR, "Tefamin", "TF-A1")
    with pytest.raises(RefusedError, match="all 5 received vials are open or discarded already"):
        stock.open_vial(uow, DR, "Tefamin", "TF-A1")
