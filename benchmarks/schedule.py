"""Course calendar speed: 52 weekly sessions with 20 holidays (goal: under 5 ms).

Baseline measured in the same run: the bare loop of 52 date additions (what any
scheduler must at least do). Also prints the ICS export of the same course, for scale.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time
from collections.abc import Callable

from mesoplan.adapters.ical import course_ics
from mesoplan.domain.clinic_calendar import ClinicCalendar, clinic_zone
from mesoplan.domain.protocol import Phase
from mesoplan.domain.scheduling import schedule_course
from mesoplan.protocols.library import builtin_protocols

GOAL_MS = 5.0
START = dt.date(2025, 1, 6)  # a Monday


def best_of(func: Callable[[], object], repeat: int = 7, number: int = 200) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return min(times), statistics.median(times)


def _closed(holidays: list[dt.date]) -> ClinicCalendar:
    return ClinicCalendar.closed_on([5, 6], holidays)


def main() -> None:
    weekly = Phase(
        name="weekly", sessions=52, interval_days=7, min_days_between=6, source="default"
    )
    protocol = dataclasses.replace(builtin_protocols()["face"], phases=(weekly,))
    zone = clinic_zone("Europe/Rome")
    # 20 holidays, each on the day a session would otherwise fall (every other week from
    # session 4), so that every one of them moves a session.
    holidays: list[dt.date] = []
    for number in range(4, 4 + 2 * 20, 2):
        plan = schedule_course(protocol, START, zone=zone, calendar=_closed(holidays))
        holidays.append(plan.sessions[number - 1].date)
    calendar = _closed(holidays)
    at = dt.time(10, 0)

    def baseline() -> None:
        day = START
        for _ in range(52):
            day += dt.timedelta(days=7)

    def schedule() -> object:
        return schedule_course(protocol, START, at=at, zone=zone, calendar=calendar)

    result = schedule_course(protocol, START, at=at, zone=zone, calendar=calendar)
    moved = sum(s.date != s.nominal for s in result.sessions)
    base_best, base_med = best_of(baseline)
    best, med = best_of(schedule)
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    ics_best, ics_med = best_of(lambda: course_ics(result, stamp=stamp), number=5)
    print(
        f"course: {len(result.sessions)} weekly sessions, {len(holidays)} holidays, {moved} moved"
    )
    print(f"52 date additions (baseline):  {base_best * 1e3:.4f} ms (median {base_med * 1e3:.4f})")
    print(f"schedule_course, 52 sessions:  {best * 1e3:.3f} ms (median {med * 1e3:.3f})")
    print(f"ratio to baseline: {best / base_best:.0f}x; goal < {GOAL_MS:g} ms: ", end="")
    print("met" if med * 1e3 < GOAL_MS else "NOT met")
    print(f"course_ics, same course:       {ics_best * 1e3:.2f} ms (median {ics_med * 1e3:.2f})")


if __name__ == "__main__":
    main()
