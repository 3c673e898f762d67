"""The plausible range of what a record may hold: ids, text, clinical dates and times,
and where a charted point may lie. Pure: today's date and the time now are passed in.

Every boundary (API, CLI, web) checks its input against these rules, so a value that is
accepted can always be read back, plotted and exported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .record_errors import RefusedError

ID_MIN, ID_MAX = 1, 2**31 - 1
"""Record ids are positive 32-bit integers (the databases' ``INTEGER`` keys)."""
EARLIEST_DATE = date(1900, 1, 1)
"""No birth date, and so no clinical event, before this day."""
LATEST_DATE = date(2199, 12, 31)
"""No date after this day (expiry dates and planned dates included)."""
EVENT_LEEWAY = timedelta(minutes=5)
"""An event that happened may be stamped this far ahead of the clock (clock skew)."""
COURSE_START_WINDOW_DAYS = 5 * 366
"""A course starts within about five years of today, either way."""
COORD_ABS_MAX_CM = 300.0
"""Where no outline is known, a point lies at most this far from its zone's origin."""
INT_ABS_MAX = 2**53
"""The largest integer a free-form JSON document may hold (exact in a double)."""


class FieldError(RefusedError):
    """A refusal that names the field at fault, as a path (``changes/3/x_cm``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def id_in_range(value: int) -> bool:
    return ID_MIN <= value <= ID_MAX


def control_character(text: str, *, newlines: bool = False) -> str | None:
    """The first character ``text`` may not hold, as ``U+0000``, or None.

    Refused: control characters (Unicode category Cc: NUL, escape, DEL...) and lone
    surrogates (Cs, not encodable as UTF-8); with ``newlines``, ``\\n`` is allowed."""
    for ch in text:
        if newlines and ch == "\n":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return f"U+{ord(ch):04X}"
    return None


def clean_text(text: str, *, newlines: bool = False) -> str:
    """``text`` unchanged, or a :class:`ValueError` naming the refused character."""
    bad = control_character(text, newlines=newlines)
    if bad is not None:
        allowed = " (newlines are allowed)" if newlines else ""
        raise ValueError(f"contains the control character {bad}; give printable text{allowed}")
    return text


def date_in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{value.isoformat()} is out of range; valid: {_range()}")
    return value


def datetime_in_range(value: datetime) -> datetime:
    """Checked on the local date first, so converting to UTC cannot overflow."""
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        raise ValueError(f"{value.isoformat()} is out of range; valid: {_range()}")
    return value


def _range() -> str:
    return f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


def check_birth_date(birth: date, today: date, field: str = "birth_date") -> None:
    if birth < EARLIEST_DATE:
        raise FieldError(field, f"{birth.isoformat()}; valid: from {EARLIEST_DATE.isoformat()}")
    if birth > today:
        raise FieldError(field, f"{birth.isoformat()} is in the future")


def check_event_time(at: datetime, birth: date | None, now: datetime | None, field: str) -> None:
    """An event that happened: aware, not before the patient's birth and at most
    :data:`EVENT_LEEWAY` ahead of ``now`` (unless ``now`` is None)."""
    if at.tzinfo is None:
        raise FieldError(field, "give a time zone offset")
    datetime_in_range_or_field(at, field)
    if birth is not None and at.date() < birth:
        raise FieldError(field, f"{at.isoformat()} is before the patient's birth ({birth})")
    if now is not None and at > now + EVENT_LEEWAY:
        raise FieldError(field, f"{at.isoformat()} is in the future")


def datetime_in_range_or_field(at: datetime, field: str) -> None:
    try:
        datetime_in_range(at)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def check_course_start(start: date, today: date, field: str = "start_date") -> None:
    window = timedelta(days=COURSE_START_WINDOW_DAYS)
    if not today - window <= start <= today + window:
        raise FieldError(
            field,
            f"{start.isoformat()} is out of range; a course starts within five years of "
            f"today ({(today - window).isoformat()} to {(today + window).isoformat()})",
        )


def distance_to_outline_cm(
    outline_cm: Sequence[Sequence[float]], x_cm: float, y_cm: float
) -> float:
    """0 inside the zone's outline, else the distance to it in cm."""
    from shapely.geometry import Point, Polygon

    return float(
        Polygon([(float(p[0]), float(p[1])) for p in outline_cm]).distance(Point(x_cm, y_cm))
    )


def check_point_position(
    outline_cm: Sequence[Sequence[float]], spacing_cm: float, x_cm: float, y_cm: float, field: str
) -> None:
    """A moved or added point lies inside its zone's outline or within one spacing of it."""
    off = distance_to_outline_cm(outline_cm, x_cm, y_cm)
    if off > spacing_cm:
        raise FieldError(
            field,
            f"({x_cm:g}, {y_cm:g}) cm lies {off:.1f} cm outside the zone; valid: inside its "
            f"outline or within one spacing ({spacing_cm:g} cm) of it",
        )


def check_json_value(value: object, where: str = "", depth: int = 0) -> None:
    """A free-form JSON document (an approved plan): printable strings, bounded integers,
    finite numbers, at most 64 levels deep; a :class:`FieldError` names the first fault."""
    if depth > 64:
        raise FieldError(where or "#", "nested too deeply")
    if isinstance(value, str):
        _checked(value, where)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > INT_ABS_MAX:
            raise FieldError(where, f"the number {value} is out of range")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FieldError(where, "give a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _checked(str(key), where)
            part = str(key).replace("~", "~0").replace("/", "~1")
            check_json_value(item, f"{where}/{part}", depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_json_value(item, f"{where}/{i}", depth + 1)


def _checked(text: str, where: str) -> None:
    try:
        clean_text(text, newlines=True)
    except ValueError as exc:
        raise FieldError(where or "#", str(exc)) from None
