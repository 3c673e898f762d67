"""Lot intake by barcode: the product found by its GTIN, lot and expiry from the code;
unknown, invalid and expired codes refused with the reason; through the service, the
API (a code and a photo) and the stock page."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from mesoplan.domain.record_errors import NotFoundError, RefusedError
from mesoplan.services import intake, products, stock
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import clinic_with_roles, make_client
from .records_factory import DR, setup_clinic
from .test_web_pages import Site, log_in, site

__all__ = ["site"]
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
GTIN = "05012345678900"


def _code(lot: str, expiry: date) -> str:
    return f"01{GTIN}10{lot}\x1d17{expiry:%y%m%d}\x1d21SN1"


def _clinic(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    tef = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")
    stock.receive_stock(uow, DR, tef, "TF-OLD", date(2026, 1, 31), 1, 1.5)
    products.update_product(uow, DR, "Tefamin", products.ProductChange(gtin=GTIN))


def test_a_scan_finds_the_product_and_fills_lot_and_expiry(uow: UnitOfWork) -> None:
    _clinic(uow)
    view = intake.scan(uow, DR, _code("TF-NEW", date(2027, 1, 31)))
    assert (view.product, view.gtin, view.lot_number, view.expiry_date, view.serial) == (
        "Tefamin",
        GTIN,
        "TF-NEW",
        date(2027, 1, 31),
        "SN1",
    )
    assert view.received is False
    assert intake.scan(uow, DR, _code("TF-OLD", date(2026, 1, 31))).received is True
    lot = intake.receive_scanned(uow, DR, _code("TF-NEW", date(2027, 1, 31)), 4, 1.5)
    assert (lot.product, lot.lot_number, lot.expiry_date, lot.quantity_received) == (
        "Tefamin",
        "TF-NEW",
        date(2027, 1, 31),
        4,
    )


def test_unknown_invalid_and_expired_codes_are_refused(uow: UnitOfWork) -> None:
    _clinic(uow)  # the clock says 3 March 2025
    with pytest.raises(RefusedError, match=r"expired on 2025-02-28; it is not received"):
        intake.scan(uow, DR, _code("TF-X", date(2025, 2, 28)))
    with pytest.raises(NotFoundError, match="GTIN 04006381333931 is no product of the clinic"):
        intake.scan(uow, DR, "0104006381333931172701311 0L1".replace(" ", ""))
    with pytest.raises(RefusedError, match="check digit"):
        intake.scan(uow, DR, "010501234567890117270131")
    with pytest.raises(RefusedError, match="no lot"):
        intake.scan(uow, DR, f"01{GTIN}17270131")
    with pytest.raises(RefusedError, match="no expiry"):
        intake.scan(uow, DR, f"01{GTIN}10L1")


def _png(content: bytes) -> bytes:
    from PIL import Image
    from pylibdmtx.pylibdmtx import encode

    encoded = encode(content)
    image = Image.frombytes("RGB", (encoded.width, encoded.height), encoded.pixels)
    out = io.BytesIO()
    image.resize((encoded.width * 4, encoded.height * 4)).save(out, format="PNG")
    return out.getvalue()


def test_intake_through_the_api(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "b")
    anna = c.headers["practitioner"]
    expiry = date.today() + timedelta(days=400)
    lot = {
        "product": "Tefamin",
        "lot_number": "TF-1",
        "expiry_date": expiry.isoformat(),
        "quantity": 1,
        "unit_volume_ml": 1.5,
    }
    assert client.post("/stock/lots", json=lot, headers=anna).status_code == 201
    etag = client.get("/stock/products/Tefamin", headers=anna).headers["etag"]
    r = client.patch(
        "/stock/products/Tefamin", json={"gtin": GTIN}, headers=anna | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    code = _code("TF-2", expiry)
    r = client.post("/stock/scan", json={"code": code}, headers=anna)
    assert (
        r.status_code == 200
        and r.json()["lot_number"] == "TF-2"
        and r.json()["product"] == "Tefamin"
    )
    photo = client.post(
        "/stock/scan/photo",
        content=_png(code.encode()),
        headers=anna | {"Content-Type": "image/png"},
    )
    assert photo.status_code == 200, photo.text
    assert photo.json() == r.json()
    bad = client.post(
        "/stock/scan/photo", content=b"not an image", headers=anna | {"Content-Type": "image/png"}
    )
    assert bad.status_code == 422 and "not an image" in bad.json()["detail"]
    assert client.post("/stock/scan", json={"code": "nonsense"}, headers=anna).status_code == 422
    new = client.post(
        "/stock/lots/scan", json={"code": code, "quantity": 3, "unit_volume_ml": 1.5}, headers=anna
    )
    assert new.status_code == 201 and new.json()["expiry_date"] == expiry.isoformat()
    again = client.post(
        "/stock/lots/scan", json={"code": code, "quantity": 3, "unit_volume_ml": 1.5}, headers=anna
    )
    assert again.status_code == 409


def test_a_scan_fills_the_receive_form_on_the_stock_page(site: Site) -> None:
    csrf = log_in(site)
    with UnitOfWork.from_engine(site.engine, site.clock) as uow:
        handle = uow.people.practitioner("dr-pages").handle
    products.update_product(
        UnitOfWork.from_engine(site.engine, site.clock),
        handle,
        "Tefamin",
        products.ProductChange(gtin=GTIN),
    )
    page = site.client.get("/app/stock").text
    assert 'id="scan-code"' in page and "/app/static/stock_scan.js" in page
    assert "<script>" not in page and "onclick" not in page
    expiry = site.clock.now.date() + timedelta(days=200)
    r = site.client.post(
        "/app/stock/scan", data={"csrf_token": csrf, "code": _code("TF-S", expiry)}
    )
    assert r.status_code == 200, r.text
    assert re.search(r'name="lot_number" required value="TF-S"', r.text)
    assert f'name="expiry_date" type="date" required value="{expiry.isoformat()}"' in r.text
    assert 'name="product" required value="Tefamin"' in r.text
    late = site.clock.now.date() - timedelta(days=1)
    r = site.client.post("/app/stock/scan", data={"csrf_token": csrf, "code": _code("TF-S", late)})
    assert r.status_code == 422 and "Not read" in r.text and "expired on" in r.text
    r = site.client.post(
        "/app/stock/scan-photo",
        data={"csrf_token": csrf},
        files={"photo": ("label.png", _png(_code("TF-P", expiry).encode()), "image/png")},
    )
    assert r.status_code == 200 and 'value="TF-P"' in r.text
