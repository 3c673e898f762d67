"""The demo clinic on its first day: stock usable, the old vials' waste reported, a
session overdue on the worklist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from mesoplan.services import stock, waste, worklists
from mesoplan.services.demo import DR, build_demo
from mesoplan.services.unit_of_work import UnitOfWork


def test_the_demo_is_usable_on_the_day_it_is_made(engine: Engine, uow: UnitOfWork) -> None:
    today = date(2025, 3, 3)  # the test clock's day
    build_demo(engine, today)
    listed = stock.list_stock(uow, DR)
    usable = {(v.product, v.lot_number) for v in listed.vials if not v.beyond_use}
    drugs = {(lot.product, lot.lot_number) for lot in listed.lots if "Water" not in lot.product}
    assert drugs and drugs <= usable
    assert all(not lot.expired for lot in listed.lots)
    report = waste.waste_report(uow, DR, today, today)
    assert {e.reason for e in report.entries} == {"beyond_use"}
    # the Tefamin vials were drawn empty; the others (5 mL) are discarded with what is left
    assert len(report.entries) == 6 and report.wasted_ml == 18.0
    by = {p.product: p for p in report.products}
    assert (by["Carnitine (demo)"].discarded, by["Carnitine (demo)"].cost) == (
        {"beyond_use": 0.5},
        0.4,
    )
    assert (by["DMAE (demo)"].discarded, by["DMAE (demo)"].cost) == ({"beyond_use": 3.5}, None)
    tef = by["Tefamin (demo)"]
    assert (tef.vials_opened, tef.wasted_ml, tef.cost) == (2, 0.0, 0.0)
    work = worklists.worklist(uow, DR)
    assert [(i.patient, i.number, i.days_overdue, i.later_overdue) for i in work.overdue] == [
        ("Fakename, Alice", 4, 6, 0),
        ("Fakename, Bianca", 4, 6, 0),
        ("Fakename, Carla", 4, 6, 0),
    ]
