"""GS1 barcodes on medicine packs: element strings (with FNC1 separators, or without them
where the variable-length lot comes last), GS1 DataMatrix content and the human-readable
form ``(01)...(17)...(10)...``, parsed with biip into the GTIN (AI 01), the lot (AI 10),
the expiry (AI 17) and the serial number (AI 21); and a photo of a label decoded with
zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from ..domain.record_errors import RefusedError

MAX_CODE_CHARS = 512
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
GS = "\x1d"
"""The FNC1 separator of a GS1 element string, as scanners send it (ASCII group separator)."""


@dataclass(frozen=True)
class Gs1Code:
    gtin: str
    lot: str | None
    expiry: dt.date | None
    serial: str | None


def parse_gs1(text: str) -> Gs1Code:
    """The GTIN, lot, expiry and serial of a GS1 code; a RefusedError says why a code is
    not one (or has no valid GTIN)."""
    from biip import ParseError, parse
    from biip.gs1_messages import GS1Message

    code = text.strip().replace("<GS>", GS)
    if not code:
        raise RefusedError("barcode: the code is empty")
    if len(code) > MAX_CODE_CHARS:
        raise RefusedError(f"barcode: at most {MAX_CODE_CHARS} characters, got {len(code)}")
    try:
        if code.startswith("("):
            message = GS1Message.parse_hri(code)
        else:
            result = parse(code)
            if result.gs1_message is None:
                raise RefusedError(
                    f"barcode {_show(code)}: not a GS1 code ({result.gs1_message_error})"
                )
            message = result.gs1_message
    except ParseError as exc:
        raise RefusedError(f"barcode {_show(code)}: not a GS1 code ({exc})") from None
    found: dict[str, str] = {}
    expiry: dt.date | None = None
    for element in message.element_strings:
        if element.ai.ai == "01" and element.gtin_error:
            raise RefusedError(f"barcode {_show(code)}: {element.gtin_error}")
        found.setdefault(element.ai.ai, element.value)
        if element.ai.ai == "17":
            expiry = element.date
    if "01" not in found:
        raise RefusedError(f"barcode {_show(code)}: no GTIN (AI 01) in it")
    return Gs1Code(found["01"], found.get("10"), expiry, found.get("21"))


def _show(code: str) -> str:
    shown = code.replace(GS, "<GS>")
    return repr(shown if len(shown) <= 80 else shown[:77] + "...")


def decode_photo(data: bytes) -> str:
    """The content of the first DataMatrix (or other GS1-capable 2D or linear code) in a
    photo, with its FNC1 separators; a RefusedError when there is none or the file is
    not an image."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise RefusedError("photo: the file is empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise RefusedError(f"photo: at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise RefusedError(f"photo: at most {MAX_PHOTO_PIXELS:,} pixels")
            found = zxingcpp.read_barcodes(image.convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise RefusedError("photo: not an image (PNG, JPEG, ...)") from None
    if not found:
        raise RefusedError("photo: no barcode found in it; take it closer, flat and sharp")
    return bytes(found[0].bytes).decode("latin-1")
