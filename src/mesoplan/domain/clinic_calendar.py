"""The clinic's calendar and the date arithmetic a course calendar needs.

Pure: no clock and no files. A time zone is looked up by its IANA name through
``zoneinfo`` (the ``tzdata`` package ships the database), the same on every platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ScheduleError

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as the CLI and the docs spell them; index = ``date.weekday()``."""

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if leap else _DAYS_IN_MONTH[month - 1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; a day past the month's end is clamped to it.

    31 January + 1 month is 28 (or 29) February; + 2 months is 31 March. The same rule
    as ``dateutil.relativedelta(months=n)`` (a test holds them equal).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, min(day.day, days_in_month(year, month0 + 1)))


def clinic_zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name`` (e.g. ``Europe/Rome``), or a ScheduleError."""
    key = name.strip()
    try:
        if not key or key.startswith(("/", ".")) or ".." in key:
            raise ValueError(key)
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(
            f"unknown time zone {name!r}; valid: an IANA time zone name such as "
            f"Europe/Rome, America/New_York or UTC{_zone_hint(key)}"
        ) from None


def _zone_hint(key: str) -> str:
    import difflib
    from zoneinfo import available_timezones

    close = difflib.get_close_matches(key, sorted(available_timezones()), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


@dataclass(frozen=True)
class ClinicCalendar:
    """When the clinic sees patients: open weekdays (0 = Monday), closed dates
    (holidays, closures) and the opening hours of an open day (local time)."""

    open_weekdays: frozenset[int] = frozenset(range(7))
    closed_dates: frozenset[dt.date] = frozenset()
    opens: dt.time = dt.time(8, 0)
    closes: dt.time = dt.time(20, 0)
    location: str = "Clinic"

    def __post_init__(self) -> None:
        if not self.open_weekdays:
            raise ScheduleError(
                f"the clinic must be open on at least one weekday ({', '.join(WEEKDAYS)})"
            )
        bad = sorted(d for d in self.open_weekdays if d not in range(7))
        if bad:
            raise ScheduleError(f"weekday numbers must be 0 (mon) to 6 (sun), got {bad}")
        if self.opens >= self.closes:
            raise ScheduleError(
                f"opening hours must open before they close, got {self.opens:%H:%M}-"
                f"{self.closes:%H:%M}"
            )

    @classmethod
    def closed_on(
        cls,
        weekdays: Iterable[int] = (),
        holidays: Iterable[dt.date] = (),
        *,
        opens: dt.time = dt.time(8, 0),
        closes: dt.time = dt.time(20, 0),
        location: str = "Clinic",
    ) -> ClinicCalendar:
        """A calendar open every day except ``weekdays`` and ``holidays``."""
        return cls(
            open_weekdays=frozenset(range(7)) - frozenset(weekdays),
            closed_dates=frozenset(holidays),
            opens=opens,
            closes=closes,
            location=location,
        )

    def is_open(self, day: dt.date) -> bool:
        return day.weekday() in self.open_weekdays and day not in self.closed_dates

    def check_hours(self, start: dt.time, duration_min: int) -> None:
        """A ScheduleError unless a session of ``duration_min`` starting at ``start`` fits
        inside the opening hours."""
        begin = start.hour * 60 + start.minute
        end = begin + duration_min
        if begin < _minutes(self.opens) or end > _minutes(self.closes):
            raise ScheduleError(
                f"session time {start:%H:%M} is outside the clinic's opening hours "
                f"{self.opens:%H:%M}-{self.closes:%H:%M} (a {duration_min}-minute session "
                "must start after opening and end by closing)"
            )


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class WindowStep:
    """Sessions whose interval is at most ``max_interval_days`` may be held up to
    ``days`` days before or after their nominal date."""

    max_interval_days: int
    days: int


@dataclass(frozen=True)
class WindowSettings:
    """The clinic's acceptable window per interval length (a clinic setting).

    Defaults: +/-1 day for weekly intervals, +/-3 days up to two weeks, +/-7 days for
    anything longer (monthly). Steps are read in order; the last one covers the rest.
    """

    steps: tuple[WindowStep, ...] = field(
        default=(WindowStep(7, 1), WindowStep(14, 3), WindowStep(10**6, 7))
    )

    def __post_init__(self) -> None:
        if not self.steps:
            raise ScheduleError("window settings need at least one step")
        for step in self.steps:
            if step.days < 0 or step.max_interval_days <= 0:
                raise ScheduleError(
                    f"a window step needs days >= 0 and max_interval_days > 0, got {step}"
                )

    def days_for(self, interval_days: int) -> int:
        for step in self.steps:
            if interval_days <= step.max_interval_days:
                return step.days
        return self.steps[-1].days
