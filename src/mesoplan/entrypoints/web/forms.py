"""Reading form fields: each bad value gets one message naming the field and what is valid."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ...domain.record_errors import RefusedError


def text(form: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    value = str(value).strip() if value is not None else ""
    if not value:
        if required:
            raise RefusedError(f"{name.replace('_', ' ')}: this field is required")
        return None
    return value


def number(form: Mapping[str, Any], name: str, required: bool = False) -> float | None:
    value = text(form, name, required)
    if value is None:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise RefusedError(f"{name.replace('_', ' ')}: {value!r} is not a number") from None


def integer(form: Mapping[str, Any], name: str, required: bool = False) -> int | None:
    value = number(form, name, required)
    if value is None:
        return None
    if value != int(value):
        raise RefusedError(f"{name.replace('_', ' ')}: give a whole number, got {value:g}")
    return int(value)


def day(form: Mapping[str, Any], name: str, required: bool = False) -> date | None:
    value = text(form, name, required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RefusedError(
            f"{name.replace('_', ' ')}: {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def moment(
    form: Mapping[str, Any], name: str, zone: str, required: bool = False
) -> datetime | None:
    """A ``datetime-local`` field, read in the clinic's time zone."""
    value = text(form, name, required)
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise RefusedError(
            f"{name.replace('_', ' ')}: {value!r} is not a date and time (YYYY-MM-DDTHH:MM)"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(zone))


def flag(form: Mapping[str, Any], name: str) -> bool:
    return text(form, name) in ("on", "true", "1", "yes")


def many(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


OVERRIDE_PREFIX = "override."
MAX_OVERRIDES = 20


def overrides(form: Mapping[str, Any]) -> dict[str, str]:
    """The reasons given to override stops: fields ``override.<rule or rule:subject>``
    (an empty reason respects the stop)."""
    out: dict[str, str] = {}
    for key in form:
        reason = text(form, key) if key.startswith(OVERRIDE_PREFIX) else None
        if reason is not None:
            out[key[len(OVERRIDE_PREFIX) :]] = reason
    if len(out) > MAX_OVERRIDES:
        raise RefusedError(f"at most {MAX_OVERRIDES} overrides at once, got {len(out)}")
    return out
