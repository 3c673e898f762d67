"""Course limits: a phase's minimum interval in days or calendar months, the maximum
number of sessions, the session volume; in the calendar and at charting."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import builtin_protocols
from mesoplan.domain.clinic_calendar import ClinicCalendar, add_months
from mesoplan.domain.course import PhaseLength
from mesoplan.domain.course_limits import (
    Charted,
    check_course_limits,
    check_interval,
    check_session_volume,
)
from mesoplan.domain.errors import PlanningError
from mesoplan.domain.protocol import Phase, Protocol
from mesoplan.domain.protocol_text import parse_protocol_text, protocol_from_data
from mesoplan.domain.rescheduling import mark_missed, move_session
from mesoplan.domain.scheduling import schedule_course
from mesoplan.domain.session_volume import check_plan_volume
from mesoplan.protocols import export_builtin_text

PROTOCOLS = builtin_protocols()
WEEKEND = ClinicCalendar.closed_on([5, 6])


def label_protocol(max_sessions: int = 6, **phase: object) -> Protocol:
    """A label-like course: monthly, at least a calendar month apart, at most N sessions."""
    fields: dict[str, object] = {
        "name": "course",
        "interval_months": 1,
        "sessions": 10,
        "min_interval_months": 1,
        "source": "default",
    }
    fields.update(phase)
    return dataclasses.replace(
        PROTOCOLS["face"],
        phases=(Phase(**fields),),  # type: ignore[arg-type]
        max_sessions=max_sessions,
        limits_source="default",
    )


def dates(protocol: Protocol, start: date, **kwargs: object) -> list[date]:
    return [s.date for s in schedule_course(protocol, start, **kwargs).sessions]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "max_sessions", "expected"),
    [
        (
            date(2025, 1, 31),
            6,
            [
                date(2025, 1, 31),
                date(2025, 2, 28),
                date(2025, 3, 31),
                date(2025, 4, 30),
                date(2025, 5, 31),
                date(2025, 6, 30),
            ],
        ),
        (
            date(2024, 1, 31),
            3,
            [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
        ),
        (
            date(2025, 3, 15),
            4,
            [date(2025, 3, 15), date(2025, 4, 15), date(2025, 5, 15), date(2025, 6, 15)],
        ),
    ],
)
def test_monthly_minimum_with_max_sessions_gives_exactly_that_many(
    start: date, max_sessions: int, expected: list[date]
) -> None:
    protocol = label_protocol(max_sessions)
    schedule = schedule_course(protocol, start)
    assert [s.date for s in schedule.sessions] == expected
    assert len(schedule.sessions) == max_sessions
    for a, b in itertools.pairwise(expected):
        assert b >= add_months(a, 1)
    left_out = 10 - max_sessions
    assert any(
        f"at most {max_sessions} sessions" in w and f"{left_out} more session(s)" in w
        for w in schedule.warnings
    )


def test_closed_days_never_pull_a_session_inside_the_calendar_month() -> None:
    # 28 Feb 2025 is a Friday: open. 31 Mar 2025 is a Monday. With a clinic closed on
    # Mondays the window (+/-7 days) would allow 28 Mar, but that is less than a calendar
    # month after 28 Feb's session... it is exactly one: 28 Feb + 1 month = 28 Mar.
    closed_monday = ClinicCalendar.closed_on([0])
    got = dates(label_protocol(6), date(2025, 1, 31), calendar=closed_monday)
    assert len(got) == 6
    for a, b in itertools.pairwise(got):
        assert b >= add_months(a, 1), (a, b)
        assert closed_monday.is_open(b)
    assert got[2] == date(2025, 4, 1)  # 31 Mar is a Monday: the later open day first


def test_a_longer_phase_is_capped_by_max_sessions_across_phases() -> None:
    hair = PROTOCOLS["hair"]  # 4 weekly, then monthly for 6 months
    capped = dataclasses.replace(hair, max_sessions=7, limits_source="default")
    full = schedule_course(hair, date(2025, 1, 6))
    schedule = schedule_course(
        capped, date(2025, 1, 6), phase_lengths={"maintenance": PhaseLength(months=12)}
    )
    assert len(full.sessions) == 10
    assert len(schedule.sessions) == 7
    assert [s.phase for s in schedule.sessions] == ["induction"] * 4 + ["maintenance"] * 3
    assert [s.date for s in schedule.sessions] == [s.date for s in full.sessions[:7]]


def test_a_minimum_in_days_keeps_the_gap_whatever_the_calendar() -> None:
    weekly = label_protocol(
        20, interval_months=None, interval_days=7, min_interval_months=None, min_interval_days=6
    )
    got = dates(weekly, date(2025, 1, 3), calendar=WEEKEND)  # a Friday
    assert len(got) == 10
    assert min((b - a).days for a, b in itertools.pairwise(got)) >= 6


def test_moving_or_rebooking_never_breaks_a_monthly_minimum() -> None:
    schedule = schedule_course(label_protocol(6), date(2025, 1, 31))
    with pytest.raises(Exception, match="1 calendar month after session 1"):
        move_session(schedule, 2, date(2025, 2, 27))
    moved = move_session(schedule, 2, date(2025, 2, 28))
    assert moved.sessions[1].date == date(2025, 2, 28)
    missed = mark_missed(schedule, 3, today=date(2025, 3, 1))
    for a, b in itertools.pairwise(missed.sessions):
        assert b.date >= add_months(a.date, 1)


@given(
    start=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    months=st.integers(1, 3),
    cap=st.integers(1, 8),
    closed=st.sets(st.integers(0, 6), max_size=5),
)
def test_property_never_more_sessions_nor_shorter_gaps(
    start: date, months: int, cap: int, closed: set[int]
) -> None:
    protocol = label_protocol(cap, interval_months=months, min_interval_months=months)
    calendar = ClinicCalendar.closed_on(sorted(closed))
    sessions = schedule_course(protocol, start, calendar=calendar).sessions
    assert len(sessions) == min(cap, 10)
    for a, b in itertools.pairwise(sessions):
        assert b.date >= add_months(a.date, months)


@pytest.mark.parametrize("protocol_id", ["cellulite", "face", "hair"])
def test_builtins_plan_the_same_calendar_as_with_their_version_1_field(protocol_id: str) -> None:
    text = export_builtin_text(protocol_id)
    assert "min_interval_days = " in text
    old = parse_protocol_text(text.replace("min_interval_days = ", "min_days_between = "))
    new = PROTOCOLS[protocol_id]
    for start, calendar in ((date(2025, 1, 6), None), (date(2025, 1, 31), WEEKEND)):
        a = schedule_course(new, start, calendar=calendar)
        b = schedule_course(old, start, calendar=calendar)
        assert [(s.date, s.window_start, s.window_end) for s in a.sessions] == [
            (s.date, s.window_start, s.window_end) for s in b.sessions
        ]
        assert [f.date for f in a.follow_ups] == [f.date for f in b.follow_ups]


# -- the model -------------------------------------------------------------------


def phase_data(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "p", "sessions": 3, "interval_days": 30, "source": "x"}
    data.update(fields)
    return data


def test_version_1_min_days_between_loads_as_min_interval_days_and_keeps_its_hash() -> None:
    protocol = PROTOCOLS["face"]
    data = protocol.to_dict()
    data["phases"][0].pop("min_interval_days")
    data["phases"][0]["min_days_between"] = 6
    v1 = protocol_from_data(data)
    assert v1.phases[0].min_days == 6
    assert v1.phases[0].earliest_after(date(2025, 1, 1)) == date(2025, 1, 7)
    # The stored form is the one given: reloading the canonical JSON keeps the hash.
    assert '"min_days_between":6' in v1.canonical_json()
    assert '"min_interval_days":' not in v1.canonical_json()
    assert protocol_from_data(v1.to_dict()).content_hash == v1.content_hash


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "exactly one of min_interval_days or min_interval_months"),
        (
            {"min_interval_days": 6, "min_interval_months": 1},
            "exactly one of min_interval_days or min_interval_months",
        ),
        ({"min_interval_days": 6, "min_days_between": 6}, "exactly one of min_interval_days"),
        ({"min_interval_days": 31}, r"minimum interval \(31 days\) can be longer"),
        # A calendar month may have 31 days: too long for a 30-day interval.
        ({"min_interval_months": 1}, r"minimum interval \(1 calendar month\) can be longer"),
        (
            {"interval_days": None, "interval_months": 1, "min_interval_months": 2},
            r"\(2 calendar months\) can be longer than the interval \(1 calendar month\)",
        ),
        (
            {"interval_days": None, "interval_months": 1, "min_interval_days": 29},
            r"\(29 days\) can be longer than the interval \(1 calendar month\)",
        ),
        ({"min_interval_days": 0}, "greater than 0"),
    ],
)
def test_phase_minimum_interval_rules(fields: dict[str, object], message: str) -> None:
    with pytest.raises(Exception, match=message):
        base = PROTOCOLS["face"].to_dict()
        base["phases"] = [phase_data(**fields)]
        protocol_from_data(base)


def test_the_limits_need_their_source_and_are_cited() -> None:
    base = PROTOCOLS["face"].to_dict()
    with pytest.raises(Exception, match="limits_source cites the source"):
        protocol_from_data({**base, "max_sessions": 6})
    with pytest.raises(Exception, match="limits_source is 'nowhere'"):
        protocol_from_data({**base, "max_sessions": 6, "limits_source": "nowhere"})
    ok = protocol_from_data({**base, "max_sessions": 6, "limits_source": "article"})
    assert ok.max_sessions == 6
    with pytest.raises(Exception, match="greater than 0"):
        protocol_from_data({**base, "max_session_volume_ml": 0, "limits_source": "article"})
    with pytest.raises(Exception, match="less than or equal to 100"):
        protocol_from_data({**base, "max_sessions": 101, "limits_source": "article"})
    with pytest.raises(Exception, match="less than or equal to 100"):
        protocol_from_data({**base, "max_session_volume_ml": 100.5, "limits_source": "article"})


# -- at charting -----------------------------------------------------------------

WEEKLY = PROTOCOLS["cellulite"].phases[0]  # min_interval_days = 6
MONTHLY = label_protocol().phases[0]


@pytest.mark.parametrize(
    ("phase", "earlier", "later", "blocked"),
    [
        (WEEKLY, date(2025, 3, 3), date(2025, 3, 9), False),
        (WEEKLY, date(2025, 3, 3), date(2025, 3, 8), True),
        (MONTHLY, date(2025, 1, 31), date(2025, 2, 28), False),
        (MONTHLY, date(2025, 1, 31), date(2025, 2, 27), True),
        (MONTHLY, date(2025, 3, 15), date(2025, 4, 14), True),
        (MONTHLY, date(2025, 3, 15), date(2025, 4, 15), False),
    ],
)
def test_interval_at_charting(phase: Phase, earlier: date, later: date, blocked: bool) -> None:
    found = check_interval(Charted(1, earlier, phase), Charted(2, later, phase))
    assert (found is not None) == blocked
    if found is not None:
        assert found.rule_id == "course-min-interval" and found.severity == "stop"
        assert f"{(later - earlier).days} day(s) after session 1" in found.message
        assert str(phase.earliest_after(earlier)) in found.message


def test_charting_checks_both_neighbours_and_the_number() -> None:
    protocol = label_protocol(3)
    feb = Charted(2, date(2025, 2, 28), MONTHLY)
    jan = Charted(1, date(2025, 1, 31), MONTHLY)
    mar = Charted(3, date(2025, 3, 10), MONTHLY)
    clear = check_course_limits(protocol, feb, jan, None, charted=1)
    assert clear.findings == ()
    # Backdated between two charted sessions: too close to the one after.
    late = check_course_limits(protocol, feb, jan, mar, charted=2)
    assert [f.rule_id for f in late.findings] == ["course-min-interval"]
    fourth = Charted(4, date(2025, 6, 1), MONTHLY)
    over = check_course_limits(protocol, fourth, mar, None, charted=3)
    assert [f.rule_id for f in over.findings] == ["course-max-sessions"]
    assert "would make 4 sessions" in over.findings[0].message
    assert "at most 3" in over.findings[0].message
    assert over.blocked
    assert not over.with_overrides({"course-max-sessions": "label allows a 4th"}).blocked


def test_session_volume_at_planning_and_at_charting() -> None:
    protocol = dataclasses.replace(
        PROTOCOLS["cellulite"], max_session_volume_ml=12.0, limits_source="article"
    )
    check_plan_volume(protocol, 12.0)
    with pytest.raises(PlanningError, match=r"delivers 15 mL, above .* 12 mL a session"):
        check_plan_volume(protocol, 15.0)
    assert check_session_volume(protocol, 12.0).findings == ()
    over = check_session_volume(protocol, 12.5)
    assert [f.rule_id for f in over.findings] == ["session-volume-max"]
    assert "delivered 12.5 mL" in over.findings[0].message
    assert check_session_volume(PROTOCOLS["cellulite"], 1000.0).findings == ()


def test_planner_refuses_a_plan_above_the_session_volume() -> None:
    from mesoplan.domain.planner import plan

    cellulite = PROTOCOLS["cellulite"]
    zones = ["thigh-left-lateral", "abdomen"]
    full = plan(cellulite, zones)
    assert full.volume_ml == pytest.approx(15.0)
    limited = dataclasses.replace(cellulite, max_session_volume_ml=12.0, limits_source="article")
    with pytest.raises(PlanningError, match="above the protocol's maximum of 12 mL"):
        plan(limited, zones)
    smaller = plan(limited, zones, budget_ml={"thighs": 7.0})
    assert smaller.volume_ml == pytest.approx(12.0)
    assert all(r.volume_ml <= 12.0 for r in smaller.rules)


@given(data=st.data())
def test_property_no_rule_nor_plan_exceeds_the_session_maximum(data: st.DataObject) -> None:
    from mesoplan.domain.anatomy import zones_in_group
    from mesoplan.domain.planner import plan

    pid = data.draw(st.sampled_from(["cellulite", "face", "hair"]))
    base = PROTOCOLS[pid]
    zones = sorted({z for g in base.groups for z in zones_in_group(g)})
    chosen = data.draw(st.lists(st.sampled_from(zones), min_size=1, max_size=3, unique=True))
    limit = data.draw(st.floats(1.0, 20.0))
    protocol = dataclasses.replace(base, max_session_volume_ml=limit, limits_source="default")
    try:
        planned = plan(
            protocol, chosen, spacing_cm=max(r.spacing_cm.default for r in base.area_rules)
        )
    except PlanningError as exc:
        assert "above the protocol's maximum" in str(exc) or "overlap" in str(exc)
        return
    assert planned.volume_ml <= limit + 1e-6
    assert all(r.volume_ml <= limit + 1e-6 for r in planned.rules)
