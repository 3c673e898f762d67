"""The forecast against a fixture computed by hand: two courses over four weeks, two
lots of one product, one lot expiring mid-way."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoplan.domain.forecast import LotStock, Need, Shortfall, Unused, VialStock, forecast

TODAY = date(2025, 3, 3)
END = TODAY + timedelta(weeks=4) - timedelta(days=1)
ML = 1000


def _weekly(course_id: int, first: date) -> list[Need]:
    return [Need(first + timedelta(weeks=k), course_id, k + 1, "Tefamin", ML) for k in range(4)]


def test_two_courses_two_lots_one_expiring_mid_way() -> None:
    needs = _weekly(1, date(2025, 3, 3)) + _weekly(2, date(2025, 3, 5))
    lots = [
        LotStock("Tefamin", "TF-A", date(2025, 3, 11), 3, 1500),
        LotStock("Tefamin", "TF-B", date(2026, 1, 31), 2, 1500),
    ]
    result = forecast(needs, lots, [], 28, END)
    # By hand, 1 mL a session, 1.5 mL units, open vials first then the soonest expiry:
    # 3 Mar c1 opens A1 (0.5 left); 5 Mar c2 takes A1's 0.5 and opens A2 (1.0 left);
    # 10 Mar c1 empties A2; 12 Mar TF-A has expired with one unit never opened, c2 opens
    # B1 (0.5 left); 17 Mar c1 takes B1's 0.5 and opens B2 (1.0 left); 19 Mar c2 empties
    # B2; 24 and 26 March nothing is left.
    assert [(d.day.day, d.course_id, d.lot_number, d.volume_ul) for d in result.draws] == [
        (3, 1, "TF-A", 1000),
        (5, 2, "TF-A", 500),
        (5, 2, "TF-A", 500),
        (10, 1, "TF-A", 1000),
        (12, 2, "TF-B", 1000),
        (17, 1, "TF-B", 500),
        (17, 1, "TF-B", 500),
        (19, 2, "TF-B", 1000),
    ]
    assert result.shortfalls == (
        Shortfall(date(2025, 3, 24), 1, 4, "Tefamin", 1000),
        Shortfall(date(2025, 3, 26), 2, 4, "Tefamin", 1000),
    )
    assert result.unused == (Unused("Tefamin", "TF-A", date(2025, 3, 11), 1, 1500),)
    assert result.needed_ul == {"Tefamin": 8000}


def test_an_open_vial_counts_until_its_beyond_use_date_and_is_drawn_first() -> None:
    needs = [
        Need(date(2025, 3, 4), 1, 2, "Tefamin", 800),
        Need(date(2025, 3, 11), 1, 3, "Tefamin", 800),
    ]
    vials = [VialStock("Tefamin", "TF-A", "VA", 1000, date(2025, 3, 5))]
    lots = [LotStock("Tefamin", "TF-A", date(2025, 12, 31), 1, 1500)]
    result = forecast(needs, lots, vials, 7, END)
    assert [(d.vial, d.volume_ul) for d in result.draws] == [("VA", 800), ("TF-A (new 1)", 800)]
    # VA's last 0.2 mL is lost on 5 March; the new vial (opened 11 March, 7 days) on the 17th
    assert result.unused == (Unused("Tefamin", "TF-A", date(2025, 3, 5), 0, 200 + 700),)
    assert result.shortfalls == ()


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 27), st.integers(1, 3000)), max_size=12),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4), st.integers(1, 3000)), max_size=4),
)
def test_every_microlitre_is_drawn_or_short(
    needs_spec: list[tuple[int, int]], lots_spec: list[tuple[int, int, int]]
) -> None:
    needs = [
        Need(TODAY + timedelta(days=d), 1, i + 1, "P", v) for i, (d, v) in enumerate(needs_spec)
    ]
    lots = [
        LotStock("P", f"L{i}", TODAY + timedelta(days=e), u, v)
        for i, (e, u, v) in enumerate(lots_spec)
    ]
    result = forecast(needs, lots, [], 28, END)
    drawn = sum(d.volume_ul for d in result.draws)
    short = sum(s.missing_ul for s in result.shortfalls)
    assert drawn + short == sum(n.volume_ul for n in needs)
    expiry = {lot.lot_number: lot.expiry for lot in lots}
    assert all(d.day <= expiry[d.lot_number] for d in result.draws)
    available = sum(lot.units * lot.unit_volume_ul for lot in lots)
    assert drawn <= available
