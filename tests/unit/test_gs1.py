"""GS1 codes of medicine packs: element strings with FNC1 separators and without them
where the lot comes last, the human-readable form, refusals; a DataMatrix image made in
the test (pylibdmtx, Debian's libdmtx) decoded by zxing-cpp to the same fields."""

from __future__ import annotations

import io
from datetime import date

import pytest

from mesoplan.adapters.gs1 import Gs1Code, decode_photo, parse_gs1
from mesoplan.domain.record_errors import RefusedError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
GTIN = "05012345678900"
EXPECTED = Gs1Code(GTIN, "TF-A1", date(2027, 1, 31), "SN0042")


def test_fnc1_separators_end_each_variable_length_field() -> None:
    assert parse_gs1(f"01{GTIN}10TF-A1\x1d17270131\x1d21SN0042") == EXPECTED
    assert parse_gs1(f"]d201{GTIN}21SN0042\x1d10TF-A1\x1d17270131") == EXPECTED
    assert parse_gs1(f"01{GTIN}10TF-A1<GS>1727013121SN0042\n") == EXPECTED


def test_without_separators_when_the_lot_comes_last() -> None:
    assert parse_gs1(f"01{GTIN}1727013110TF-A1") == Gs1Code(GTIN, "TF-A1", date(2027, 1, 31), None)
    assert parse_gs1("01050123456789001727010010L7") == Gs1Code(GTIN, "L7", date(2027, 1, 31), None)


def test_the_human_readable_form() -> None:
    assert parse_gs1(f"(01){GTIN}(17)270131(10)TF-A1(21)SN0042") == EXPECTED


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "empty"),
        ("hello", "not a GS1 code"),
        ("0105012345678901172701311 0X".replace(" ", ""), "check digit"),
        ("17270131" + "10TF-A1", "no GTIN"),
        (f"01{GTIN}17279931", "not a GS1 code"),
        ("0" * 600, "at most 512 characters"),
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code: str, reason: str) -> None:
    with pytest.raises(RefusedError, match=reason):
        parse_gs1(code)


def _datamatrix_png(content: bytes) -> bytes:
    from PIL import Image
    from pylibdmtx.pylibdmtx import encode

    encoded = encode(content, size="SquareAuto")
    image = Image.frombytes("RGB", (encoded.width, encoded.height), encoded.pixels)
    image = image.resize((encoded.width * 4, encoded.height * 4), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_datamatrix_photo_decodes_to_the_same_fields() -> None:
    content = f"01{GTIN}10TF-A1\x1d17270131\x1d21SN0042".encode("ascii")
    assert parse_gs1(decode_photo(_datamatrix_png(content))) == EXPECTED


def test_a_photo_without_a_code_or_not_an_image_is_refused() -> None:
    from PIL import Image

    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    with pytest.raises(RefusedError, match="no barcode found"):
        decode_photo(blank.getvalue())
    with pytest.raises(RefusedError, match="not an image"):
        decode_photo(b"plain text, not a picture")
    with pytest.raises(RefusedError, match="empty"):
        decode_photo(b"")
