"""Small builders for FHIR data types as plain JSON dicts (no models on the export path)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from typing import Any

from .codes import UCUM

JSON = dict[str, Any]

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_NAMESPACE = uuid.UUID("5f0c3a52-8a4e-4f57-9a8e-6d6b1f1c2a10")
_NAMESPACE_BYTES = _NAMESPACE.bytes

UNITS: dict[str, tuple[str, str]] = {
    # unit as it appears in a field name -> (display unit, UCUM code)
    "ml": ("mL", "mL"),
    "mm": ("mm", "mm"),
    "cm": ("cm", "cm"),
    "cm2": ("cm2", "cm2"),
    "min": ("min", "min"),
    "d": ("d", "d"),
    "days": ("d", "d"),
    "mo": ("mo", "mo"),
    "months": ("mo", "mo"),
    "1": ("1", "1"),
}


def stable_uuid(*parts: object) -> str:
    """The same UUID for the same parts (UUID 5), so re-exports give the same ids.

    Equal to ``str(uuid.uuid5(_NAMESPACE, "|".join(parts)))``, computed without the
    ``UUID`` object (bulk export names several resources per resource it writes)."""
    name = "|".join(p if isinstance(p, str) else str(p) for p in parts)
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fhir_id(text: str) -> str:
    """``text`` when it is a valid FHIR id, else a stable UUID derived from it."""
    return text if _ID.match(text) else stable_uuid("id", text)


def coding(system: str, code: str, display: str | None = None) -> JSON:
    out: JSON = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(*codings: JSON, text: str | None = None) -> JSON:
    out: JSON = {}
    if codings:
        out["coding"] = list(codings)
    if text:
        out["text"] = text
    return out


def quantity(value: float, unit: str) -> JSON:
    """A UCUM quantity; ``unit`` as in field names (``ml``, ``mm``, ``days``...)."""
    display, code = UNITS[unit]
    return {"value": number(value), "unit": display, "system": UCUM, "code": code}


def number(value: float) -> int | float:
    """Integral floats as ints (``10`` not ``10.0``), so the JSON reads as written."""
    return int(value) if float(value).is_integer() else float(value)


def extension(name_url: str, **value: Any) -> JSON:
    """``extension(url, valueString="x")``: one value[x] key."""
    (key, val), *rest = value.items()
    assert not rest and key.startswith("value"), value
    return {"url": name_url, key: val}


def complex_extension(name_url: str, parts: list[JSON]) -> JSON:
    return {"url": name_url, "extension": parts}


def reference(target: str, display: str | None = None) -> JSON:
    out: JSON = {"reference": target}
    if display:
        out["display"] = display
    return out


def instant(value: dt.datetime) -> str:
    """An aware datetime as FHIR dateTime/instant text (seconds precision)."""
    if value.tzinfo is None:
        raise ValueError("FHIR date-times need a time zone")
    return value.replace(microsecond=0).isoformat()
