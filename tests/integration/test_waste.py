"""Waste: a vial or a lot discarded with the reason and the volume left; the report of a
period (vials opened, discarded by reason, expired unused, left past beyond-use, cost)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from mesoplan.domain.record_errors import ConflictError, RefusedError
from mesoplan.services import products, sessions, stock, waste
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import clinic_with_roles, make_client
from .records_factory import DR, two_lot_mix, world


def _charted_once(uow: UnitOfWork) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())  # VA, VB 0.75 left; VC 3


def test_a_vial_is_discarded_once_with_at_most_what_is_left(uow: UnitOfWork) -> None:
    _charted_once(uow)
    view = waste.discard_vial(uow, DR, "VA", "dropped")
    assert (view.vial, view.volume_ml, view.reason, view.discarded_by) == (
        "VA",
        0.75,
        "dropped",
        DR,
    )
    with pytest.raises(ConflictError, match="vial VA was discarded on 2025-03-03"):
        waste.discard_vial(uow, DR, "VA", "dropped")
    with pytest.raises(RefusedError, match=r"the records say 0\.75 mL is left, not 1 mL"):
        waste.discard_vial(uow, DR, "VB", "contaminated", 1.0)
    with pytest.raises(RefusedError, match="valid: expired, beyond_use, contaminated"):
        waste.discard_vial(uow, DR, "VB", "lost")
    assert waste.discard_vial(uow, DR, "VB", "contaminated", 0.5, "touched").volume_ml == 0.5
    vials = {v.code: v for v in stock.list_stock(uow, DR).vials}
    assert vials["VA"].volume_remaining_ml == 0 and vials["VB"].volume_remaining_ml == 0


def test_a_lot_is_discarded_and_can_no_longer_be_opened(uow: UnitOfWork) -> None:
    _charted_once(uow)
    views = waste.discard_lot(uow, DR, "Tefamin", "TF-A1", "recalled", "supplier notice")
    assert [(v.vial, v.units, v.volume_ml, v.note) for v in views] == [
        (None, 4, 6.0, "supplier notice"),
        ("VA", 0, 0.75, "supplier notice"),
    ]
    with pytest.raises(RefusedError, match="open or discarded already"):
        stock.open_vial(uow, DR, "Tefamin", "TF-A1")
    with pytest.raises(RefusedError, match="nothing is left to discard"):
        waste.discard_lot(uow, DR, "Tefamin", "TF-A1", "recalled")


def test_the_waste_report_of_a_month_with_costs_where_priced(uow: UnitOfWork) -> None:
    _charted_once(uow)
    products.update_product(uow, DR, "Tefamin", products.ProductChange(price_per_ml=2.0))
    waste.discard_vial(uow, DR, "VA", "dropped")
    waste.discard_vial(uow, DR, "VB", "contaminated", 0.5)
    waste.discard_lot(uow, DR, "Tefamin", "TF-A1", "recalled")
    report = waste.waste_report(uow, DR, date(2025, 3, 1), date(2025, 3, 31))
    by = {p.product: p for p in report.products}
    tef = by["Tefamin"]
    assert tef.vials_opened == 2
    assert tef.discarded == {"dropped": 0.75, "contaminated": 0.5, "recalled": 6.0}
    assert tef.discarded_count == {"dropped": 1, "contaminated": 1, "recalled": 4}
    assert (tef.wasted_ml, tef.cost) == (7.25, 14.5)
    car = by["Carnitine"]  # VC past beyond-use on 31 March with 3 mL left, not discarded
    assert (car.vials_opened, car.beyond_use_left_ml, car.wasted_ml, car.cost) == (
        1,
        3.0,
        3.0,
        None,
    )
    assert by["Water for injection"].beyond_use_left_ml == 10.0
    assert report.wasted_ml == 20.25 and report.cost == 14.5
    assert report.unpriced == ("Carnitine", "Water for injection")
    assert len(report.entries) == 3
    april = waste.waste_report(uow, DR, date(2025, 4, 1), date(2025, 4, 30))
    assert april.products == () and april.wasted_ml == 0
    june = waste.waste_report(uow, DR, date(2026, 6, 1), date(2026, 6, 30))
    (tf,) = june.products  # TF-B2 expires 30 June 2026 with 4 units never opened
    assert (tf.product, tf.expired_unused_units, tf.expired_unused_ml, tf.cost) == (
        "Tefamin",
        4,
        6.0,
        12.0,
    )
    with pytest.raises(RefusedError, match="is before"):
        waste.waste_report(uow, DR, date(2025, 3, 2), date(2025, 3, 1))
    with pytest.raises(RefusedError, match="at most"):
        waste.waste_report(uow, DR, date(2000, 1, 1), date(2025, 3, 1))


def test_a_product_price_and_gtin_are_checked(uow: UnitOfWork) -> None:
    _charted_once(uow)
    with pytest.raises(RefusedError, match="price per mL"):
        products.update_product(uow, DR, "Tefamin", products.ProductChange(price_per_ml=-1))
    with pytest.raises(RefusedError, match="check digit"):
        products.update_product(uow, DR, "Tefamin", products.ProductChange(gtin="05012345678901"))
    view = products.update_product(uow, DR, "Tefamin", products.ProductChange(gtin="5012345678900"))
    assert view.gtin == "05012345678900"
    with pytest.raises(ConflictError, match="already the product 'Tefamin'"):
        products.update_product(uow, DR, "Carnitine", products.ProductChange(gtin="05012345678900"))


def test_waste_through_the_api(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "s")
    anna, auditor = c.headers["practitioner"], c.headers["auditor"]
    expiry = (date.today() + timedelta(days=200)).isoformat()
    lot = {
        "product": "Tefamin",
        "lot_number": "TF-9",
        "expiry_date": expiry,
        "quantity": 3,
        "unit_volume_ml": 1.5,
        "active_ingredient": "aminophylline",
    }
    lot_id = client.post("/stock/lots", json=lot, headers=anna).json()["id"]
    opened = client.post(
        "/stock/vials",
        json={"product": "Tefamin", "lot_number": "TF-9", "code": "V9"},
        headers=anna,
    )
    assert opened.status_code == 201, opened.text
    product = client.get("/stock/products/Tefamin", headers=anna)
    assert product.json()["price_per_ml"] is None
    price = {"price_per_ml": 4.0}
    assert client.patch("/stock/products/Tefamin", json=price, headers=anna).status_code == 428
    etag = {"If-Match": product.headers["etag"]}
    r = client.patch("/stock/products/Tefamin", json=price, headers=anna | etag)
    assert r.status_code == 200 and r.json()["price_per_ml"] == 4.0
    r = client.patch(
        "/stock/products/Tefamin", json={"gtin": "1234"}, headers=anna | {"If-Match": "*"}
    )
    assert r.status_code == 422
    r = client.post("/stock/vials/V9/discard", json={"reason": "lost"}, headers=anna)
    assert r.status_code == 422
    r = client.post(
        "/stock/vials/V9/discard", json={"reason": "dropped", "volume_left_ml": 2}, headers=anna
    )
    assert r.status_code == 422 and "the records say 1.5 mL is left" in r.json()["detail"]
    r = client.post("/stock/vials/V9/discard", json={"reason": "dropped"}, headers=anna)
    assert r.status_code == 201 and r.json()["volume_ml"] == 1.5
    assert (
        client.post("/stock/vials/V9/discard", json={"reason": "dropped"}, headers=anna).status_code
        == 409
    )
    r = client.post(f"/stock/lots/{lot_id}/discard", json={"reason": "expired"}, headers=anna)
    assert r.status_code == 201 and [(i["units"], i["volume_ml"]) for i in r.json()["items"]] == [
        (2, 3.0)
    ]
    assert (
        client.post(
            f"/stock/lots/{lot_id}/discard", json={"reason": "expired"}, headers=auditor
        ).status_code
        == 403
    )
    today = date.today().isoformat()  # a day either side: the clinic's day may differ
    period = {
        "from": (date.today() - timedelta(days=1)).isoformat(),
        "to": (date.today() + timedelta(days=1)).isoformat(),
    }
    report = client.get("/stock/waste", params=period, headers=auditor)
    assert report.status_code == 200, report.text
    (tef,) = report.json()["products"]
    assert tef["discarded"] == {"dropped": 1.5, "expired": 3.0} and tef["cost"] == 18.0
    bad = client.get("/stock/waste", params={"from": today, "to": "2000-01-01"}, headers=auditor)
    assert bad.status_code == 422
